"""Fixtures of the audit tests: the app's signing key for checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask


@pytest.fixture
def signing_key(app: Flask) -> Path:
    """The app's audit signing key file (created once for the shared test instance)."""
    from zorgtafel.audit.checkpoint import new_signing_seed

    path = app.extensions["zorgtafel.settings"].path("audit.signing_key_file")
    if not path.exists():
        path.write_bytes(new_signing_seed())
    return path
