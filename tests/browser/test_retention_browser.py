"""Retention in Chromium: the chair proposes an erasure; the privacy officer sees the dry run,
sets and lifts a hold and approves; the receiving partner confirms the notice. Screenshots of
each step; every page checked by axe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser, new_page
from tests.fixtures.auth import Factories
from tests.retention.conftest import build_scenario

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("ZORGTAFEL_SHOTS", "/tmp/shots-retention"))  # noqa: S108 - screenshots only


def test_propose_hold_lift_approve_and_confirm(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    from zorgtafel.pseudonymise import EXTENSION, Pseudonymiser, use_pseudonymiser

    SHOTS.mkdir(parents=True, exist_ok=True)
    app = live_server.app
    previous = app.extensions.pop(EXTENSION, None)
    use_pseudonymiser(app, Pseudonymiser(detector=lambda text: ()))
    try:
        scenario = build_scenario(app, Factories(app))
    finally:
        app.extensions.pop(EXTENSION, None)
        if previous is not None:
            app.extensions[EXTENSION] = previous
    row = f"#te-verwijderen-{scenario.code}-case"

    login_in_browser(page, live_server.url, scenario.chair)
    page.goto(f"{live_server.url}/bewaartermijnen")
    assert page.locator(f'{row} td[data-kind="contributions"]').inner_text() == "1"
    page.locator(f"#voorstellen-{scenario.code}-case").click()
    assert "Verwijdering voorgesteld" in page.content()
    page.screenshot(path=SHOTS / "1-chair-proposed.png", full_page=True)

    officer = new_page(browser)
    login_in_browser(officer, live_server.url, scenario.privacy)
    officer.goto(f"{live_server.url}/bewaartermijnen")
    assert officer.locator(f'{row} td[data-kind="lookup_hashes"]').inner_text() == "2"
    officer.screenshot(path=SHOTS / "2-officer-dry-run.png", full_page=True)
    officer.get_by_label("Casuscode", exact=True).fill(scenario.code)
    officer.get_by_label("Soort bewaarplicht").select_option("complaint")
    officer.get_by_label("Einddatum").fill("2099-01-01")
    officer.get_by_label("Reden of kenmerk (geen namen)").fill("klacht 2026-7")
    officer.locator("#bewaarplicht-opslaan").click()
    assert "Bewaarplicht ingesteld" in officer.content()
    assert officer.locator(row).count() == 0  # held: no longer due
    officer.screenshot(path=SHOTS / "3-officer-hold.png", full_page=True)
    officer.locator("[id^=opheffen-]").first.click()
    assert "Bewaarplicht opgeheven" in officer.content()
    officer.locator(f"{row} [id^=goedkeuren-]").click()
    assert f"Verwijderd: {scenario.code}" in officer.content()
    officer.screenshot(path=SHOTS / "4-officer-approved.png", full_page=True)

    partner = new_page(browser)
    login_in_browser(partner, live_server.url, scenario.partner)
    partner.goto(f"{live_server.url}/bewaartermijnen/meldingen")
    assert scenario.code in partner.content()
    partner.screenshot(path=SHOTS / "5-partner-notice.png", full_page=True)
    partner.locator("[id^=bevestigen-]").first.click()
    assert "Bevestigd" in partner.content()
    partner.screenshot(path=SHOTS / "6-partner-confirmed.png", full_page=True)
