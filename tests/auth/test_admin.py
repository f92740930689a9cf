"""The admin's pages: the user list, adding a user, blocking and unblocking, resetting the
second factor, and a one-time link to set a password; each step logged."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.administration import RESET_VALID
from zorgtafel.auth.models import PasswordReset, Role, User
from zorgtafel.core.clock import utcnow


def test_admin_lists_users_with_role_and_status(
    client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    other = factories.user(Role.partner, "politie")
    login_as(Role.admin)
    page = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert other.email in page
    assert "ketenpartner" in page


def test_admin_blocks_a_user_and_ends_their_session(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    victim = factories.user(Role.partner, "politie")
    victim_client = app.test_client()
    login(victim_client, victim)
    login_as(Role.admin)
    token = csrf_token(client, "/beheer/gebruikers")
    response = client.post(f"/beheer/gebruikers/{victim.id}/blokkeren", data={"csrf_token": token})
    assert response.status_code == 302
    with in_app(app) as session:
        assert not session.get(User, victim.id).is_active  # type: ignore[union-attr]
    assert victim_client.get("/").status_code == 302


def test_admin_cannot_block_themselves(app: Flask, client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(Role.admin)
    token = csrf_token(client, "/beheer/gebruikers")
    client.post(f"/beheer/gebruikers/{admin.id}/blokkeren", data={"csrf_token": token})
    with in_app(app) as session:
        assert session.get(User, admin.id).is_active  # type: ignore[union-attr]


def test_blocking_an_unknown_user_is_a_404(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as(Role.admin)
    token = csrf_token(client, "/beheer/gebruikers")
    assert (
        client.post("/beheer/gebruikers/999999/blokkeren", data={"csrf_token": token}).status_code
        == 404
    )


# --- issue 13 point 10: administration in the browser -----------------------------------------


def _post(client: FlaskClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/beheer/gebruikers")
    return client.post(path, data={"csrf_token": token, **data})


def _link(html: str) -> str:
    match = re.search(r'id="link" type="text" readonly value="([^"]+)"', html)
    assert match, "no one-time link on the page"
    return match.group(1).replace("&amp;", "&")


def _local(link: str) -> str:
    """The link's path and query, for the test client."""
    parts = urlsplit(link)
    assert parts.path == "/wachtwoord-instellen"
    return f"{parts.path}?{parts.query}"


def _set_password(client: FlaskClient, link: str, password: str):  # type: ignore[no-untyped-def]
    opened = client.get(_local(link))
    assert opened.status_code == 302
    # the token leaves the address at once: not in the history, not in the next page's address
    assert opened.headers["Location"] == "/wachtwoord-instellen"
    token = csrf_token(client, "/wachtwoord-instellen")
    return client.post(
        "/wachtwoord-instellen", data={"csrf_token": token, "new": password, "repeat": password}
    )


def _changes(app: Flask, user_id: int) -> list[str]:
    with in_app(app) as session:
        return [
            event.reason
            for event in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id))
                .order_by(AuditEvent.seq)
            )
            if event.purpose == "administration"
        ]


def test_admin_adds_a_user_who_sets_the_password_through_the_link(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    factories.organisation("politie")
    login_as(Role.admin)
    token = csrf_token(client, "/beheer/gebruikers/nieuw")
    page = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "csrf_token": token,
            "email": "Nieuw@Politie.test",
            "name": "Nieuwe Collega",
            "organisation": "politie",
            "role": "partner",
        },
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Account aangemaakt" in html
    link = _link(html)
    with in_app(app) as session:
        user = session.scalar(select(User).where(User.email == "nieuw@politie.test"))
        assert user is not None
        assert user.role is Role.partner
        assert user.organisation.code == "politie"
        assert not user.totp_enrolled
        user_id = user.id
        # only the token's hash is kept
        stored = session.scalars(select(PasswordReset.token_hash)).all()
        assert parse_qs(urlsplit(link).query)["t"][0] not in stored
    assert _changes(app, user_id) == ["user_created", "password_reset_issued"]

    newcomer = app.test_client()
    done = _set_password(newcomer, link, "een nieuw lang wachtwoord")
    assert done.status_code == 302
    assert done.headers["Location"] == "/inloggen"
    assert _changes(app, user_id)[-1] == "password_reset_used"
    # the password works; the first login then links an authenticator app
    token = csrf_token(newcomer)
    login_page = newcomer.post(
        "/inloggen",
        data={
            "email": "nieuw@politie.test",
            "password": "een nieuw lang wachtwoord",
            "csrf_token": token,
        },
    )
    assert login_page.headers["Location"].startswith("/inloggen/koppelen")


def test_a_new_users_form_with_a_taken_address_changes_nothing(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    other = factories.user(Role.partner, "politie")
    login_as(Role.admin)
    with in_app(app) as session:
        before = session.scalar(select(func.count(User.id)))
    token = csrf_token(client, "/beheer/gebruikers/nieuw")
    page = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "csrf_token": token,
            "email": other.email,
            "name": "Dubbel",
            "organisation": "politie",
            "role": "partner",
        },
    )
    assert page.status_code == 400
    assert "Controleer het formulier" in page.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalar(select(func.count(User.id))) == before


