"""Local figures ("ken uw lokale cijfers"): a case's coded profile, the tables counted over
cases through the gate, their disclosure control and the ledger of releases."""
