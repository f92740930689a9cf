"""Meetings: bound to the convenant, agenda builder, at the table, publish, preparation,
pledge and attendance, meeting mode, PDF export. All data is fictitious."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from tests.fixtures.cases import CaseFactory, CaseRecord
from tests.fixtures.meetings import MeetingFactory, future
from tests.fixtures.minutes import minute_every_item
from zorgtafel.audit.log import verify_log
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution, Involvement, InvolvementReason, Stage
from zorgtafel.meetings import operations
from zorgtafel.meetings.models import (
    AgendaItem,
    AttendanceStatus,
    ConfidentialityPledge,
    ItemKind,
    Meeting,
    MeetingStatus,
)
from zorgtafel.meetings.operations import MeetingError, Step


def events(app: Flask, **where: Any) -> list[AuditEvent]:
    with in_app(app) as session:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(session.scalars(query))


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- 1. a meeting is bound to the convenant version in force on its date --------------------


@pytest.mark.parametrize(("day", "version"), [(date(2025, 6, 3), "1.0"), (date(2026, 2, 3), "1.1")])
def test_meeting_is_bound_to_the_version_in_force_on_its_date(
    app: Flask, factories: Factories, day: date, version: str
) -> None:
    factories.example_convenant()
    chair = factories.user(Role.chair, "gemeente")
    with in_app(app) as session:
        starts = datetime(day.year, day.month, day.day, 13, tzinfo=UTC)
        meeting = operations.create_meeting(session.get(User, chair.id), starts, "Zaal 1")
        assert meeting.convenant_version.version == version
        assert meeting.convenant.version == version
        assert meeting.preparation_deadline == starts - timedelta(days=2)


def test_no_meeting_without_a_convenant_in_force(app: Flask, factories: Factories) -> None:
    factories.example_convenant()
    chair = factories.user(Role.chair, "gemeente")
    with in_app(app) as session, pytest.raises(MeetingError):
        operations.create_meeting(
            session.get(User, chair.id), datetime(2024, 5, 1, 12, tzinfo=UTC), "Zaal 1"
        )


def test_the_chair_creates_a_meeting_with_the_form(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    chair = login_as(Role.chair)
    response = client.post(
        "/vergaderingen/nieuw",
        data={
            "starts_at": "2026-12-10T14:00",
            "location": "https://video.voorbeeldland.test/zorgtafel",
            "preparation_deadline": "2026-12-08T17:00",
            "csrf_token": csrf_token(client, "/vergaderingen/nieuw"),
        },
    )
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with in_app(app) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting.starts_at == datetime(2026, 12, 10, 13, tzinfo=UTC)  # 14:00 CET
        assert meeting.preparation_deadline == datetime(2026, 12, 8, 16, tzinfo=UTC)
        assert meeting.status is MeetingStatus.draft
    created = events(app, object_type="meeting", action="create")
    assert [(e.actor_user_id, e.object_id) for e in created] == [
        (chair.id, f"meeting-{meeting_id}")
    ]


def test_a_draft_meeting_does_not_exist_for_partners(
    client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(coordinator="politie")
    meeting = meetings.create([(case.id, ["politie"])], publish=False)
    login_as(Role.partner, "politie")
    assert client.get(f"/vergaderingen/{meeting.id}").status_code == 404
    assert client.get(f"/vergaderingen/{meeting.id + 999}").status_code == 404
    assert f'/vergaderingen/{meeting.id}"' not in page(client, "/vergaderingen")


# --- 2. agenda builder ----------------------------------------------------------------------


def test_suggestions_not_yet_discussed_and_follow_up_due(
    app: Flask, cases: CaseFactory, meetings: MeetingFactory
) -> None:
    old = cases.create()
    meetings.create([(old.id, [])], starts_at=future(-3))  # the previous meeting
    new = cases.create()
    follow_up, later, closed = cases.create(), cases.create(), cases.create(stage=Stage.afgesloten)
    with in_app(app) as session:
        for record in (old, follow_up, later, closed):
            session.get(Case, record.id).created_at = datetime(2026, 1, 5, tzinfo=UTC)
        session.get(Case, follow_up.id).follow_up_on = date.today() + timedelta(days=3)
        session.get(Case, later.id).follow_up_on = date.today() + timedelta(days=30)
    meeting = meetings.create(starts_at=future(7), publish=False)
    from zorgtafel.meetings.suggestions import suggestions

    with in_app(app) as session:
        found = {s.case.code: s.reasons for s in suggestions(session.get(Meeting, meeting.id))}
    assert found == {
        new.code: ("new",),
        follow_up.code: ("new", "follow_up"),
        later.code: ("new",),  # on no agenda yet: suggested until it is
    }


def test_a_case_left_off_the_first_agenda_is_suggested_for_the_next(
    app: Flask, cases: CaseFactory, meetings: MeetingFactory
) -> None:
    from zorgtafel.meetings.suggestions import suggestions

    left_off, discussed = cases.create(), cases.create()
    meetings.create([(discussed.id, ["politie"])], starts_at=future(0.5))
    second = meetings.create(starts_at=future(7), publish=False)
    with in_app(app) as session:
        found = {s.case.code: s.reasons for s in suggestions(session.get(Meeting, second.id))}
    assert found == {left_off.code: ("new",)}


def test_the_builder_adds_orders_and_seats_items(
    app: Flask,
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
) -> None:  # type: ignore[no-untyped-def]
    first, second = cases.create(coordinator="veilig-thuis"), cases.create()
    cases.involve(second, "politie")
    chair = login_as(Role.chair)
    meeting = meetings.create(starts_at=future(7), publish=False, chair_id=chair.id)
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert first.code in html
    assert second.code in html
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    for case in (first, second):
        response = client.post(
            f"/vergaderingen/{meeting.id}/punten",
            data={"case_code": case.code, "csrf_token": token},
        )
        assert response.status_code == 302
    with in_app(app) as session:
        items = session.get(Meeting, meeting.id).items
        assert [(i.case_id, i.partner_codes, i.kind) for i in items] == [
            (first.id, ["veilig-thuis"], ItemKind.new),
            (second.id, ["politie"], ItemKind.new),
        ]
        second_item = items[1].id
    client.post(
        f"/vergaderingen/{meeting.id}/punten/{second_item}/verplaatsen",
        data={"direction": "up", "csrf_token": token},
    )
    client.post(
        f"/vergaderingen/{meeting.id}/punten/{second_item}",
        data={
            f"item-{second_item}-minutes": "25",
            f"item-{second_item}-kind": "closing",
            f"item-{second_item}-partners": ["politie", "om", "gi"],
            "csrf_token": token,
        },
    )
    with in_app(app) as session:
        items = session.get(Meeting, meeting.id).items
        assert [i.case_id for i in items] == [second.id, first.id]
        assert (items[0].minutes, items[0].kind) == (25, ItemKind.closing)
        assert items[0].partner_codes == ["gi", "om", "politie"]
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert html.index(second.code) < html.index(first.code)


def test_unknown_case_code_and_partner_change_nothing(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(case.id, ["politie"])], publish=False, chair_id=chair.id)
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    response = client.post(
        f"/vergaderingen/{meeting.id}/punten",
        data={"case_code": "ZT-2026-00000001", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Er is geen casus met die code." in response.get_data(as_text=True)
    item = meeting.item_ids[0]
    client.post(
        f"/vergaderingen/{meeting.id}/punten/{item}",
        data={
            f"item-{item}-minutes": "5",
            f"item-{item}-kind": "new",
            f"item-{item}-partners": ["bestaat-niet"],
            "csrf_token": token,
        },
    )
    with in_app(app) as session:
        assert session.get(AgendaItem, item).partner_codes == ["politie"]
        assert len(session.get(Meeting, meeting.id).items) == 1


# --- 3. at the table: warnings ---------------------------------------------------------------


def test_warnings_for_partners_who_may_receive_nothing_or_need_consent(
    client: FlaskClient,
    factories: Factories,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(coordinator="jeugd-ggz")
    author = factories.user(Role.partner, "jeugd-ggz")
    cases.contribute(case, author.id, "gezondheid", "Fictief: [BETROKKENE] is onder behandeling.")
    chair = login_as(Role.chair)
    meeting = meetings.create(
        [(case.id, ["jeugd-ggz", "leerplicht", "mee"])], publish=False, chair_id=chair.id
    )
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert "leerplicht mag geen enkele categorie van deze casus ontvangen" in html
    assert "mee: toestemming nodig voor Gezondheid" in html
    assert "jeugd-ggz mag geen" not in html
    assert "jeugd-ggz: toestemming" not in html


# --- 4. publish: need-to-know, partners see only their items ---------------------------------


def test_publishing_gives_the_table_need_to_know_until_days_after_the_meeting(
    app: Flask, cases: CaseFactory, meetings: MeetingFactory
) -> None:
    case = cases.create()
    starts = future(5)
    meeting = meetings.create([(case.id, ["politie", "om"])], starts_at=starts)
    with in_app(app) as session:
        published = session.get(Meeting, meeting.id)
        assert published.status is MeetingStatus.published
        rows = session.scalars(
            select(Involvement).where(Involvement.reason == InvolvementReason.at_table)
        ).all()
        assert sorted(r.partner_code for r in rows) == ["om", "politie"]
        for row in rows:
            assert row.source == f"agenda-item:{meeting.item_ids[0]}"
            assert row.valid_from == published.published_at
            assert row.valid_until == starts + timedelta(days=14)
        with pytest.raises(MeetingError):
            operations.add_item(
                session.get(User, meeting.chair_id), published, session.get(Case, case.id)
            )


def test_partners_see_only_their_items(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = cases.create(), cases.create()
    meeting = meetings.create([(theirs.id, ["om"]), (ours.id, ["politie", "om"])])
    user = login_as(Role.partner, "politie")
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert ours.code in html
    assert theirs.code not in html
    assert html.count("Besloten agendapunt") == 1
    # the open line: code, stage, kind, minutes and who sits at the table
    line = re.search(r"<tr id=\"punt-2\">(.*?)</tr>", html, re.S)
    assert line
    cells = [
        " ".join(re.sub(r"<[^>]+>", "", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", line.group(1), re.S)
    ]
    assert cells[:6] == ["2", ours.code, "aanpak", "nieuw", "10", "om, politie"]
    reads = events(app, actor_user_id=user.id, object_type="case")
    assert [(e.action, e.object_id, e.level, e.reason) for e in reads] == [
        ("read", ours.code, "process", "at_table")
    ]
    assert reads[0].convenant_version == "1.1"


def test_a_seated_partner_past_the_access_period_sees_a_closed_line_and_a_logged_refusal(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])], starts_at=future(-20))
    user = login_as(Role.partner, "politie")
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert case.code not in html
    assert "Besloten agendapunt" in html
    refused = events(app, actor_user_id=user.id, object_type="case")
    assert [(e.object_id, e.outcome, e.reason) for e in refused] == [
        (case.code, "refused", "no_need_to_know")
    ]


def test_the_chair_sees_every_line(
    client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    one, two = cases.create(), cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(one.id, ["om"]), (two.id, ["politie"])], chair_id=chair.id)
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert one.code in html
    assert two.code in html
    assert "Besloten" not in html


# --- 4b. preparation: contributions before the deadline --------------------------------------


def preview(client: FlaskClient, meeting_id: int, item_id: int, **data: str):  # type: ignore[no-untyped-def]
    """What the agenda line's form sends: the text to preview."""
    token = csrf_token(client, f"/vergaderingen/{meeting_id}")
    return client.post(
        f"/vergaderingen/{meeting_id}/punten/{item_id}/inbreng",
        data={"csrf_token": token, "preview": "1", **data},
        follow_redirects=True,
    )


