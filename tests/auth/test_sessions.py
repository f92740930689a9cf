"""Session hardening: fixation, logout replay, disabling, password change, timeouts, cookies."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import build_app, in_app
from tests.fixtures.auth import Factories, UserRecord, csrf_token, login
from zorgtafel.auth.models import User
from zorgtafel.core.clock import utcnow


def session_cookie(client: FlaskClient, name: str = "zorgtafel") -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def logged_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_login_issues_a_new_session_identifier(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    client.get("/inloggen")
    before = session_cookie(client)
    login(client, user)
    after = session_cookie(client)
    assert before
    assert after
    assert before != after
    # an attacker who planted the pre-login cookie gains nothing
    attacker = client.application.test_client()
    attacker.set_cookie("zorgtafel", before)
    assert not logged_in(attacker)


def test_cookie_captured_before_logout_no_longer_works(
    client: FlaskClient, factories: Factories
) -> None:
    user = factories.user()
    login(client, user)
    captured = session_cookie(client)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")})
    assert not logged_in(client)
    replay = client.application.test_client()
    replay.set_cookie("zorgtafel", captured or "")
    assert not logged_in(replay)


def test_logout_needs_post_with_csrf(client: FlaskClient, factories: Factories) -> None:
    login(client, factories.user())
    assert client.get("/uitloggen").status_code == 405
    assert client.post("/uitloggen").status_code == 400
    assert logged_in(client)


def test_disabling_a_user_ends_their_sessions(
    client: FlaskClient, factories: Factories, app: Flask
) -> None:
    from zorgtafel.auth.operations import disable_user

    user = factories.user()
    login(client, user)
    with in_app(app) as session:
        disable_user(session.get(User, user.id))  # type: ignore[arg-type]
    assert not logged_in(client)


def test_a_disabled_user_whose_session_was_not_ended_is_logged_out(
    client: FlaskClient, factories: Factories, app: Flask
) -> None:
    """Disabling ends the sessions first; the session loader's own check must hold without it."""
    from sqlalchemy import func, select

    from zorgtafel.auth.models import UserSession

    user = factories.user()
    login(client, user)
    with in_app(app) as session:
        session.get(User, user.id).disabled_at = utcnow()  # type: ignore[union-attr]
    assert not logged_in(client)
    with in_app(app) as session:
        left = select(func.count()).where(UserSession.user_id == user.id)
        assert session.scalar(left) == 0  # the stale session is deleted, not only skipped


