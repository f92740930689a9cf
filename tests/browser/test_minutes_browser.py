"""Minutes, decisions and actions in a browser: the chair minutes an item from meeting mode,
gives politie an action and vaststelt; politie reads its part and closes its action on Mijn
acties; a partner not at the table sees neither; the next agenda suggests the case.
Screenshots are kept in /tmp/shots-minutes/."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser, new_page
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import MeetingFactory, MeetingRecord, future, today_at
from zorgtafel.core.clock import today
from zorgtafel.meetings.operations import Step
from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-minutes")  # noqa: S108 - screenshots to look at, fictitious data


def test_the_chair_minutes_an_item_and_politie_works_off_its_action(  # type: ignore[no-untyped-def]
    live_server, browser, page
) -> None:
    SHOTS.mkdir(exist_ok=True)
    app, base = live_server.app, live_server.url
    use_pseudonymiser(app, Pseudonymiser(detector=lambda _text: ()))  # no deduce
    factories = Factories(app)
    factories.example_convenant()
    case = CaseFactory(app).create(coordinator="politie")
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"notulist-{run}@gemeente.test")
    politie = factories.user("partner", "politie", email=f"actie-{run}@politie.test")
    om = factories.user("partner", "om", email=f"buiten-{run}@om.test")
    meetings = MeetingFactory(app, factories)
    meeting = meetings.create(
        [(case.id, ["gemeente", "politie"])], starts_at=today_at(23), chair_id=chair.id
    )
    record = MeetingRecord(meeting.id, meeting.item_ids, chair.id)
    meetings.pledge(record, chair.id)
    meetings.step(record, Step.start)
    item = meeting.item_ids[0]

    # meeting mode → the minutes editor: three parts, a category per paragraph, a preview
    login_in_browser(page, base, chair)
    page.goto(f"{base}/vergaderingen/{meeting.id}/vergadermodus")
    page.screenshot(path=SHOTS / "1-meeting-mode-chair.png", full_page=True)
    page.locator("#live").get_by_role("button", name="Notuleren").click()
    page.wait_for_url("**/bewerken")
    page.locator("#category-1").select_option("signalen")
    page.locator("#text-1").fill("De jongere is op 3 november gezien bij station Voorbeeldstad.")
    page.locator("#part-2").select_option("assessment")
    page.locator("#category-2").select_option("veiligheid-risico")
    page.locator("#text-2").fill("Acuut risico; een veiligheidsplan is nodig.")
    page.locator("#part-3").select_option("conclusion")
    page.locator("#category-3").select_option("school")
    page.locator("#text-3").fill("Leerplicht volgt het verzuim.")
    page.get_by_role("button", name="Voorvertoning").click()
    page.wait_for_load_state()
    assert "[DATUM-1]" in page.locator("#voorvertoning").inner_text()
    page.screenshot(path=SHOTS / "2-minutes-preview.png", full_page=True)
    page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    page.wait_for_url(f"**/notulen/punten/{item}")

    # a decision and two actions, then vaststellen
    page.get_by_label("Besluit", exact=True).fill("Er komt een veiligheidsplan.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state()  # a preview first, then saved as previewed
    assert "Er komt een veiligheidsplan." in page.locator("#voorvertoning").inner_text()
    page.screenshot(path=SHOTS / "2b-decision-preview.png", full_page=True)
    page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    page.wait_for_url(f"**/notulen/punten/{item}")
    for owner, days, text in (
        ("politie", 7, "Politie spreekt de jongere."),
        ("gemeente", 14, "Gemeente regelt een plek in de opvang."),
    ):
        page.get_by_label("Eigenaar (organisatie)").select_option(owner)
        page.get_by_label("Uiterlijk op").fill((today() + timedelta(days=days)).isoformat())
        page.get_by_label("Actie", exact=True).fill(text)
        page.get_by_role("button", name="Actiepunt toekennen").click()
        page.wait_for_load_state()
        assert text in page.locator("#voorvertoning").inner_text()
        page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
        page.wait_for_url(f"**/notulen/punten/{item}")
    page.get_by_role("button", name="Vaststellen (versie 1)").click()
    page.wait_for_load_state()
    assert "Vastgesteld" in page.locator(".minutes-status").inner_text()
    page.screenshot(path=SHOTS / "3-minutes-vastgesteld-chair.png", full_page=True)

    # politie: its categories only (not school), its action on Mijn acties, niet mogelijk
    screen = new_page(browser)
    login_in_browser(screen, base, politie)
    screen.goto(f"{base}/notulen/punten/{item}")
    text = screen.locator("main").inner_text()
    assert "veiligheidsplan is nodig" in text
    assert "verzuim" not in text
    screen.screenshot(path=SHOTS / "4-minutes-politie.png", full_page=True)
    screen.goto(f"{base}/notulen/mijn-acties")
    assert "Politie spreekt de jongere." in screen.locator("main").inner_text()
    screen.locator(".my-actions details summary").first.click()
    screen.screenshot(path=SHOTS / "5-my-actions-politie.png", full_page=True)
    screen.get_by_label("Status", exact=True).select_option("not_possible")
    screen.get_by_label("Reden of toelichting").fill(
        "De jongere is verhuisd naar een andere regio."
    )
    screen.get_by_role("button", name="Vastleggen").click()
    screen.wait_for_load_state()
    assert "verhuisd" in screen.locator("#voorvertoning").inner_text()
    screen.screenshot(path=SHOTS / "5a-reason-preview-politie.png", full_page=True)
    screen.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    screen.wait_for_url("**/notulen/mijn-acties")
    assert "geen open actiepunten" in screen.locator("main").inner_text()

    screen.goto(f"{base}/notulen/vergaderingen/{meeting.id}")
    excerpt = screen.locator("main").inner_text()
    assert "veiligheidsplan is nodig" in excerpt
    assert "verzuim" not in excerpt
    screen.screenshot(path=SHOTS / "5b-excerpt-politie.png", full_page=True)

    # om, not at the table: no minutes, no actions
    other = new_page(browser)
    login_in_browser(other, base, om)
    assert other.goto(f"{base}/notulen/punten/{item}").status == 404
    other.goto(f"{base}/notulen/mijn-acties")
    assert "Politie spreekt" not in other.locator("main").inner_text()

    # the next meeting: the builder suggests the case (gemeente's action is still open), and
    # its item lists both actions to review
    meetings.step(record, Step.end)  # minuted, no earlier actions to review: it may close
    later = meetings.create([], starts_at=future(14), publish=False, chair_id=chair.id)
    page.goto(f"{base}/vergaderingen/{later.id}")
    suggestion = page.locator("form.suggestion", has_text=case.code)
    assert "open actiepunten te bespreken" in suggestion.inner_text()
    page.screenshot(path=SHOTS / "6-next-agenda-suggests.png", full_page=True)
    suggestion.get_by_role("button", name="Op de agenda").click()
    page.wait_for_load_state()
    next_meeting = meetings.create(
        [(case.id, ["gemeente", "politie"])], starts_at=future(21), chair_id=chair.id
    )
    page.goto(f"{base}/notulen/punten/{next_meeting.item_ids[0]}")
    review = page.locator("#bespreken")
    statuses = review.locator(".action-status").all_inner_texts()
    assert sorted(statuses) == ["niet mogelijk (omstandigheden veranderd)", "open"]
    page.screenshot(path=SHOTS / "7-review-next-meeting.png", full_page=True)
    page.goto(f"{base}/notulen/acties")
    assert "politie" in page.locator("#overzicht").inner_html()
    page.screenshot(path=SHOTS / "8-actions-overview-chair.png", full_page=True)
    page.goto(f"{base}/vergaderingen")
    page.screenshot(path=SHOTS / "9-meetings-list-working-days.png", full_page=True)
    page.goto(f"{base}/notulen/punten/{item}/rectificatie")
    page.locator("#category-1").select_option("signalen")
    page.locator("#text-1").fill("Rectificatie: het was het busstation.")
    page.get_by_role("button", name="Voorvertoning").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    page.wait_for_url(f"**/notulen/punten/{item}")
    assert "busstation" in page.locator(".addendum").inner_text()
    page.screenshot(path=SHOTS / "10-rectificatie.png", full_page=True)
    screen.context.close()
    other.context.close()


def test_two_editors_at_once_get_409_with_both_versions(  # type: ignore[no-untyped-def]
    live_server, browser, page
) -> None:
    SHOTS.mkdir(exist_ok=True)
    app, base = live_server.app, live_server.url
    use_pseudonymiser(app, Pseudonymiser(detector=lambda _text: ()))
    factories = Factories(app)
    factories.example_convenant()
    case = CaseFactory(app).create(coordinator="politie")
    run = secrets.token_hex(3)
    first = factories.user("chair", "gemeente", email=f"eerste-{run}@gemeente.test")
    second = factories.user("chair", "gemeente", email=f"tweede-{run}@gemeente.test")
    meeting = MeetingFactory(app, factories).create(
        [(case.id, ["gemeente", "politie"])], chair_id=first.id
    )
    editor = f"{base}/notulen/punten/{meeting.item_ids[0]}/bewerken"
    other = new_page(browser)
    for screen, user, text in (
        (page, first, "Eerste notulist: de jongere is thuis."),
        (other, second, "Tweede notulist: de jongere is vermist."),
    ):
        login_in_browser(screen, base, user)
        screen.goto(editor)
        screen.locator("#category-1").select_option("signalen")
        screen.locator("#text-1").fill(text)
        screen.get_by_role("button", name="Voorvertoning").click()
        screen.wait_for_load_state()
    other.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    other.wait_for_load_state()
    response = page.expect_response(lambda r: r.url == editor and r.request.method == "POST")
    with response as answer:
        page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    assert answer.value.status == 409
    page.wait_for_load_state()
    assert "Tweede notulist" in page.locator("#andere-versie").inner_text()
    assert page.locator("#text-1").input_value() == "Eerste notulist: de jongere is thuis."
    page.screenshot(path=SHOTS / "11-stale-save-409.png", full_page=True)
    other.context.close()