def contribute(client: FlaskClient, meeting_id: int, item_id: int, **data: str):  # type: ignore[no-untyped-def]
    """Preview, then save what was previewed (as a partner does)."""
    shown = preview(client, meeting_id, item_id, **data)
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', shown.get_data(True))
    if proof is None:
        return shown
    token = csrf_token(client, f"/vergaderingen/{meeting_id}")
    return client.post(
        f"/vergaderingen/{meeting_id}/punten/{item_id}/inbreng",
        data={"csrf_token": token, "save": "1", "previewed": proof.group(1), **data},
        follow_redirects=True,
    )


def test_a_partner_at_the_table_adds_a_contribution_before_the_deadline(
    app: Flask,
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
    pseudonymiser_without_deduce,
) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.cases import read_contents

    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])], starts_at=future(3), deadline=future(1))
    user = login_as(Role.partner, "politie")
    text = "Fictief: [BETROKKENE] belde vanaf 06-12345678 en mailt naar zus@voorbeeld.test."
    response = contribute(client, meeting.id, meeting.item_ids[0], category="signalen", text=text)
    assert "Uw inbreng is gepseudonimiseerd opgeslagen." in response.get_data(as_text=True)
    with in_app(app) as session:
        stored = session.scalars(select(Contribution).where(Contribution.case_id == case.id)).all()
        assert [(c.partner_code, c.category_code) for c in stored] == [("politie", "signalen")]
    # pseudonymised like every contribution: the number and address are gone
    (shown,) = read_contents(app, user.id, [case.id])
    assert shown is not None
    assert "06-12345678" not in shown
    assert "zus@voorbeeld.test" not in shown
    assert "[TELEFOON-1]" in shown