def test_a_password_reset_ends_password_and_sessions_and_its_link_works_once(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    victim = factories.user(Role.partner, "politie")
    victim_client = app.test_client()
    login(victim_client, victim)
    login_as(Role.admin)
    page = _post(client, f"/beheer/gebruikers/{victim.id}/wachtwoord-herstellen")
    assert page.status_code == 200
    link = _link(page.get_data(as_text=True))
    # the session has ended and the old password no longer opens the account
    assert victim_client.get("/").status_code == 302
    fresh = app.test_client()
    refused = fresh.post(
        "/inloggen",
        data={"email": victim.email, "password": victim.password, "csrf_token": csrf_token(fresh)},
    )
    assert refused.status_code == 401
    assert _set_password(fresh, link, "weer een lang wachtwoord").status_code == 302
    # once used, the link is gone
    again = app.test_client()
    assert again.get(_local(link)).status_code == 302
    assert again.get("/wachtwoord-instellen").status_code == 410
    assert _changes(app, victim.id) == ["password_reset_issued", "password_reset_used"]


def test_a_newer_link_voids_the_older_and_links_expire(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    victim = factories.user(Role.partner, "politie")
    login_as(Role.admin)
    first = _link(
        _post(client, f"/beheer/gebruikers/{victim.id}/wachtwoord-herstellen").get_data(True)
    )
    second = _link(
        _post(client, f"/beheer/gebruikers/{victim.id}/wachtwoord-herstellen").get_data(True)
    )
    old = app.test_client()
    old.get(_local(first))
    assert old.get("/wachtwoord-instellen").status_code == 410
    late = app.test_client()
    late.get(_local(second))
    assert late.get("/wachtwoord-instellen").status_code == 200
    with time_machine.travel(utcnow() + RESET_VALID + timedelta(minutes=1), tick=False):
        assert late.get("/wachtwoord-instellen").status_code == 410


def test_a_forged_or_missing_token_is_gone_and_changes_nothing(app: Flask) -> None:
    client = app.test_client()
    client.get("/wachtwoord-instellen?t=" + "x" * 43)
    assert client.get("/wachtwoord-instellen").status_code == 410
    token = csrf_token(client, "/inloggen")
    answer = client.post(
        "/wachtwoord-instellen", data={"csrf_token": token, "new": "a" * 20, "repeat": "a" * 20}
    )
    assert answer.status_code == 410


def test_a_second_factor_reset_ends_sessions_and_asks_to_link_again(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    victim = factories.user(Role.partner, "politie")
    victim_client = app.test_client()
    login(victim_client, victim)
    login_as(Role.admin)
    assert _post(client, f"/beheer/gebruikers/{victim.id}/tweestaps-herstellen").status_code == 302
    assert victim_client.get("/").status_code == 302
    fresh = app.test_client()
    step = fresh.post(
        "/inloggen",
        data={"email": victim.email, "password": victim.password, "csrf_token": csrf_token(fresh)},
    )
    assert step.headers["Location"].startswith("/inloggen/koppelen")
    with in_app(app) as session:
        user = session.get(User, victim.id)
        assert user is not None
        assert user.totp_secret is not None
        assert user.totp_secret.reveal() != victim.totp_secret
    assert _changes(app, victim.id) == ["second_factor_reset"]


def test_blocking_voids_open_links_and_unblocking_lets_the_user_in_again(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    victim = factories.user(Role.partner, "politie")
    login_as(Role.admin)
    link = _link(
        _post(client, f"/beheer/gebruikers/{victim.id}/wachtwoord-herstellen").get_data(True)
    )
    assert _post(client, f"/beheer/gebruikers/{victim.id}/blokkeren").status_code == 302
    assert _post(client, f"/beheer/gebruikers/{victim.id}/deblokkeren").status_code == 302
    with in_app(app) as session:
        assert session.get(User, victim.id).is_active  # type: ignore[union-attr]
    # the link handed out before the block stays void
    holder = app.test_client()
    holder.get(_local(link))
    assert holder.get("/wachtwoord-instellen").status_code == 410
    assert _changes(app, victim.id) == [
        "password_reset_issued",
        "user_disabled",
        "user_enabled",
    ]


def test_an_admin_cannot_reset_their_own_account_from_the_list(
    app: Flask, client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(Role.admin)
    for path in ("wachtwoord-herstellen", "tweestaps-herstellen"):
        assert _post(client, f"/beheer/gebruikers/{admin.id}/{path}").status_code == 302
    assert _changes(app, admin.id) == []
    assert client.get("/").status_code == 200  # still logged in


def test_admin_steps_without_csrf_change_nothing(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    victim = factories.user(Role.partner, "politie")
    login_as(Role.admin)
    for path in ("wachtwoord-herstellen", "tweestaps-herstellen", "blokkeren"):
        client.post(f"/beheer/gebruikers/{victim.id}/{path}")
    assert _changes(app, victim.id) == []
