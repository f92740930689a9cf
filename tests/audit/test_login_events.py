"""Login, failed login and logout are audit events; a failed attempt is kept despite its 401."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role


def last_events(app: Flask, count: int) -> list[AuditEvent]:
    with in_app(app) as session:
        query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(count)
        return list(session.scalars(query))[::-1]


def token(client: FlaskClient, path: str = "/inloggen") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_login_and_logout_are_logged(app: Flask, client: FlaskClient, login_as: Any) -> None:
    user = login_as(Role.chair, "gemeente")
    login = last_events(app, 1)[0]
    assert (login.action, login.outcome) == ("login", "allowed")
    assert (login.actor_user_id, login.actor_org, login.actor_role) == (
        user.id,
        "gemeente",
        "chair",
    )
    assert login.object_id == str(user.id)
    assert login.client_address
    assert login.request_id
    response = client.post("/uitloggen", data={"csrf_token": token(client, "/account/wachtwoord")})
    assert response.status_code == 302
    assert last_events(app, 1)[0].action == "logout"


def test_failed_logins_are_kept_and_name_no_one(
    app: Flask, client: FlaskClient, factories: Any
) -> None:
    user = factories.user(Role.partner, "politie")
    for email in (user.email, "onbekend@voorbeeld.test"):
        response = client.post(
            "/inloggen",
            data={"email": email, "password": "fout wachtwoord!", "csrf_token": token(client)},
        )
        assert response.status_code == 401
    known, unknown = last_events(app, 2)
    assert (known.action, known.outcome, known.reason) == ("login_failed", "refused", "password")
    assert known.actor_user_id == user.id
    assert (unknown.action, unknown.actor_user_id, unknown.object_id) == (
        "login_failed",
        None,
        None,
    )
    with in_app(app) as session:
        stored = " ".join(
            str(value)
            for event in session.scalars(select(AuditEvent))
            for value in event.__dict__.values()
        )
    assert "onbekend@voorbeeld.test" not in stored
    assert user.email not in stored
