"""A person logs in with password and TOTP in Chromium; screenshots go to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.auth import Factories

pytestmark = pytest.mark.browser


def test_login_with_password_and_totp(live_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    factories = Factories(live_server.app)
    user = factories.user("chair", "gemeente", enrolled=False)

    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(user.password)
    page.screenshot(path=tmp_path / "01-inloggen.png", full_page=True)
    page.get_by_role("button", name="Volgende").click()

    # first login: enrol the authenticator (QR code as inline SVG, key in text)
    page.wait_for_url("**/inloggen/koppelen")
    assert page.locator("figure.qr svg").count() == 1
    assert user.totp_secret in page.locator("code.secret").inner_text()
    page.screenshot(path=tmp_path / "02-koppelen.png", full_page=True)
    page.get_by_label("Code uit uw authenticator-app").fill(user.code())
    page.get_by_role("button", name="Bevestigen en inloggen").click()

    page.wait_for_url(f"{live_server.url}/")
    assert "Welkom" in page.locator("h1").inner_text()
    page.screenshot(path=tmp_path / "03-start.png", full_page=True)
    assert page.console_errors == []  # no CSP violation, no script error

    # log out through the menu, then log in again with the second step only
    page.locator("details.dropdown summary").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(user.password)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/inloggen/code")
    page.get_by_label("Code uit uw authenticator-app").fill(user.code(1))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    page.screenshot(path=tmp_path / "04-weer-ingelogd.png", full_page=True)
    print(f"screenshots: {tmp_path}")
