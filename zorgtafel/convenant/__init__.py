"""The convenant: the signed data-sharing agreement as code (model, strict loader, policy, compare).

Pure Python: no Flask, no database. The web layer and the CLI call into these modules.
"""