def test_each_open_line_has_its_own_contribution_form(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    from zorgtafel.convenant.rights import providable_categories

    one, two, other = cases.create(), cases.create(), cases.create()
    meeting = meetings.create(
        [(one.id, ["politie"]), (other.id, ["om"]), (two.id, ["politie", "om"])],
        starts_at=future(3),
        deadline=future(1),
    )
    login_as(Role.partner, "politie")
    html = page(client, f"/vergaderingen/{meeting.id}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    forms = re.findall(r'<form method="post" action="[^"]*/inbreng">.*?</form>', html, re.S)
    assert len(forms) == 2  # the two lines at politie's table, none on the closed line
    with in_app(app) as session:
        convenant = session.get(Meeting, meeting.id).convenant  # type: ignore[arg-type]
    providable = providable_categories(convenant, "politie")
    for item_id, form in zip((meeting.item_ids[0], meeting.item_ids[2]), forms, strict=True):
        assert f'action="/vergaderingen/{meeting.id}/punten/{item_id}/inbreng"' in form
        assert token.group(1) in form
        assert f'<label for="categorie-{item_id}">' in form
        assert f'<select id="categorie-{item_id}" name="category" required>' in form
        # no default: the first option asks to choose, the others are what politie provides
        assert re.findall(r'<option value="([^"]*)">', form) == ["", *providable]
        assert f'<label for="inbreng-{item_id}">' in form
        assert f'<textarea id="inbreng-{item_id}" maxlength="10000" name="text" required' in form
        assert "ITEM" not in form
        assert "Schrijf zonder namen" not in form
        assert 'name="preview"' in form


def test_no_contribution_is_stored_when_the_pseudonymiser_is_down(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])], starts_at=future(3), deadline=future(1))
    login_as(Role.partner, "politie")
    response = contribute(
        client, meeting.id, meeting.item_ids[0], category="signalen", text="Fictief: 06-12345678"
    )
    assert response.status_code == 503
    assert "er is niets opgeslagen" in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


