"""Fixtures for the convenant tests: the example convenant in both versions."""

from pathlib import Path

import pytest

from tests.convenant.convenant_examples import EXAMPLE_1_0, EXAMPLE_1_1
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.loader import load_convenant


@pytest.fixture
def example() -> Convenant:
    """Version 1.0 of the example convenant."""
    return load_convenant(EXAMPLE_1_0)


@pytest.fixture
def example_next() -> Convenant:
    """Version 1.1 of the example convenant."""
    return load_convenant(EXAMPLE_1_1)


@pytest.fixture(params=[EXAMPLE_1_0, EXAMPLE_1_1], ids=["1.0", "1.1"])
def example_path(request: pytest.FixtureRequest) -> Path:
    """Each version's file, for tests that hold for both."""
    return request.param
