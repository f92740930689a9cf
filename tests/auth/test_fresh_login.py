"""Flask-Login on our server-side sessions, and a fresh login for "Toon identiteit" and exports:
a code confirmed within ``session.fresh_minutes`` (15), else once more, and logged."""

from __future__ import annotations

from datetime import timedelta

import flask_login
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from tests.fixtures.cases import post_intake, registered_code
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth import sessions
from zorgtafel.auth.models import Role
from zorgtafel.core.clock import utcnow


def test_flask_login_resolves_our_session_token(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    assert app.login_manager._user_callback is sessions.load_user  # type: ignore[attr-defined]
    user = factories.user()
    login(client, user)
    with client:
        client.get("/")
        assert flask_login.current_user.is_authenticated
        assert flask_login.current_user.id == user.id
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    assert token != str(user.id)
    assert len(token) >= 40  # the random session token, never the user id
    # a forged "user id" in the cookie is no login
    forged = app.test_client()
    with forged.session_transaction() as cookie:
        cookie["_user_id"] = str(user.id)
    assert forged.get("/").status_code == 302


def _case_for_partner(app: Flask, client: FlaskClient, login_as, factories: Factories):  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as("chair")
    code = registered_code(post_intake(client))
    partner = app.test_client()
    user = factories.user(Role.partner, "politie")
    login(partner, user)
    return partner, user, code


def _reveal(client: FlaskClient, code: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/casussen/{code}")
    return client.post(f"/casussen/{code}/identiteit", data={"csrf_token": token})


def test_identity_needs_a_fresh_login(
    app: Flask, client: FlaskClient, login_as, factories: Factories
) -> None:  # type: ignore[no-untyped-def]
    start = utcnow()
    with time_machine.travel(start, tick=False):
        partner, user, code = _case_for_partner(app, client, login_as, factories)
        assert _reveal(partner, code).status_code == 200  # just logged in
    later = start + timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        stale = _reveal(partner, code)
        assert stale.status_code == 302
        assert stale.headers["Location"] == f"/inloggen/bevestigen?next=/casussen/{code}"
        assert "Verzinsel" not in stale.get_data(as_text=True)
        page = partner.get(stale.headers["Location"])
        assert page.status_code == 200
        assert "Bevestig met een code" in page.get_data(as_text=True)
        token = csrf_token(partner, stale.headers["Location"])
        wrong = partner.post(
            stale.headers["Location"], data={"code": "000000", "csrf_token": token}
        )
        assert wrong.status_code == 401
        assert _reveal(partner, code).status_code == 302
        confirmed = partner.post(
            stale.headers["Location"], data={"code": user.code(), "csrf_token": token}
        )
        assert confirmed.status_code == 302
        assert confirmed.headers["Location"] == f"/casussen/{code}"
        revealed = _reveal(partner, code)
        assert revealed.status_code == 200
        assert "Fenna Lotte Verzinsel" in revealed.get_data(as_text=True)
    with in_app(app) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == str(user.id))
        ).all()
    assert [(e.action, e.outcome, e.reason) for e in events if e.reason != "enrolment"][-2:] == [
        ("login_failed", "refused", "code"),
        ("login", "allowed", "reconfirmed"),
    ]
    with time_machine.travel(later + timedelta(minutes=16), tick=False):
        assert _reveal(partner, code).status_code == 302  # fresh for a while, not for good


def test_an_export_needs_a_fresh_login(
    client: FlaskClient, factories: Factories, meetings: MeetingFactory
) -> None:
    start = utcnow()
    with time_machine.travel(start, tick=False):
        chair = factories.user(Role.chair, "gemeente")
        meeting = meetings.create([], publish=False, chair_id=chair.id)
        login(client, chair)
        fresh = client.get(f"/vergaderingen/{meeting.id}/agenda.pdf")
        assert "/inloggen/bevestigen" not in fresh.headers.get("Location", "")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        export = client.get(f"/vergaderingen/{meeting.id}/agenda.pdf")
        assert export.status_code == 302
        assert export.headers["Location"] == (
            f"/inloggen/bevestigen?next=/vergaderingen/{meeting.id}/agenda.pdf"
        )


def test_confirming_is_throttled_per_account(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    with time_machine.travel(utcnow(), tick=False):
        login(client, user)
        token = csrf_token(client, "/inloggen/bevestigen")
        codes = [
            client.post(
                "/inloggen/bevestigen",
                data={"code": "000000", "csrf_token": token},
                environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"},
            ).status_code
            for n in range(6)
        ]
    assert codes == [401] * 5 + [429]
