"""The privacy officer logged in, with the example convenant in force."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.fixtures.auth import Factories, UserRecord, login
from zorgtafel.auth.models import Role


@pytest.fixture
def fg(client: FlaskClient, factories: Factories) -> UserRecord:
    """A privacy officer of the municipality, logged in on ``client``."""
    factories.example_convenant()
    user = factories.user(Role.privacy, "gemeente")
    login(client, user)
    return user
