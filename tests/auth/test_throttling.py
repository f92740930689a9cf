"""Throttling slows guessing per account and per address without locking anyone out for good."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from flask.testing import FlaskClient

from tests.fixtures.app import dispose, make_instance, own_app
from tests.fixtures.auth import Factories, csrf_token, login, make_user
from tests.fixtures.server import gunicorn, request, write_config
from zorgtafel.auth.models import Role
from zorgtafel.core.clock import utcnow


def attempt(client: FlaskClient, email: str, password: str, ip: str = "192.0.2.1") -> int:
    token = csrf_token(client)
    response = client.post(
        "/inloggen",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )
    return response.status_code


def test_per_account_limit_then_recovery(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        # failures from different addresses all count against the account
        codes = [attempt(client, user.email, "wrong guess", ip=f"192.0.2.{n}") for n in range(6)]
        assert codes == [401] * 5 + [429]
        # the right password is throttled too while the window lasts
        assert attempt(client, user.email, user.password, ip="198.51.100.7") == 429
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        # a minute later the owner gets in: no permanent lock-out
        assert attempt(client, user.email, user.password, ip="198.51.100.7") == 302


def test_per_address_limit_spans_accounts(client: FlaskClient, factories: Factories) -> None:
    with time_machine.travel(utcnow(), tick=False):
        codes = [attempt(client, f"guess{n}@example.test", "wrong guess") for n in range(21)]
        assert codes[:20] == [401] * 20
        assert codes[20] == 429
        # another address is not affected
        user = factories.user()
        assert attempt(client, user.email, user.password, ip="203.0.113.9") == 302


def test_successful_logins_do_not_count(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    for _ in range(8):
        assert attempt(client, user.email, user.password) == 302


def test_code_step_is_throttled_per_account(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    with time_machine.travel(utcnow(), tick=False):
        assert attempt(client, user.email, user.password) == 302
        token = csrf_token(client, "/inloggen/code")
        codes = [
            client.post("/inloggen/code", data={"code": "000000", "csrf_token": token}).status_code
            for _ in range(6)
        ]
        assert codes == [401] * 5 + [429]


def test_throttled_page_is_generic(client: FlaskClient) -> None:
    for _ in range(6):
        status = attempt(client, "someone@example.test", "wrong")
    assert status == 429
    token = csrf_token(client)
    response = client.post(
        "/inloggen",
        data={"email": "someone@example.test", "password": "x", "csrf_token": token},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    assert "Te veel pogingen" in response.get_data(as_text=True)
    assert login  # the shared helper stays importable for other throttling tests


def test_code_step_ignores_an_email_field(client: FlaskClient, factories: Factories) -> None:
    """An extra ``email`` per guess used to give each guess a fresh per-account bucket."""
    user = factories.user()
    with time_machine.travel(utcnow(), tick=False):
        assert attempt(client, user.email, user.password) == 302
        token = csrf_token(client, "/inloggen/code")
        codes = [
            client.post(
                "/inloggen/code",
                data={
                    "code": "000000",
                    "email": f"{secrets.token_hex(6)}@example.test",
                    "csrf_token": token,
                },
                # each from another address, so only the per-account limit can stop them
                environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"},
            ).status_code
            for n in range(6)
        ]
        assert codes == [401] * 5 + [429]
        # the right code is refused too while the window lasts
        response = client.post(
            "/inloggen/code",
            data={"code": user.code(), "email": user.email, "csrf_token": token},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
        assert response.status_code == 429


def _wrong_password(address: tuple[str, int], email: str) -> int:
    """A whole attempt against one process: its login page, then a wrong password."""
    page = request(address, "GET", "/inloggen")
    cookie = (page.getheader("Set-Cookie") or "").split(";")[0]
    assert cookie
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.body)  # type: ignore[attr-defined]
    assert found
    token = found.group(1)
    body = urlencode({"email": email, "password": "wrong guess", "csrf_token": token})
    response = request(
        address,
        "POST",
        "/inloggen",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )
    return response.status


@pytest.mark.parametrize("order", ["alternating", "five-then-other"])
def test_limits_hold_across_processes(own_database: str, tmp_path: Path, order: str) -> None:
    """Two app processes on one instance folder count in one store: the 6th wrong password
    within the minute is refused whichever process gets it (memory:// gave each its own 5)."""
    instance = make_instance(tmp_path / "instance")
    app = own_app(own_database, instance)
    email = "throttle@politie.test"
    make_user(app, Role.partner, "politie", email=email)
    dispose(app)
    write_config(instance, own_database)
    with gunicorn(instance) as first, gunicorn(instance) as second:
        targets = [first, second] * 3 if order == "alternating" else [first] * 5 + [second]
        codes = [_wrong_password(address, email) for address in targets]
        assert codes == [401] * 5 + [429]
        assert _wrong_password(first, email) == 429