def test_no_contribution_after_the_deadline_or_in_a_category_not_allowed(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    open_meeting = meetings.create(
        [(case.id, ["politie"])], starts_at=future(3), deadline=future(1)
    )
    late = cases.create()
    # tomorrow's meeting whose preparation closed a moment ago (a meeting at noon today
    # would start before that deadline in the afternoon)
    closed_meeting = meetings.create(
        [(late.id, ["politie"])], starts_at=future(1), deadline=future(-0.01)
    )
    login_as(Role.partner, "politie")
    refused = contribute(
        client, open_meeting.id, open_meeting.item_ids[0], category="gezondheid", text="Fictief"
    )
    assert refused.status_code == 400  # the form offers only what politie may provide
    too_late = contribute(
        client, closed_meeting.id, closed_meeting.item_ids[0], category="signalen", text="Fictief"
    )
    assert "Inbreng toevoegen" not in too_late.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


def test_a_partner_not_at_the_table_cannot_contribute(
    client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["om"])], starts_at=future(3), deadline=future(1))
    login_as(Role.partner, "politie")
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    response = client.post(
        f"/vergaderingen/{meeting.id}/punten/{meeting.item_ids[0]}/inbreng",
        data={"csrf_token": token, "category": "signalen", "text": "Fictief"},
    )
    assert response.status_code == 404


# --- 5. meeting day: pledge and attendance ---------------------------------------------------


