"""The start page per role, the language choice and the health check."""
