"""Accounts: organisations, users with a role, argon2id passwords, TOTP, server-side sessions."""
