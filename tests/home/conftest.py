"""Start-page tests run with the real pseudonymiser engine without deduce, as the minutes tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _pseudonymiser(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:
        request.getfixturevalue("pseudonymiser_without_deduce")