def test_cases_open_only_after_the_pledge_which_is_logged(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])])
    meetings.step(meeting, Step.start)
    user = login_as(Role.partner, "politie")
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    before = page(client, live)
    assert "Geheimhoudingsverklaring" in before
    assert case.code not in before
    assert client.get(f"{live}/stand").status_code == 404
    token = csrf_token(client, live)
    client.post(f"/vergaderingen/{meeting.id}/geheimhouding", data={"csrf_token": token})
    assert case.code not in page(client, live)  # not confirmed: the box was not ticked
    client.post(
        f"/vergaderingen/{meeting.id}/geheimhouding", data={"csrf_token": token, "confirm": "y"}
    )
    assert case.code in page(client, live)
    with in_app(app) as session:
        assert session.scalars(select(ConfidentialityPledge.user_id)).all() == [user.id]
        assert operations.attendances(session.get(Meeting, meeting.id)) == {
            "politie": AttendanceStatus.present
        }
    logged = events(app, object_type="pledge")
    assert [(e.actor_user_id, e.object_id) for e in logged] == [(user.id, f"meeting-{meeting.id}")]


def test_no_pledge_before_the_meeting_day(
    client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])], starts_at=future(3))
    login_as(Role.partner, "politie")
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    assert "opent op de dag van de vergadering" in page(client, live)
    client.post(
        f"/vergaderingen/{meeting.id}/geheimhouding",
        data={"csrf_token": csrf_token(client, live), "confirm": "y"},
    )
    assert "Geheimhoudingsverklaring" not in page(client, live)
    assert client.get(f"{live}/stand").status_code == 404


def test_the_chair_records_attendance_and_apologies(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(case.id, ["politie", "om"])], chair_id=chair.id)
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    for partner, status in (("politie", "present"), ("om", "apologies"), ("om", "absent")):
        client.post(
            f"/vergaderingen/{meeting.id}/aanwezigheid",
            data={"partner": partner, "status": status, "csrf_token": token},
        )
    with in_app(app) as session:
        assert operations.attendances(session.get(Meeting, meeting.id)) == {
            "politie": AttendanceStatus.present,
            "om": AttendanceStatus.absent,
        }
    html = page(client, f"/vergaderingen/{meeting.id}")
    assert "afwezig" in html
    reasons = [e.reason for e in events(app, object_type="meeting", action="update")]
    assert reasons[-3:] == ["attendance_present", "attendance_apologies", "attendance_absent"]


# --- 6. meeting mode ------------------------------------------------------------------------


def test_meeting_mode_shows_the_current_item_only_to_those_at_the_table(
    app: Flask,
    client: FlaskClient,
    factories: Factories,
    cases: CaseFactory,
    meetings: MeetingFactory,
) -> None:
    first, second = cases.create(), cases.create()
    author = factories.user(Role.partner, "politie")
    cases.contribute(first, author.id, "signalen", "Fictief: [BETROKKENE] zag [PERSOON-1].")
    meeting = meetings.create([(first.id, ["politie"]), (second.id, ["om"])])
    meetings.pledge(meeting, author.id)
    login(client, author)
    state = f"/vergaderingen/{meeting.id}/vergadermodus/stand"
    assert "nog niet begonnen" in page(client, state)
    assert client.get(f"{state}?stand=published-0").status_code == 204  # nothing changed
    meetings.step(meeting, Step.start)
    html = page(client, f"{state}?stand=published-0")
    assert first.code in html
    assert "[PERSOON-1]" in html
    assert 'stand=in_session-1"' in html
    assert client.get(f"{state}?stand=in_session-1").status_code == 204
    meetings.step(meeting, Step.next)
    html = page(client, f"{state}?stand=in_session-1")
    assert "U zit niet aan tafel voor dit punt." in html
    assert second.code not in html
    minute_every_item(app, meeting.id, meeting.chair_id)  # a meeting closes once minuted
    meetings.step(meeting, Step.end)
    assert "afgesloten" in page(client, f"{state}?stand=in_session-2")


def test_the_chair_moves_through_the_items(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    one, two = cases.create(), cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(one.id, ["om"]), (two.id, ["om"])], chair_id=chair.id)
    meetings.pledge(meeting, chair.id)
    minute_every_item(app, meeting.id, chair.id)  # a meeting closes once minuted
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    token = csrf_token(client, live)
    positions = []
    for action in ("next", "start", "next", "next", "previous", "end", "end+", "start"):
        data = {"step": action.rstrip("+"), "csrf_token": token}
        client.post(f"{live}/stap", data=data | ({"confirm": "y"} if "+" in action else {}))
        with in_app(app) as session:
            found = session.get(Meeting, meeting.id)
            positions.append((found.status.value, found.current_position))
    assert positions == [
        ("published", None),
        ("in_session", 1),
        ("in_session", 2),
        ("in_session", 2),
        ("in_session", 1),
        ("in_session", 1),  # closing asks to confirm
        ("closed", 1),
        ("closed", 1),
    ]


