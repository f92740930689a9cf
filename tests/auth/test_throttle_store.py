"""The throttle's database store (``zorgtafel+sql://``): moving window and fixed-window counts,
kept in the database so every app process sees the same numbers."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from tests.fixtures.auth import Factories, csrf_token
from zorgtafel.core.clock import utcnow
from zorgtafel.core.limiter import limiter
from zorgtafel.core.throttle_store import RateLimitEntry, SqlStorage


def test_the_default_store_is_the_database(app: Flask) -> None:
    assert isinstance(limiter.storage, SqlStorage)
    assert app.config["RATELIMIT_STRATEGY"] == "moving-window"


def test_moving_window(app: Flask) -> None:
    store = SqlStorage()
    start = utcnow()
    with app.app_context(), time_machine.travel(start, tick=False):
        store.reset()
        assert store.check()
        assert [store.acquire_entry("k", 3, 60) for _ in range(4)] == [True] * 3 + [False]
        oldest, counted = store.get_moving_window("k", 3, 60)
        assert counted == 3
        assert abs(oldest - time.time()) < 1
        assert store.acquire_entry("other", 3, 60)
        assert not store.acquire_entry("k2", 3, 60, amount=4)
    with app.app_context(), time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert store.get_moving_window("k", 3, 60)[1] == 0
        assert store.acquire_entry("k", 3, 60)  # the expired entries are swept
        with store.engine.connect() as connection:
            keys = connection.execute(RateLimitEntry.__table__.select()).all()
        assert [row.key for row in keys] == ["k"]
        store.clear("k")
        assert store.get_moving_window("k", 3, 60)[1] == 0


def test_fixed_window_counters(app: Flask) -> None:
    store = SqlStorage()
    start = utcnow()
    with app.app_context(), time_machine.travel(start, tick=False):
        store.reset()
        assert store.get("c") == 0
        assert store.incr("c", 60) == 1
        assert store.incr("c", 60, amount=2) == 3
        assert store.get("c") == 3
        assert abs(store.get_expiry("c") - (time.time() + 60)) < 1
    with app.app_context(), time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert store.get("c") == 0
        assert store.incr("c", 60) == 1
        store.clear("c")
        assert store.get("c") == 0


def test_an_unreachable_store_fails_closed(
    client: FlaskClient,
    factories: Factories,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No count, no check: the right password is refused with a page that says why, and the
    log says what happened (without the account)."""
    user = factories.user()
    token = csrf_token(client)
    nowhere = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 2}
    )
    monkeypatch.setattr(SqlStorage, "engine", property(lambda _self: nowhere))
    with caplog.at_level(logging.ERROR, logger="zorgtafel.core.limiter"):
        response = client.post(
            "/inloggen",
            data={"email": user.email, "password": user.password, "csrf_token": token},
        )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "de teller van inlogpogingen is niet bereikbaar" in page
    assert user.email not in page
    # the password step was not taken: no second step waits
    assert client.get("/inloggen/code").headers["Location"].startswith("/inloggen")
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        "login throttle store unreachable (OperationalError): login refused, endpoint auth.login"
    ]
    assert user.email not in caplog.text
    nowhere.dispose()
