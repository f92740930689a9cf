"""The tamper-evident audit log (NEN 7513): append-only, hash-chained, signed checkpoints."""
