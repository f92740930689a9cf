"""CSRF: missing, wrong or another session's token → 400 and nothing changes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from zorgtafel.auth.models import Role, User, UserSession


def snapshot(app: Flask) -> tuple:  # type: ignore[type-arg]
    with in_app(app) as session:
        users = session.execute(
            select(User.id, User.disabled_at, User.password_hash, User.totp_last_step)
        ).all()
        sessions = session.execute(select(UserSession.token_hash, UserSession.user_id)).all()
    return (sorted(map(tuple, users)), sorted(map(tuple, sessions)))


@pytest.mark.parametrize("kind", ["missing", "wrong", "other-session"])
def test_bad_token_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, factories: Factories, kind: str
) -> None:
    admin = factories.user(Role.admin, "gemeente")
    victim = factories.user(Role.partner, "politie")
    login(client, admin)
    other = app.test_client()
    login(other, factories.user(Role.admin, "gemeente"))
    tokens = {
        "missing": None,
        "wrong": "IjEyMzQ1Ig.aaaa.bbbb",
        "other-session": csrf_token(other, "/"),
    }
    before = snapshot(app)
    requests = [
        (f"/beheer/gebruikers/{victim.id}/blokkeren", {}),
        ("/uitloggen", {}),
        ("/account/wachtwoord", {"current": admin.password, "new": "x" * 20, "repeat": "x" * 20}),
        ("/inloggen", {"email": victim.email, "password": victim.password}),
    ]
    for path, data in requests:
        if tokens[kind]:
            data = {**data, "csrf_token": tokens[kind]}
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "formulier" in response.get_data(as_text=True)
    assert snapshot(app) == before
    assert client.get("/").status_code == 200  # still logged in: the logout was refused


def test_state_never_changes_on_get(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("auth.logout", "auth.disable", "home.language"):
            assert "GET" not in rule.methods  # type: ignore[operator]
