"""Fixtures of the backup tests: the instance being backed up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.fixtures.app import dispose, make_instance, own_app


@pytest.fixture
def live(own_database: str, tmp_path: Path) -> Iterator[Flask]:
    """The instance being backed up, on a database of its own (real commits); its key files
    in ``tmp_path / "instance"``."""
    app = own_app(own_database, make_instance(tmp_path / "instance"))
    yield app
    dispose(app)
