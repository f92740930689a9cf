"""The privacy officer's workspace in Chromium: find a case's disclosures, browse and filter the
audit log, the partner matrix; every page checked by axe, a screenshot of each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory, read_contents

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("ZORGTAFEL_SHOTS", "/tmp/shots-fg"))  # noqa: S108 - screenshots only


def test_the_privacy_officer_finds_a_cases_disclosures(live_server, page) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    app = live_server.app
    factories = Factories(app)
    factories.example_convenant()
    cases = CaseFactory(app)
    case = cases.create(coordinator="politie")
    politie = factories.user("partner", "politie")
    cases.contribute(case, politie.id, "signalen")
    read_contents(app, politie.id, [case.id])
    privacy = factories.user("privacy", "gemeente")
    login_in_browser(page, live_server.url, privacy)

    page.get_by_role("link", name="Verstrekkingen per casus").first.click()
    page.get_by_label("Casuscode", exact=True).fill(case.code.lower())
    page.get_by_role("button", name="Verstrekkingen tonen").click()
    page.wait_for_url(f"**/fg/verstrekkingen/{case.code}")
    table = page.locator("table.audit").inner_text()
    assert "Signalen" in table or "signalen" in table
    assert "art. 6.2" in table
    assert "casuscoördinator" in table
    page.screenshot(path=SHOTS / "case-disclosures.png", full_page=True)

    page.get_by_role("link", name="Auditlog").first.click()
    page.get_by_label("Casuscode", exact=True).fill(case.code)
    page.get_by_role("button", name="Filteren").click()
    assert case.code in page.locator("table.audit").inner_text()
    page.screenshot(path=SHOTS / "audit-log.png", full_page=True)
    page.get_by_label("Van", exact=True).fill("2099-01-01")
    page.get_by_label("Tot en met", exact=True).fill("2098-01-01")
    page.get_by_role("button", name="Filteren").click()
    assert "De einddatum ligt voor de begindatum." in page.content()
    page.screenshot(path=SHOTS / "audit-log-error.png", full_page=True)

    page.goto(f"{live_server.url}/")  # a card on the start page (the top bar keeps the daily pages)
    page.get_by_role("link", name="Verstrekkingen per partner").first.click()
    assert page.locator("table.releases").count() == 1
    page.screenshot(path=SHOTS / "release-matrix.png", full_page=True)
    page.goto(f"{live_server.url}/fg/verstrekkingen")
    page.screenshot(path=SHOTS / "find-case.png", full_page=True)
    # the one 400 is the period refused above; nothing else (no CSP violation)
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_the_privacy_officer_triages_a_provoked_anomaly(live_server, page) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta

    from tests.fixtures.audit import AuditFactory
    from zorgtafel.audit.operations import Actor
    from zorgtafel.audit.vocabulary import Outcome, Refusal
    from zorgtafel.core.clock import AMSTERDAM

    SHOTS.mkdir(parents=True, exist_ok=True)
    factories = Factories(live_server.app)
    factories.example_convenant()
    night = datetime.now(AMSTERDAM).replace(hour=3) - timedelta(days=1)
    # eleven refusals of one user in one night: above the configured ten a day, out of hours
    AuditFactory(live_server.app).append(
        11, actor=Actor(77, "politie", "partner"), outcome=Outcome.refused,
        reason=Refusal.no_need_to_know, at=night,
    )  # fmt: skip
    privacy = factories.user("privacy", "gemeente")
    login_in_browser(page, live_server.url, privacy)
    page.get_by_role("link", name="Signalen").first.click()
    page.get_by_role("button", name="Nu controleren").click()
    signal = page.locator("article.signal", has_text="veel weigeringen op één dag")
    assert signal.count() == 1
    page.screenshot(path=SHOTS / "signals.png", full_page=True)
    signal.get_by_label("Status").select_option("escalated")
    signal.get_by_label("Notitie").fill("Fictief: navragen bij de teamleider.")
    signal.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/fg/signalen**")
    assert "geëscaleerd" in page.locator("article.signal", has_text="veel weigeringen").inner_text()
    page.screenshot(path=SHOTS / "signals-triaged.png", full_page=True)
    assert page.console_errors == []


def test_the_privacy_officer_records_a_monthly_review(live_server, page) -> None:  # type: ignore[no-untyped-def]
    from zorgtafel.core.clock import today

    SHOTS.mkdir(parents=True, exist_ok=True)
    factories = Factories(live_server.app)
    factories.example_convenant()
    privacy = factories.user("privacy", "gemeente")
    login_in_browser(page, live_server.url, privacy)
    if "Logbeoordeling te laat." not in page.content():  # another test recorded one already
        assert "Laatste logbeoordeling" in page.content()
    page.screenshot(path=SHOTS / "start-page.png", full_page=True)
    page.get_by_role("link", name="Logbeoordeling").first.click()
    page.get_by_label("Van", exact=True).fill(today().replace(day=1).isoformat())
    page.get_by_label("Tot en met", exact=True).fill(today().isoformat())
    page.get_by_label("Steekproef").fill("Fictief: alle weigeringen van de maand.")
    page.get_by_label("Bevindingen").fill("Fictief: niets onverklaards gevonden.")
    page.get_by_role("button", name="Beoordeling vastleggen").click()
    page.wait_for_url("**/fg/beoordelingen")
    assert "Beoordeling vastgelegd." in page.content()
    assert "niets onverklaards" in page.locator("table").inner_text()
    page.screenshot(path=SHOTS / "reviews.png", full_page=True)
    page.goto(f"{live_server.url}/")
    assert "Logbeoordeling te laat." not in page.content()
    page.screenshot(path=SHOTS / "start-page-reviewed.png", full_page=True)
    assert page.console_errors == []


def test_the_processing_register_and_its_difference(live_server, page) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    factories = Factories(live_server.app)
    factories.example_convenant()
    login_in_browser(page, live_server.url, factories.user("privacy", "gemeente"))
    page.get_by_role("link", name="Verwerkingsregister").first.click()
    assert "Beveiligingsmaatregelen" in page.content()
    page.screenshot(path=SHOTS / "register.png", full_page=True)
    page.get_by_role("button", name="Verschil tussen versies").click()
    assert "Vervallen sinds 1.0" in page.content()
    page.screenshot(path=SHOTS / "register-diff.png", full_page=True)
    assert page.console_errors == []