def change_password(client: FlaskClient, user: UserRecord, new: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/account/wachtwoord")
    return client.post(
        "/account/wachtwoord",
        data={"current": user.password, "new": new, "repeat": new, "csrf_token": token},
    )


def test_password_change_ends_other_sessions(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    other = client.application.test_client()
    login(other, user)
    time_travel_code = user.code(1)  # the first login used the current step
    token = csrf_token(client)
    client.post(
        "/inloggen", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    token = csrf_token(client, "/inloggen/code")
    client.post("/inloggen/code", data={"code": time_travel_code, "csrf_token": token})
    assert logged_in(client)
    assert logged_in(other)
    old_cookie = session_cookie(client)
    response = change_password(client, user, "a new and long passphrase")
    assert response.status_code == 302
    assert logged_in(client)
    assert session_cookie(client) != old_cookie
    assert not logged_in(other)


def test_password_change_refuses_short_password_and_wrong_current(
    client: FlaskClient, factories: Factories
) -> None:
    user = factories.user()
    login(client, user)
    assert change_password(client, user, "short").status_code == 422
    wrong = UserRecord(**{**user.__dict__, "password": "not the password"})
    assert change_password(client, wrong, "a new and long passphrase").status_code == 422
    assert logged_in(client)


def test_idle_timeout(client: FlaskClient, factories: Factories) -> None:
    login(client, factories.user())
    with time_machine.travel(utcnow() + timedelta(minutes=29), tick=False):
        assert logged_in(client)
    with time_machine.travel(utcnow() + timedelta(minutes=29 + 31), tick=False):
        assert not logged_in(client)


def test_activity_keeps_the_session_alive_until_the_absolute_lifetime(
    client: FlaskClient, factories: Factories
) -> None:
    login(client, factories.user())
    start = utcnow()
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert logged_in(client), minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        assert not logged_in(client)


def test_pending_second_step_expires(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    token = csrf_token(client)
    client.post(
        "/inloggen", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        assert client.get("/inloggen/code").headers["Location"] == "/inloggen"


def test_cookie_flags_over_plain_http(client: FlaskClient, factories: Factories) -> None:
    login(client, factories.user())
    # the first page after login writes the cookie once more (its CSRF token)
    header = client.get("/").headers.get("Set-Cookie", "")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_cookie_is_not_rewritten_on_every_page(client: FlaskClient, factories: Factories) -> None:
    login(client, factories.user())
    client.get("/")
    response = client.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_cookie_expires_at_the_absolute_end_of_the_session(
    client: FlaskClient, factories: Factories
) -> None:
    start = utcnow()
    with time_machine.travel(start, tick=False):
        login(client, factories.user())
        client.get("/")
    end = start + timedelta(hours=12)
    cookie = client.get_cookie("zorgtafel")
    assert cookie is not None
    assert cookie.expires is not None
    assert abs(cookie.expires - end) <= timedelta(seconds=2)
    # written again later (the language changes): still the same end, not now + 12 h
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        token = csrf_token(client, "/")
        response = client.post("/taal", data={"locale": "en", "next": "/", "csrf_token": token})
        assert "Set-Cookie" in response.headers
    cookie = client.get_cookie("zorgtafel")
    assert cookie is not None
    assert cookie.expires is not None
    assert abs(cookie.expires - end) <= timedelta(seconds=2)


def test_cookie_before_login_lasts_the_browser_session(client: FlaskClient) -> None:
    client.get("/inloggen")
    cookie = client.get_cookie("zorgtafel")
    assert cookie is not None
    assert cookie.expires is None


def test_cookie_is_secure_and_host_prefixed_behind_https(
    database_url: str, tmp_path_factory
) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.app import make_instance

    app = build_app(
        database_url, make_instance(tmp_path_factory.mktemp("https")), app={"https": True}
    )
    client = app.test_client()
    response = client.get("/inloggen", base_url="https://zorgtafel.test")
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-zorgtafel=")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "Path=/" in header
    assert "Domain" not in header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    app.extensions["zorgtafel.db"].engine.dispose()


def _cookie_content(client: FlaskClient) -> dict:  # type: ignore[type-arg]
    app = client.application
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return serializer.loads(session_cookie(client) or "")


def test_half_login_cookie_shows_no_user_id(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    token = csrf_token(client)
    client.post(
        "/inloggen", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    content = _cookie_content(client)
    assert isinstance(content.get("pending"), str)
    assert len(content["pending"]) >= 40  # a random token, not a record of who
    assert "user_id" not in repr(content)
    assert str(user.id) not in repr({k: v for k, v in content.items() if k != "pending"})


def test_half_login_cannot_be_replayed(client: FlaskClient, factories: Factories) -> None:
    """The cookie of the password step, replayed with a new code, used to open a second
    session without the password."""
    user = factories.user()
    token = csrf_token(client)
    client.post(
        "/inloggen", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    token = csrf_token(client, "/inloggen/code")
    captured = session_cookie(client)  # with its CSRF token, as a thief would have it
    response = client.post("/inloggen/code", data={"code": user.code(), "csrf_token": token})
    assert response.status_code == 302
    assert logged_in(client)
    replay = client.application.test_client()
    replay.set_cookie("zorgtafel", captured or "")
    # the next code (one step ahead is accepted) with the captured half-login
    response = replay.post("/inloggen/code", data={"code": user.code(1), "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"
    assert not logged_in(replay)
    assert logged_in(client)


def test_half_login_belongs_to_the_session_that_made_it(
    client: FlaskClient, factories: Factories
) -> None:
    user = factories.user()
    token = csrf_token(client)
    client.post(
        "/inloggen", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    other = client.application.test_client()
    other_token = csrf_token(other)
    response = other.post("/inloggen/code", data={"code": user.code(), "csrf_token": other_token})
    assert response.headers["Location"] == "/inloggen"
    assert not logged_in(other)
    # a new password step in the same browser replaces the earlier half-login
    token = csrf_token(client)
    earlier = session_cookie(client)
    response = client.post(
        "/inloggen", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert response.status_code == 302
    stale = client.application.test_client()
    stale.set_cookie("zorgtafel", earlier or "")
    assert stale.get("/inloggen/code").headers["Location"] == "/inloggen"
    token = csrf_token(client, "/inloggen/code")
    response = client.post("/inloggen/code", data={"code": user.code(), "csrf_token": token})
    assert response.status_code == 302
    assert logged_in(client)
