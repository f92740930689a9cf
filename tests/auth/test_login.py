"""Two-step login, enrolment, equal answers for unknown users, TOTP reuse, password hashing."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import PASSWORD, Factories, csrf_token, login
from zorgtafel.auth.models import Role, User, UserSession
from zorgtafel.auth.secrets import PasswordHash


def post_password(client: FlaskClient, email: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    return client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": token}
    )


def test_login_with_password_and_code(client: FlaskClient, factories: Factories) -> None:
    user = factories.user(Role.chair, "gemeente")
    login(client, user)
    page = client.get("/")
    assert page.status_code == 200
    assert "Welkom" in page.get_data(as_text=True)


def test_first_login_enrols_totp_with_svg_qr_and_text_key(
    client: FlaskClient, factories: Factories, app: Flask
) -> None:
    user = factories.user(Role.partner, "politie", enrolled=False)
    response = post_password(client, user.email, user.password)
    assert response.headers["Location"].startswith("/inloggen/koppelen")
    page = client.get("/inloggen/koppelen").get_data(as_text=True)
    assert "<svg" in page
    assert "<img" not in page
    assert user.totp_secret in page
    token = csrf_token(client, "/inloggen/koppelen")
    wrong = client.post("/inloggen/koppelen", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 401
    ok = client.post("/inloggen/koppelen", data={"code": user.code(), "csrf_token": token})
    assert ok.status_code == 302
    with in_app(app) as session:
        assert session.get(User, user.id).totp_enrolled  # type: ignore[union-attr]


def test_enrolment_page_needs_the_password_step(client: FlaskClient) -> None:
    assert client.get("/inloggen/koppelen").headers["Location"] == "/inloggen"
    assert client.get("/inloggen/code").headers["Location"] == "/inloggen"


def test_unknown_user_and_wrong_password_get_the_same_answer(
    client: FlaskClient, factories: Factories
) -> None:
    user = factories.user()
    unknown = post_password(client, "niemand@example.test", "whatever-password")
    wrong = post_password(client, user.email, "wrong password here")

    def body(response) -> str:  # type: ignore[no-untyped-def]
        return re.sub(r'(value|nonce)="[^"]*"', "", response.get_data(as_text=True))

    assert unknown.status_code == wrong.status_code == 401
    assert body(unknown).replace("niemand@example.test", "") == body(wrong).replace(user.email, "")


def test_unknown_user_and_wrong_password_do_the_same_work(
    factories: Factories, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same timing by construction: one argon2id verification with the same parameters."""
    from zorgtafel.auth import passwords
    from zorgtafel.auth.operations import check_password

    user = factories.user()
    verified: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, phc: str, password: str) -> bool:
        verified.append(phc.split("$")[3])  # the parameter block, e.g. m=19456,t=2,p=1
        return real_verify(self, phc, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)

    def work(email: str) -> list[str]:
        verified.clear()
        with app.test_request_context(), in_app(app):
            assert check_password(email, "wrong password here") is None
            passwords.hasher()  # the same hasher for both
        return list(verified)

    assert work(user.email) == work("niemand@example.test") == ["m=19456,t=2,p=1"]


def test_disabled_user_cannot_log_in(client: FlaskClient, factories: Factories, app: Flask) -> None:
    from zorgtafel.auth.operations import disable_user

    user = factories.user()
    with in_app(app) as session:
        disable_user(session.get(User, user.id))  # type: ignore[arg-type]
    assert post_password(client, user.email, user.password).status_code == 401


def test_a_code_works_once(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    login(client, user)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")})
    assert post_password(client, user.email, user.password).status_code == 302
    token = csrf_token(client, "/inloggen/code")
    replay = client.post("/inloggen/code", data={"code": user.code(), "csrf_token": token})
    assert replay.status_code == 401
    assert "al gebruikt" in replay.get_data(as_text=True)


def test_code_window_is_one_step_either_side(client: FlaskClient, factories: Factories) -> None:
    user = factories.user()
    for offset, expected in ((-3, 401), (3, 401), (1, 302)):
        token = csrf_token(client)
        client.post(
            "/inloggen",
            data={"email": user.email, "password": user.password, "csrf_token": token},
        )
        token = csrf_token(client, "/inloggen/code")
        response = client.post(
            "/inloggen/code", data={"code": user.code(offset), "csrf_token": token}
        )
        assert response.status_code == expected, offset


def test_passwords_are_argon2id_at_or_above_asvs_floor(app: Flask, factories: Factories) -> None:
    user = factories.user()
    with in_app(app) as session:
        stored = session.get(User, user.id).password_hash  # type: ignore[union-attr]
    assert isinstance(stored, PasswordHash)
    phc = stored.reveal()
    assert phc.startswith("$argon2id$v=19$")
    params = dict(item.split("=") for item in phc.split("$")[3].split(","))
    assert int(params["m"]) >= 19456
    assert int(params["t"]) >= 2
    assert int(params["p"]) >= 1
    assert "argon2" not in repr(stored)
    assert "argon2" not in str(stored)
    assert f"{stored}" == str(stored)


def test_password_is_rehashed_on_login_when_parameters_change(
    client: FlaskClient, factories: Factories, app: Flask
) -> None:
    user = factories.user()
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    with in_app(app) as session:
        session.get(User, user.id).password_hash = PasswordHash(weaker.hash(PASSWORD))  # type: ignore[union-attr]
    login(client, user)
    with in_app(app) as session:
        phc = session.get(User, user.id).password_hash.reveal()  # type: ignore[union-attr]
    assert "m=19456,t=2" in phc


def test_login_creates_a_server_side_session(
    client: FlaskClient, factories: Factories, app: Flask
) -> None:
    user = factories.user()
    login(client, user)
    with in_app(app) as session:
        rows = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 1
    assert len(rows[0].token_hash) == 64  # only the SHA-256 of the cookie's token is stored


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_next_parameter_only_allows_local_paths(
    client: FlaskClient, factories: Factories, target: str
) -> None:
    user = factories.user()
    client.post(
        f"/inloggen?next={target}",
        data={"email": user.email, "password": user.password, "csrf_token": csrf_token(client)},
    )
    token = csrf_token(client, "/inloggen/code")
    response = client.post(
        f"/inloggen/code?next={target}", data={"code": user.code(), "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_the_old_address_login_leads_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 301
    assert response.headers["Location"] == "/inloggen"
    kept = client.get("/login?next=/convenant")
    assert kept.headers["Location"] == "/inloggen?next=/convenant"
    dropped = client.get("/login?next=//evil.example")
    assert dropped.headers["Location"] == "/inloggen"
