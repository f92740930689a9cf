"""Fixtures: a case factory on the per-test rolled-back database, and own databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from privacy_support import CaseFactory, fresh_database


@pytest.fixture
def cases(app: Flask) -> CaseFactory:
    return CaseFactory(app)


@pytest.fixture
def own_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, on the current backend (real commits)."""
    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def signing_key(app: Flask) -> Path:
    """The app's audit signing key file (created once for the shared test instance)."""
    from zorgtafel.audit.checkpoint import new_signing_seed

    path = app.extensions["zorgtafel.settings"].path("audit.signing_key_file")
    if not path.exists():
        path.write_bytes(new_signing_seed())
    return path