# --- 7. export -------------------------------------------------------------------------------


def test_the_pdf_holds_exactly_what_the_partner_may_see_and_is_logged(
    app: Flask,
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from zorgtafel.meetings import export

    rendered: list[str] = []
    real = export.render_pdf
    monkeypatch.setattr(export, "render_pdf", lambda html: rendered.append(html) or real(html))
    ours, theirs = cases.create(), cases.create()
    meeting = meetings.create([(ours.id, ["politie"]), (theirs.id, ["om"])])
    user = login_as(Role.partner, "politie")
    response = client.get(f"/vergaderingen/{meeting.id}/agenda.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="agenda-\d{4}-\d\d-\d\d\.pdf"',
        response.headers["Content-Disposition"],
    )
    (html,) = rendered
    assert ours.code in html
    assert theirs.code not in html
    assert "Besloten agendapunt" in html
    exported = events(app, actor_user_id=user.id, action="export")
    assert [(e.object_type, e.object_id, e.level) for e in exported] == [
        ("case", ours.code, "process"),
        ("meeting", f"meeting-{meeting.id}", None),
    ]


def test_external_resources_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    from zorgtafel.meetings.export import render_pdf

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the export tried to fetch something")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    pdf = render_pdf('<img src="http://192.0.2.1/x.png"><p>Fictief</p>')
    assert pdf.startswith(b"%PDF-")


# --- the batched audit append keeps one chain ------------------------------------------------


def test_a_page_of_agenda_lines_keeps_the_audit_chain_intact(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    records: list[CaseRecord] = [cases.create() for _ in range(6)]
    meeting = meetings.create([(r.id, ["politie"]) for r in records])
    login_as(Role.partner, "politie")
    page(client, f"/vergaderingen/{meeting.id}")
    with in_app(app) as session:
        assert verify_log(session.connection()).ok


# --- the pledge: only those at a table (issue 12 point 8, issue 13 point 7) -----------------


def test_a_partner_at_no_table_cannot_pledge_nor_be_recorded_present(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])])
    meetings.step(meeting, Step.start)
    login_as(Role.partner, "om")
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    html = page(client, live)
    assert "Uw organisatie zit bij geen punt van deze vergadering aan tafel." in html
    assert 'name="confirm"' not in html
    response = client.post(
        f"/vergaderingen/{meeting.id}/geheimhouding",
        data={"csrf_token": csrf_token(client, live), "confirm": "y"},
        follow_redirects=True,
    )
    assert "Alleen wie aan tafel zit" in response.get_data(as_text=True)
    assert client.get(f"{live}/stand").status_code == 404
    with in_app(app) as session:
        assert session.scalars(select(ConfidentialityPledge)).all() == []
        assert operations.attendances(session.get(Meeting, meeting.id)) == {}
    assert events(app, object_type="pledge") == []


def test_the_chair_pledges_but_attendance_follows_the_table(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(case.id, ["politie"])], chair_id=chair.id)
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    client.post(
        f"/vergaderingen/{meeting.id}/geheimhouding",
        data={"csrf_token": csrf_token(client, live), "confirm": "y"},
    )
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    client.post(
        f"/vergaderingen/{meeting.id}/aanwezigheid",
        data={"partner": "om", "status": "present", "csrf_token": token},
    )
    with in_app(app) as session:
        assert session.scalars(select(ConfidentialityPledge.user_id)).all() == [chair.id]
        assert operations.attendances(session.get(Meeting, meeting.id)) == {}
        with pytest.raises(MeetingError):
            operations.record_attendance(
                session.get(User, chair.id),
                session.get(Meeting, meeting.id),
                "om",
                AttendanceStatus.present,
            )
    assert client.get(f"{live}/stand").status_code == 200


# --- preparation: preview, then save (issue 13 point 3) -------------------------------------


