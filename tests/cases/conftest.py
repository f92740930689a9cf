"""Cases tests: the real pseudonymiser engine with a TEST DOUBLE for deduce (no detector), so
the case's known names, the marked words and the project's own annotators are applied without
loading deduce's ~1 GB. Production uses ``get_pseudonymiser()``: the service client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from zorgtafel.pseudonymise import EXTENSION, Pseudonymiser, use_pseudonymiser


def no_detector(_text: str) -> tuple[()]:
    """Stands in for deduce in tests: finds nothing."""
    return ()


@pytest.fixture(autouse=True)
def test_pseudonymiser(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    before = app.extensions.get(EXTENSION)
    use_pseudonymiser(app, Pseudonymiser(detector=no_detector))
    yield
    if before is None:
        app.extensions.pop(EXTENSION, None)
    else:
        app.extensions[EXTENSION] = before
