"""Shared fixtures: one app per database backend, a rolled-back transaction per test, factories.

The suite runs on SQLite always and on PostgreSQL too when ``ZORGTAFEL_TEST_DATABASE_URL`` is set.
Requests and factories share one connection whose outer transaction is rolled back after each
test; every commit inside becomes a SAVEPOINT release.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session, sessionmaker

from zorgtafel import create_app
from zorgtafel.audit.sequencer import ImmediateSequencer, audit_log
from zorgtafel.auth import operations
from zorgtafel.auth.models import Role
from zorgtafel.config import load_settings
from zorgtafel.core.db import db, make_engine
from zorgtafel.core.limiter import limiter
from zorgtafel.core.sqlite import _WRITE_STATE, reading_request
from zorgtafel.migrate import upgrade

PG_URL = os.environ.get("ZORGTAFEL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
PASSWORD = "correct horse battery staple"


def reset_postgres(url: str) -> None:
    """Start from an empty schema (the audit log's triggers forbid deleting rows one by one)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_instance(folder: Path, master_key: bytes | None = None) -> Path:
    """Key files for an app; ``master_key`` (32 bytes) to choose the master key."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret_key").write_text(secrets.token_urlsafe(48))
    key = master_key or os.urandom(32)
    (folder / "master.key").write_bytes(base64.urlsafe_b64encode(key) + b"\n")
    (folder / "lookup.key").write_bytes(base64.urlsafe_b64encode(os.urandom(32)) + b"\n")
    (folder / "audit-signing.key").write_bytes(base64.urlsafe_b64encode(os.urandom(32)) + b"\n")
    return folder


def build_app(database_url: str, instance: Path, **sections: dict[str, object]) -> Flask:
    """An app on ``database_url`` with keys in ``instance``; ``sections`` override settings."""
    overrides: dict[str, dict[str, object]] = {
        "app": {
            "database_url": database_url,
            "secret_key_file": str(instance / "secret_key"),
            "master_key_file": str(instance / "master.key"),
            "lookup_key_file": str(instance / "lookup.key"),
            "demo": True,
        },
        "audit": {"signing_key_file": str(instance / "audit-signing.key")},
    }
    for section, values in sections.items():
        overrides.setdefault(section, {}).update(values)
    settings = load_settings(overrides, path=instance / "config.toml")
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "postgresql":
        assert PG_URL
        reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = build_app(database_url, make_instance(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade(db.engine)
    yield app
    app.extensions["zorgtafel.db"].engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Roll back everything a test wrote (only for tests that use the app)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    state = app.extensions["zorgtafel.db"]
    connection = state.engine.connect()
    transaction = connection.begin()
    original = state.sessionmaker
    state.sessionmaker = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    if connection.dialect.name == "sqlite":
        event.listen(connection, "savepoint", _page_request_reads)
    # queued events (PostgreSQL) are chained right after each commit, inside this transaction
    log = audit_log(app)
    background = log.sequencer
    log.sequencer = ImmediateSequencer(connection)
    with app.app_context():
        limiter.reset()
    try:
        yield
    finally:
        state.sessionmaker = original
        log.sequencer = background
        transaction.rollback()
        connection.close()


def _page_request_reads(connection: Connection, _name: str) -> None:
    """The test's transaction stands in for each request's own: for a page request (GET) it
    begins as a reader, as in production, so a write without ``begin_write()`` fails here."""
    if reading_request() and not g.get("_test_reader_begun"):
        g._test_reader_begun = True
        connection.info[_WRITE_STATE].locked = False


@pytest.fixture
def cases(app: Flask):  # type: ignore[no-untyped-def]
    """``create`` / ``involve`` / ``contribute`` cases through the real operations."""
    from privacy_support import CaseFactory

    return CaseFactory(app)


@pytest.fixture
def meetings(app: Flask, factories: Factories):  # type: ignore[no-untyped-def]
    """``create`` meetings with agenda items (published), ``step`` and ``pledge``."""
    from meetings_support import MeetingFactory

    return MeetingFactory(app, factories)


@pytest.fixture
def own_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, on the current backend (real commits), dropped after."""
    from privacy_support import fresh_database

    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@contextmanager
def in_app(app: Flask) -> Iterator[Session]:
    """An app context for factories and assertions; never hold one across a request."""
    with app.app_context():
        yield db.session
        db.session.commit()


@dataclass
class UserRecord:
    id: int
    email: str
    password: str
    role: Role
    org: str
    totp_secret: str

    def code(self, offset_steps: int = 0) -> str:
        import time

        return pyotp.TOTP(self.totp_secret).at(time.time() + 30 * offset_steps)


class Factories:
    """``create_...`` helpers that go through the real operations, committed to the test db."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._counter = 0

    def organisation(self, code: str, name: str | None = None) -> int:
        with in_app(self.app):
            return operations.create_organisation(code, name or f"Organisatie {code}").id

    def user(
        self,
        role: Role | str = Role.partner,
        org: str = "politie",
        *,
        email: str | None = None,
        password: str = PASSWORD,
        enrolled: bool = True,
    ) -> UserRecord:
        from zorgtafel.core.db import utcnow

        role = Role(role)
        self._counter += 1
        email = email or f"{role.value}{self._counter}@{org}.test"
        self.organisation(org)
        with in_app(self.app):
            user = operations.create_user(email, f"Test {role.value}", org, role, password)
            if enrolled:
                user.totp_confirmed_at = utcnow()
            assert user.totp_secret is not None
            return UserRecord(user.id, email, password, role, org, user.totp_secret.reveal())

    def example_convenant(self) -> list[int]:
        """Load the example convenant's versions (idempotent); their ids, oldest first."""
        from zorgtafel import ROOT
        from zorgtafel.convenant.operations import load_version

        with in_app(self.app):
            return [
                load_version(path)[0].id for path in sorted((ROOT / "convenants").glob("*.toml"))
            ]


@pytest.fixture
def factories(app: Flask) -> Factories:
    return Factories(app)


def csrf_token(client: FlaskClient, path: str = "/inloggen") -> str:
    """The CSRF token of the client's session, as a page renders it."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: UserRecord) -> None:
    """The real two-step login: password, then a TOTP code."""
    response = client.post(
        "/inloggen",
        data={"email": user.email, "password": user.password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].startswith("/inloggen/code")
    token = csrf_token(client, "/inloggen/code")
    response = client.post("/inloggen/code", data={"code": user.code(), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def login_as(client: FlaskClient, factories: Factories):  # type: ignore[no-untyped-def]
    """``login_as(role, org)`` creates a user of that role and organisation and logs in."""

    def _login_as(role: Role | str, org: str = "gemeente") -> UserRecord:
        user = factories.user(Role(role), org)
        login(client, user)
        return user

    return _login_as


@pytest.fixture
def pseudonymiser_without_deduce(app: Flask) -> Iterator[object]:
    """The app's pseudonymiser for this test: the real engine with known names, marked words and
    the project's annotators, but without deduce (which takes ~1 GB and seconds to load).

    Without this fixture ``get_pseudonymiser()`` is the client of a service that does not run in
    tests: it raises ``PseudonymiserUnavailable``, which is what a save must survive.
    """
    from zorgtafel.pseudonymise import EXTENSION, Pseudonymiser, use_pseudonymiser

    previous = app.extensions.pop(EXTENSION, None)
    engine = Pseudonymiser(detector=lambda text: ())
    use_pseudonymiser(app, engine)
    yield engine
    app.extensions.pop(EXTENSION, None)
    if previous is not None:
        app.extensions[EXTENSION] = previous