def test_preparation_previews_first_and_saves_only_what_was_previewed(
    app: Flask,
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
    pseudonymiser_without_deduce,
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])], starts_at=future(3), deadline=future(1))
    login_as(Role.partner, "politie")
    item_id = meeting.item_ids[0]
    text = "Fictief: belde vanaf 06-12345678."
    shown = preview(client, meeting.id, item_id, category="signalen", text=text)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Voorvertoning: zo wordt het opgeslagen" in html
    assert "[TELEFOON-1]" in html
    assert "Terug naar de agenda" in html
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []
    # a save of another text than the one previewed is previewed again, not stored
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', html)
    assert proof
    changed = client.post(
        f"/vergaderingen/{meeting.id}/punten/{item_id}/inbreng",
        data={
            "csrf_token": csrf_token(client, f"/vergaderingen/{meeting.id}"),
            "save": "1",
            "previewed": proof.group(1),
            "category": "signalen",
            "text": text + " En nog iets.",
        },
    )
    assert "gewijzigd na de voorvertoning" in changed.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


def test_preparation_has_no_default_category(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])], starts_at=future(3), deadline=future(1))
    login_as(Role.partner, "politie")
    response = preview(client, meeting.id, meeting.item_ids[0], text="Fictief.")
    assert response.status_code == 400
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []
    page_html = page(client, f"/vergaderingen/{meeting.id}/punten/{meeting.item_ids[0]}/inbreng")
    assert re.search(
        r'name="category"[^>]*><option value="">Kies een categorie</option>', page_html
    )


# --- closing a meeting (issue 13 point 7) ---------------------------------------------------


def test_closing_asks_to_confirm_and_says_what_it_does(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    one, two = cases.create(), cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(one.id, ["om"]), (two.id, ["om"])], chair_id=chair.id)
    meetings.pledge(meeting, chair.id)
    meetings.step(meeting, Step.start)
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    html = page(client, live)
    assert "Afsluiten beëindigt de vergadermodus voor iedereen" in html
    assert "Vorig punt" not in html  # item 1 has no previous one
    assert "Volgend punt" in html
    token = csrf_token(client, live)
    response = client.post(
        f"{live}/stap", data={"step": "end", "csrf_token": token}, follow_redirects=True
    )
    assert "Bevestig dat u de vergadering wilt afsluiten." in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.get(Meeting, meeting.id).status is MeetingStatus.in_session  # type: ignore[union-attr]
    meetings.step(meeting, Step.next)
    assert "Vorig punt" in page(client, live)


def test_the_chair_reopens_a_closed_meeting_the_same_day_logged(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    one, two = cases.create(), cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(one.id, ["om"]), (two.id, ["om"])], chair_id=chair.id)
    meetings.pledge(meeting, chair.id)
    meetings.step(meeting, Step.start)
    meetings.step(meeting, Step.next)
    minute_every_item(app, meeting.id, chair.id)  # a meeting closes once minuted
    live = f"/vergaderingen/{meeting.id}/vergadermodus"
    token = csrf_token(client, live)
    client.post(f"{live}/stap", data={"step": "end", "confirm": "y", "csrf_token": token})
    html = page(client, live)
    assert "Vergadering heropenen" in html
    client.post(f"{live}/stap", data={"step": "reopen", "csrf_token": token})
    with in_app(app) as session:
        found = session.get(Meeting, meeting.id)
        assert found is not None
        assert (found.status, found.current_position) == (MeetingStatus.in_session, 2)
    reasons = [e.reason for e in events(app, object_type="meeting", action="update")]
    assert reasons[-2:] == ["step_end", "step_reopen"]


def test_a_meeting_closed_on_an_earlier_day_stays_closed(
    app: Flask, cases: CaseFactory, meetings: MeetingFactory
) -> None:
    case = cases.create()
    meeting = meetings.create([(case.id, ["om"])])
    meetings.step(meeting, Step.start)
    minute_every_item(app, meeting.id, meeting.chair_id)  # a meeting closes once minuted
    meetings.step(meeting, Step.end)
    with in_app(app) as session:
        found = session.get(Meeting, meeting.id)
        assert found is not None
        assert found.closed_at is not None
        found.closed_at -= timedelta(days=1)
    with in_app(app) as session:
        found, chair = session.get(Meeting, meeting.id), session.get(User, meeting.chair_id)
        with pytest.raises(MeetingError):
            operations.step(chair, found, Step.reopen)  # type: ignore[arg-type]


# --- late changes after publishing (issue 13 point 7) ---------------------------------------


