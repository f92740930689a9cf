"""The admin's user list and blocking a user from it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from zorgtafel.auth.models import Role, User


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
