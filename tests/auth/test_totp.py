"""TOTP (RFC 6238): a window of exactly one step either side, each step once, also in a race."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

from zorgtafel.auth import totp
from zorgtafel.auth.secrets import TotpSecret

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a test value, not anyone's key
#: the middle of a step, so no offset below lands on a neighbouring step
NOW = 1_790_000_000 // totp.STEP * totp.STEP + totp.STEP / 2
CURRENT = int(NOW // totp.STEP)


def code_at(offset_steps: int) -> str:
    return pyotp.TOTP(SECRET).at(NOW + offset_steps * totp.STEP)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_a_code_of_the_current_step_or_one_either_side_matches_its_own_step(offset: int) -> None:
    assert totp.matching_step(TotpSecret(SECRET), code_at(offset), NOW) == CURRENT + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 3, 10])
def test_a_code_two_or_more_steps_away_matches_nothing(offset: int) -> None:
    assert totp.matching_step(TotpSecret(SECRET), code_at(offset), NOW) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", "１２３４５６"])
def test_a_code_that_is_not_six_ascii_digits_matches_nothing(code: str) -> None:
    assert totp.matching_step(TotpSecret(SECRET), code, NOW) is None


def test_spaces_in_a_code_are_ignored() -> None:
    code = code_at(0)
    spaced = f" {code[:3]} {code[3:]} "
    assert totp.matching_step(TotpSecret(SECRET), spaced, NOW) == CURRENT


class Account:
    """What accept_code reads and writes of a user: the last accepted step."""

    totp_last_step = 0


def test_each_step_is_accepted_once_and_never_an_earlier_one() -> None:
    account = Account()
    secret = TotpSecret(SECRET)
    assert totp.accept_code(account, secret, code_at(0), NOW)  # type: ignore[arg-type]
    assert account.totp_last_step == CURRENT
    assert not totp.accept_code(account, secret, code_at(0), NOW)  # type: ignore[arg-type]
    assert not totp.accept_code(account, secret, code_at(-1), NOW)  # type: ignore[arg-type]
    assert totp.accept_code(account, secret, code_at(1), NOW)  # type: ignore[arg-type]
    assert account.totp_last_step == CURRENT + 1
    in_window = {code_at(offset) for offset in (-1, 0, 1)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in in_window)
    assert not totp.accept_code(account, secret, wrong, NOW)  # type: ignore[arg-type]
    assert account.totp_last_step == CURRENT + 1


def test_the_enrolment_uri_names_the_account_the_issuer_and_the_secret() -> None:
    user = SimpleNamespace(email="partner1@politie.test")
    uri = totp.provisioning_uri(user, TotpSecret(SECRET))  # type: ignore[arg-type]
    parsed = urlsplit(uri)
    assert (parsed.scheme, parsed.netloc) == ("otpauth", "totp")
    assert unquote(parsed.path) == "/zorgtafel:partner1@politie.test"
    assert parse_qs(parsed.query) == {"secret": [SECRET], "issuer": ["zorgtafel"]}


def test_one_code_brought_by_two_logins_at_once_logs_in_once(
    own_database: str, tmp_path: Path
) -> None:
    """Issue 12: TOTP single use under a race. Two half-logins of one user send the same code
    at the same moment, with real commits (on PostgreSQL the second waits for the first's
    row lock and then finds the step taken): exactly one becomes a session."""
    from tests.fixtures.app import dispose, make_instance, own_app
    from tests.fixtures.auth import Factories, csrf_token

    app = own_app(own_database, make_instance(tmp_path / "instance"))
    try:
        user = Factories(app).user("partner", "politie")
        clients = []
        for _ in range(2):
            client = app.test_client()
            client.post(
                "/inloggen",
                data={
                    "email": user.email,
                    "password": user.password,
                    "csrf_token": csrf_token(client),
                },
            )
            clients.append((client, csrf_token(client, "/inloggen/code")))
        code = user.code()
        barrier = threading.Barrier(2)
        answers: list[str] = []

        def send(client, token: str) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            response = client.post("/inloggen/code", data={"code": code, "csrf_token": token})
            answers.append(f"{response.status_code} {response.headers.get('Location', '')}")

        threads = [threading.Thread(target=send, args=pair) for pair in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answers) == ["302 /", "401 "]
        with app.app_context():
            from sqlalchemy import func, select

            from zorgtafel.auth.models import UserSession
            from zorgtafel.core.db import db

            sessions = db.session.scalar(
                select(func.count(UserSession.id)).where(UserSession.user_id == user.id)
            )
            assert sessions == 1
    finally:
        dispose(app)
