"""The suite's fixtures, one module per domain under ``tests/fixtures/`` (as Indico's
``indico/testing/fixtures/``)."""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.cases",
    "tests.fixtures.figures",
    "tests.fixtures.meetings",
    "tests.fixtures.minutes",
    "tests.fixtures.audit",
]
