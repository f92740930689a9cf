"""The whole zorgtafel in a browser: the chair builds and publishes an agenda, two partners
see only their own item, meeting mode moves every screen. Screenshots are kept (path printed)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser, new_page
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import today_at

pytestmark = pytest.mark.browser

#: every screen follows the chair within this many milliseconds (issue: two seconds)
FOLLOW_MS = 2000


def test_chair_builds_publishes_and_runs_the_meeting(  # type: ignore[no-untyped-def]
    live_server, browser, page, tmp_path: Path
) -> None:
    base = live_server.url
    factories = Factories(live_server.app)
    factories.example_convenant()
    cases = CaseFactory(live_server.app)
    first = cases.create(coordinator="politie")
    second = cases.create(coordinator="om")
    # the live database is shared by the session's browser tests: addresses of our own
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"voorzitter-{run}@gemeente.test")
    politie = factories.user("partner", "politie", email=f"partner-{run}@politie.test")
    om = factories.user("partner", "om", email=f"partner-{run}@om.test")

    # the chair builds the agenda from the suggestions and publishes it
    login_in_browser(page, base, chair)
    page.goto(f"{base}/vergaderingen/nieuw")
    page.get_by_label("Datum en tijd").fill(today_at(23).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Plaats of videoverbinding").fill("Vergaderzaal 2, stadhuis (fictief)")
    page.get_by_role("button", name="Aanmaken").click()
    page.wait_for_url("**/vergaderingen/*")
    agenda_url = page.url
    for code in (first.code, second.code):
        page.locator("form.suggestion", has_text=code).get_by_role(
            "button", name="Op de agenda"
        ).click()
        page.wait_for_load_state()
    assert page.locator("#agenda tbody tr").count() == 2
    page.locator("#agenda details summary").first.click()
    page.screenshot(path=tmp_path / "1-chair-builder.png", full_page=True)
    page.get_by_role("button", name="Agenda publiceren").click()
    page.wait_for_load_state()
    assert "gepubliceerd" in page.locator("hgroup").inner_text()
    page.screenshot(path=tmp_path / "2-chair-published.png", full_page=True)

    # two partners: each sees its own item, the other one only as a closed line
    screens = {}
    for name, user, own, other in (
        ("politie", politie, first, second),
        ("om", om, second, first),
    ):
        screen = new_page(browser)
        login_in_browser(screen, base, user)
        screen.goto(agenda_url)
        text = screen.locator("#agenda").inner_text()
        assert own.code in text
        assert other.code not in text
        assert "Besloten agendapunt" in text
        screen.screenshot(path=tmp_path / f"3-agenda-{name}.png", full_page=True)
        screen.goto(f"{agenda_url}/vergadermodus")
        screen.get_by_role("checkbox").check()
        screen.get_by_role("button", name="Bevestigen").click()
        screen.wait_for_load_state()
        assert "nog niet begonnen" in screen.locator("#live").inner_text()
        screens[name] = screen

    # meeting mode: the chair moves on, both screens follow
    page.goto(f"{agenda_url}/vergadermodus")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("button", name="Vergadering starten").click()
    page.wait_for_load_state()
    live = {name: screen.locator("#live") for name, screen in screens.items()}
    live["politie"].get_by_text(first.code).wait_for(timeout=FOLLOW_MS)
    live["om"].get_by_text("U zit niet aan tafel voor dit punt.").wait_for(timeout=FOLLOW_MS)
    assert first.code not in live["om"].inner_text()
    for name, screen in screens.items():
        screen.screenshot(path=tmp_path / f"4-item1-{name}.png", full_page=True)
    page.screenshot(path=tmp_path / "4-item1-chair.png", full_page=True)

    page.get_by_role("button", name="Volgend punt").click()
    page.wait_for_load_state()
    live["om"].get_by_text(second.code).wait_for(timeout=FOLLOW_MS)
    live["politie"].get_by_text("U zit niet aan tafel voor dit punt.").wait_for(timeout=FOLLOW_MS)
    assert second.code not in live["politie"].inner_text()
    for name, screen in screens.items():
        screen.screenshot(path=tmp_path / f"5-item2-{name}.png", full_page=True)

    for screen in (page, *screens.values()):
        assert screen.console_errors == []  # no CSP violations, no failed requests
    for screen in screens.values():
        screen.context.close()
    print(f"screenshots: {tmp_path}")
