"""The meeting workflow's changed screens in a browser (issues 12 and 13): the chair sees the
content it may receive in meeting mode, a partner at no table sees why it gets no pledge, the
preparation previews before it saves, and closing asks to confirm and can be undone that day.
Screenshots in ZORGTAFEL_SCREENSHOTS (else the test's tmp dir). All data is fictitious."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser, new_page
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import MeetingFactory, future
from tests.fixtures.minutes import minute_every_item
from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

pytestmark = pytest.mark.browser


def shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_meeting_mode_for_the_chair_and_a_partner_at_no_table(  # type: ignore[no-untyped-def]
    live_server, browser, page, tmp_path: Path
) -> None:
    shots = shots_folder(tmp_path)
    base, app = live_server.url, live_server.app
    factories = Factories(app)
    factories.example_convenant()
    cases = CaseFactory(app)
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"wf-chair-{run}@gemeente.test")
    politie = factories.user("partner", "politie", email=f"wf-politie-{run}@politie.test")
    om = factories.user("partner", "om", email=f"wf-om-{run}@om.test")
    first, second = cases.create(coordinator="politie"), cases.create(coordinator="politie")
    cases.contribute(first, politie.id, "signalen", "Fictief: [BETROKKENE] verzuimt school.")
    meeting = MeetingFactory(app, factories).create(
        [(first.id, ["politie"]), (second.id, ["politie"])], chair_id=chair.id
    )
    minute_every_item(app, meeting.id, chair.id)  # a meeting closes once its items are minuted
    live = f"{base}/vergaderingen/{meeting.id}/vergadermodus"

    outsider = new_page(browser)
    login_in_browser(outsider, base, om)
    outsider.goto(live)
    assert "zit bij geen punt van deze vergadering aan tafel" in outsider.inner_text("main")
    assert outsider.get_by_role("checkbox").count() == 0
    outsider.screenshot(path=shots / "wf-1-partner-at-no-table.png", full_page=True)
    outsider.context.close()

    login_in_browser(page, base, chair)
    page.goto(live)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("button", name="Vergadering starten").click()
    page.wait_for_load_state()
    current = page.locator("#live")
    current.get_by_text("Fictief: [BETROKKENE] verzuimt school.").wait_for(timeout=5000)
    assert page.get_by_role("button", name="Vorig punt").count() == 0
    page.get_by_text("Vergadering afsluiten…").click()
    assert "Afsluiten beëindigt de vergadermodus voor iedereen" in page.inner_text("main")
    page.screenshot(path=shots / "wf-2-chair-item1-content-and-close-panel.png", full_page=True)
    page.get_by_role("button", name="Volgend punt").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Vorig punt").count() == 1
    page.get_by_text("Vergadering afsluiten…").click()
    page.get_by_label("Ja, sluit de vergadering af").check()
    page.get_by_role("button", name="Vergadering afsluiten", exact=True).click()
    page.wait_for_load_state()
    assert "De vergadering is afgesloten." in page.inner_text("main")
    page.screenshot(path=shots / "wf-3-chair-closed-reopen.png", full_page=True)
    page.get_by_role("button", name="Vergadering heropenen").click()
    page.wait_for_load_state()
    assert "Punt 2 van 2" in page.inner_text("main")
    assert page.console_errors == []


def test_preparation_previews_before_it_saves(  # type: ignore[no-untyped-def]
    live_server, page, tmp_path: Path
) -> None:
    shots = shots_folder(tmp_path)
    base, app = live_server.url, live_server.app
    use_pseudonymiser(app, Pseudonymiser(detector=lambda text: ()))
    factories = Factories(app)
    factories.example_convenant()
    case = CaseFactory(app).create(coordinator="om")
    run = secrets.token_hex(3)
    politie = factories.user("partner", "politie", email=f"wf-prep-{run}@politie.test")
    meeting = MeetingFactory(app, factories).create(
        [(case.id, ["politie"])], starts_at=future(3), deadline=future(1)
    )
    login_in_browser(page, base, politie)
    page.goto(f"{base}/vergaderingen/{meeting.id}")
    page.get_by_text("Inbreng toevoegen").click()
    assert "Schrijf zonder namen" not in page.inner_text("main")
    assert page.locator("select[name=category]").input_value() == ""
    page.screenshot(path=shots / "wf-4-agenda-preparation-form.png", full_page=True)
    page.locator("select[name=category]").select_option("signalen")
    page.locator("textarea[name=text]").fill("Fictief: belde vanaf 06-12345678 met de mentor.")
    page.get_by_role("button", name="Voorvertoning").click()
    page.wait_for_load_state()
    assert "[TELEFOON-1]" in page.locator("#voorvertoning").inner_text()
    page.screenshot(path=shots / "wf-5-preparation-preview.png", full_page=True)
    page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    page.wait_for_load_state()
    assert "Uw inbreng is gepseudonimiseerd opgeslagen." in page.inner_text("main")
    assert page.console_errors == []


def test_case_page_consent_comensha_and_known_links(  # type: ignore[no-untyped-def]
    live_server, page, tmp_path: Path
) -> None:
    from tests.fixtures.cases import INTAKE

    shots = shots_folder(tmp_path)
    base, app = live_server.url, live_server.app
    factories = Factories(app)
    factories.example_convenant()
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"wf-case-{run}@gemeente.test")
    login_in_browser(page, base, chair)

    born = f"2010-0{secrets.randbelow(9) + 1}-1{secrets.randbelow(10)}"

    def intake(**changes: str) -> None:
        page.goto(f"{base}/casussen/nieuw")
        values = {**INTAKE, "bsn": "", "birth_date": born, "surname": f"Verzinsel{run}"}
        values |= changes
        page.get_by_label("Voornamen").fill(values["first_names"])
        page.get_by_label("Achternaam").fill(values["surname"])
        page.get_by_label("Geboortedatum").fill(values["birth_date"])
        page.locator("select[name=reported_by]").select_option("anonymous")
        page.locator("select[name=coordinator]").select_option("veilig-thuis")
        page.locator("select[name=stage]").select_option("melding")
        page.get_by_role("button", name="Registreren").click()
        page.wait_for_load_state()

    intake()
    code_url = page.url
    assert "/casussen/ZT-" in code_url
    assert "de casuscoördinator, Veilig Thuis Voorbeeldland, meldt" in page.inner_text("main")
    page.locator("select[name=rule]").first.select_option("mee/gezondheid")
    page.get_by_role("button", name="Toestemming vastleggen").click()
    page.wait_for_load_state()
    page.screenshot(path=shots / "wf-6-case-comensha-and-withdraw-form.png", full_page=True)
    page.get_by_role("button", name="Toestemming intrekken").click()
    page.wait_for_load_state()
    assert "ingetrokken" in page.locator("ul.consents").inner_text()
    page.screenshot(path=shots / "wf-7-case-consent-withdrawn.png", full_page=True)

    intake()  # the same subject again: possibly known, as a link
    known = page.locator("#mogelijk-bekend")
    assert known.get_by_role("link").count() == 1
    page.screenshot(path=shots / "wf-8-intake-known-link.png", full_page=True)
    assert page.console_errors == []


def test_late_changes_on_a_published_agenda(  # type: ignore[no-untyped-def]
    live_server, browser, page, tmp_path: Path
) -> None:
    shots = shots_folder(tmp_path)
    base, app = live_server.url, live_server.app
    factories = Factories(app)
    factories.example_convenant()
    cases = CaseFactory(app)
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"wf-late-{run}@gemeente.test")
    om = factories.user("partner", "om", email=f"wf-late-{run}@om.test")
    first, urgent = cases.create(coordinator="politie"), cases.create(coordinator="om")
    meeting = MeetingFactory(app, factories).create([(first.id, ["politie"])], chair_id=chair.id)
    login_in_browser(page, base, chair)
    page.goto(f"{base}/vergaderingen/{meeting.id}")
    page.get_by_label("Casuscode").fill(urgent.code)
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    page.wait_for_load_state()
    assert urgent.code in page.locator("#agenda").inner_text()
    assert "punt 2 toegevoegd" in page.locator("#wijzigingen").inner_text()
    page.screenshot(path=shots / "wf-9-chair-late-change.png", full_page=True)
    partner = new_page(browser)
    login_in_browser(partner, base, om)
    partner.goto(f"{base}/vergaderingen/{meeting.id}")
    assert "met uw organisatie aan tafel" in partner.locator("#wijzigingen").inner_text()
    partner.screenshot(path=shots / "wf-10-partner-sees-the-change.png", full_page=True)
    partner.context.close()
    assert page.console_errors == []
