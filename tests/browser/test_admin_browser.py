"""The administrator adds a user in Chromium and the new user sets a password through the
one-time link; axe-core checks every page (AuditedPage). Screenshots go to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser, new_page
from tests.fixtures.auth import Factories

pytestmark = pytest.mark.browser


def test_admin_adds_a_user_who_sets_a_password(live_server, browser, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    factories = Factories(live_server.app)
    factories.organisation("veilig-thuis", "Veilig Thuis (fictief)")
    admin = factories.user("admin", "gemeente")
    login_in_browser(page, live_server.url, admin)

    page.goto(f"{live_server.url}/beheer/gebruikers")
    page.get_by_role("button", name="Gebruiker toevoegen").click()
    page.wait_for_url("**/beheer/gebruikers/nieuw")
    page.get_by_label("E-mailadres").fill("nieuw.lid@veiligthuis.test")
    page.get_by_label("Naam").fill("Fictief Nieuw Lid")
    page.get_by_label("Organisatie").select_option("veilig-thuis")
    page.get_by_label("Rol").select_option("partner")
    page.screenshot(path=tmp_path / "01-gebruiker-toevoegen.png", full_page=True)
    page.get_by_role("button", name="Toevoegen").click()
    page.get_by_role("heading", name="Account aangemaakt").wait_for()
    link = page.locator("#link").input_value()
    assert "/wachtwoord-instellen?t=" in link
    page.screenshot(path=tmp_path / "02-eenmalige-link.png", full_page=True)

    page.goto(f"{live_server.url}/beheer/gebruikers")
    page.locator("details.actions summary").first.click()
    page.screenshot(path=tmp_path / "03-gebruikers-acties.png", full_page=True)

    newcomer = new_page(browser)
    newcomer.goto(link)
    newcomer.wait_for_url("**/wachtwoord-instellen")
    assert "?t=" not in newcomer.url
    newcomer.get_by_label("Nieuw wachtwoord", exact=True).fill("een fictief lang wachtwoord")
    newcomer.get_by_label("Herhaal nieuw wachtwoord").fill("een fictief lang wachtwoord")
    newcomer.screenshot(path=tmp_path / "04-wachtwoord-instellen.png", full_page=True)
    newcomer.get_by_role("button", name="Instellen").click()
    newcomer.wait_for_url("**/inloggen")
    newcomer.goto(link)
    newcomer.get_by_text("Deze link werkt niet meer").wait_for()
    newcomer.screenshot(path=tmp_path / "05-link-gebruikt.png", full_page=True)
    assert page.console_errors == []
    # Chromium notes the 410 of the used link's page; nothing else (no CSP violation)
    assert [error for error in newcomer.console_errors if "410" not in error] == []
    print(f"screenshots: {tmp_path}")
