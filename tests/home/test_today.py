"""Issue 14 point 7: each role's start page lists its work for today, each line a link, all
through the gate (codes, dates and counts only; every case line logged); the start-page cards
stay below it. All data is fictitious."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from tests.fixtures.app import in_app
from tests.fixtures.meetings import MeetingFactory
from tests.fixtures.minutes import MinutesTable, minute_every_item, submit
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.core.clock import today
from zorgtafel.meetings.operations import Step
from zorgtafel.minutes.models import ActionItem


def lines(html: str, kind: str) -> list[str]:
    """The work-list lines of one kind, as HTML."""
    return re.findall(rf'<li data-today="{kind}"[^>]*>(.*?)</li>', html, re.S)


def give_action(t: MinutesTable, owner: str, days: int = 7) -> None:
    due = (today() + timedelta(days=days)).isoformat()
    response = submit(  # preview, then save as previewed
        t.chair,
        f"/notulen/punten/{t.item_id}/acties",
        owner=owner,
        due_on=due,
        description="Gesprek met de school plannen.",
    )
    assert response.status_code == 302


def make_overdue(app: Flask) -> None:
    with in_app(app) as session:
        session.execute(update(ActionItem).values(due_on=today() - timedelta(days=3)))


def search_events(app: Flask, org: str, code: str) -> int:
    with in_app(app) as session:
        return len(
            session.scalars(
                select(AuditEvent.seq).where(
                    AuditEvent.actor_org == org,
                    AuditEvent.object_id == code,
                    AuditEvent.action == "search",
                )
            ).all()
        )


def test_the_chairs_start_page_lists_the_next_meeting_triage_and_comensha_above_the_cards(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    before = search_events(app, "gemeente", t.case_code)
    html = t.chair.get("/").get_data(as_text=True)
    (meeting,) = lines(html, "next-meeting")
    assert f'href="/vergaderingen/{t.meeting_id}"' in meeting
    assert "inbreng van 0 van 3 partners aan tafel" in meeting
    (triage,) = lines(html, "triage")  # the intake case is at the melding stage
    assert f'href="/casussen/{t.case_code}"' in triage
    (comensha,) = lines(html, "comensha")
    assert f'href="/casussen/{t.case_code}#comensha-melding"' in comensha
    assert html.index('class="today"') < html.index('class="grid cards"')
    # a search event per line that names the case; nothing of its content on the page
    assert search_events(app, "gemeente", t.case_code) == before + 2
    assert "Verzinsel" not in html
    assert "Fenna" not in html


def test_a_contribution_counts_for_the_next_meetings_preparation(
    app: Flask, minutes_table: MinutesTable, cases
) -> None:  # type: ignore[no-untyped-def]
    t = minutes_table
    politie = t.factories.user(Role.partner, "politie")
    from tests.fixtures.cases import CaseRecord

    cases.contribute(CaseRecord(t.case_id, t.case_code), politie.id, "signalen")
    (meeting,) = lines(t.chair.get("/").get_data(as_text=True), "next-meeting")
    assert "inbreng van 1 van 3 partners aan tafel" in meeting
    partner_html = t.client(Role.partner, "politie").get("/").get_data(as_text=True)
    (seat,) = lines(partner_html, "seat")
    assert "(inbreng gegeven)" in seat


def test_overdue_actions_show_per_organisation_for_the_chair_and_as_lines_for_the_owner(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    give_action(t, "politie")
    politie = t.client(Role.partner, "politie")
    (action,) = lines(politie.get("/").get_data(as_text=True), "action")
    assert "uiterlijk" in action
    assert "te laat" not in action
    assert lines(t.chair.get("/").get_data(as_text=True), "overdue") == []
    make_overdue(app)
    (share,) = lines(t.chair.get("/").get_data(as_text=True), "overdue")
    assert 'href="/notulen/acties#overzicht"' in share
    assert "1 van 1 open actiepunten te laat" in share
    html = politie.get("/").get_data(as_text=True)
    (action,) = lines(html, "action")
    assert re.search(r'href="/notulen/mijn-acties#actie-\d+"', action)
    assert "te laat" in action
    assert t.case_code in action
    # the line's link lands on the action on Mijn acties
    anchor = re.search(r"#(actie-\d+)", action).group(1)  # type: ignore[union-attr]
    assert f'id="{anchor}"' in politie.get("/notulen/mijn-acties").get_data(as_text=True)
    assert "Gesprek met de school" not in html  # the start page shows no action text


def test_a_partner_sees_its_seats_with_the_deadline_and_nothing_of_other_tables(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    politie = t.client(Role.partner, "politie").get("/").get_data(as_text=True)
    (seat,) = lines(politie, "seat")
    assert f'href="/vergaderingen/{t.meeting_id}/punten/{t.item_id}/inbreng"' in seat
    assert t.case_code in seat
    assert search_events(app, "politie", t.case_code) >= 1
    om = t.client(Role.partner, "om").get("/").get_data(as_text=True)
    assert lines(om, "seat") == []
    assert lines(om, "action") == []
    assert t.case_code not in om
    assert "Geen agendapunten en geen open actiepunten." in om
    assert 'class="grid cards"' in om


def test_minutes_not_yet_vastgesteld_are_listed_once_the_meeting_began(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert lines(t.chair.get("/").get_data(as_text=True), "minutes") == []
    meetings = MeetingFactory(app, t.factories)
    from tests.fixtures.meetings import MeetingRecord

    record = MeetingRecord(t.meeting_id, (t.item_id,), t.chair_id)
    meetings.step(record, Step.start)
    minute_every_item(app, t.meeting_id, t.chair_id)
    (minutes,) = lines(t.chair.get("/").get_data(as_text=True), "minutes")
    assert f'href="/notulen/vergaderingen/{t.meeting_id}"' in minutes
    assert "1 agendapunt" in minutes


def test_the_start_page_is_not_cached_and_other_roles_get_no_work_list(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    response = t.chair.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    privacy = t.client(Role.privacy, "gemeente").get("/").get_data(as_text=True)
    assert 'class="today"' not in privacy
    assert t.case_code not in privacy