def active_reasons(app: Flask, case_id: int, partner: str) -> list[InvolvementReason]:
    from zorgtafel.core.clock import utcnow

    with in_app(app) as session:
        case = session.get(Case, case_id)
        assert case is not None
        now = utcnow()
        return sorted(
            i.reason for i in case.involvements if i.partner_code == partner and i.active_at(now)
        )


def test_a_late_item_gives_its_table_and_the_chair_need_to_know_at_once(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    first, urgent = cases.create(), cases.create(coordinator="om")
    chair = login_as(Role.chair)
    meeting = meetings.create([(first.id, ["politie"])], chair_id=chair.id)
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    response = client.post(
        f"/vergaderingen/{meeting.id}/punten",
        data={"case_code": urgent.code, "csrf_token": token},
        follow_redirects=True,
    )
    assert urgent.code in response.get_data(as_text=True)
    assert set(active_reasons(app, urgent.id, "om")) == {
        InvolvementReason.coordinator,
        InvolvementReason.at_table,
    }
    assert active_reasons(app, urgent.id, "gemeente") == [InvolvementReason.chairing]
    assert "punt 2 toegevoegd" in page(client, f"/vergaderingen/{meeting.id}")
    om = app.test_client()
    login(om, Factories(app).user(Role.partner, "om"))
    html = page(om, f"/vergaderingen/{meeting.id}")
    assert "punt 2 toegevoegd, met uw organisatie aan tafel" in html
    assert urgent.code in html
    logged = events(app, object_type="meeting", object_id=f"meeting-{meeting.id}/{urgent.code}")
    assert [e.reason for e in logged] == ["item_added"]


def test_changing_the_seats_after_publishing_grants_and_withdraws_need_to_know(
    app: Flask,
    client: FlaskClient,
    factories: Factories,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(case.id, ["politie"])], chair_id=chair.id)
    item_id = meeting.item_ids[0]
    politie = app.test_client()
    login(politie, factories.user(Role.partner, "politie"))
    assert politie.get(f"/casussen/{case.code}").status_code == 200
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    client.post(
        f"/vergaderingen/{meeting.id}/punten/{item_id}",
        data={
            f"item-{item_id}-minutes": "15",
            f"item-{item_id}-kind": "progress",
            f"item-{item_id}-partners": ["om"],
            "csrf_token": token,
        },
    )
    assert active_reasons(app, case.id, "politie") == []
    assert active_reasons(app, case.id, "om") == [InvolvementReason.at_table]
    assert politie.get(f"/casussen/{case.code}").status_code == 404
    html = page(politie, f"/vergaderingen/{meeting.id}")
    assert "niet meer aan tafel voor punt 1" in html
    assert case.code not in html
    ended = events(app, object_type="involvement", reason="ended")
    assert [e.object_id for e in ended] == [f"{case.code}/politie"]


def test_removing_an_item_after_publishing_ends_the_access_it_gave(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    first, second = cases.create(), cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(first.id, ["politie"]), (second.id, ["om"])], chair_id=chair.id)
    token = csrf_token(client, f"/vergaderingen/{meeting.id}")
    client.post(
        f"/vergaderingen/{meeting.id}/punten/{meeting.item_ids[0]}/verwijderen",
        data={"csrf_token": token},
    )
    assert active_reasons(app, first.id, "politie") == []
    assert active_reasons(app, first.id, "gemeente") == []
    assert active_reasons(app, second.id, "om") == [InvolvementReason.at_table]
    with in_app(app) as session:
        found = session.get(Meeting, meeting.id)
        assert found is not None
        assert [(i.case_id, i.position) for i in found.items] == [(second.id, 1)]
        changes = operations.agenda_changes(found, "politie")
        assert [(c.kind.value, c.position) for c in changes] == [("item_removed", 1)]


def test_a_closed_meeting_takes_no_late_changes(
    app: Flask, cases: CaseFactory, meetings: MeetingFactory
) -> None:
    case, late = cases.create(), cases.create()
    meeting = meetings.create([(case.id, ["politie"])])
    meetings.step(meeting, Step.start)
    minute_every_item(app, meeting.id, meeting.chair_id)  # a meeting closes once minuted
    meetings.step(meeting, Step.end)
    with in_app(app) as session:
        chair, found = session.get(User, meeting.chair_id), session.get(Meeting, meeting.id)
        with pytest.raises(MeetingError):
            operations.add_item(chair, found, session.get(Case, late.id))  # type: ignore[arg-type]
