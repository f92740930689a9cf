"""Cases tests run with the real pseudonymiser engine and a test double for deduce (see
``pseudonymiser_without_deduce`` in tests/fixtures/cases.py); production uses the service client."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _pseudonymiser(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:
        request.getfixturevalue("pseudonymiser_without_deduce")
