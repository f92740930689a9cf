"""Decisions numbered per case and tied to their item; actions owned by an organisation with a
due date, need-to-know while open; "Mijn acties" paged by keyset; the review of open actions
at the next meeting, telling "niet mogelijk" from "niet gedaan". All data is fictitious."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import csrf_token
from tests.fixtures.cases import example_convenant
from tests.fixtures.meetings import MeetingFactory, future
from tests.fixtures.minutes import SEATED, MinutesTable, nonce_of, preview_outcome, submit
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import Change
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Involvement, InvolvementReason
from zorgtafel.core.clock import today, utcnow
from zorgtafel.minutes import outcomes
from zorgtafel.minutes.models import (
    ActionChange,
    ActionItem,
    ActionStatus,
    Decision,
    OutcomeSave,
)
from zorgtafel.minutes.operations import MinutesError
from zorgtafel.privacy.gate import actions as gate_actions
from zorgtafel.pseudonymise import PseudonymiserUnavailable, use_pseudonymiser


def post(client: FlaskClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def decide(t: MinutesTable, text: str, item_id: int | None = None):  # type: ignore[no-untyped-def]
    return submit(t.chair, f"/notulen/punten/{item_id or t.item_id}/besluiten", text=text)


def give_action(t: MinutesTable, owner: str, days: int, text: str, item_id: int | None = None):  # type: ignore[no-untyped-def]
    due = (today() + timedelta(days=days)).isoformat()
    path = f"/notulen/punten/{item_id or t.item_id}/acties"
    return submit(t.chair, path, owner=owner, due_on=due, description=text)


def next_meeting_item(app: Flask, t: MinutesTable) -> int:
    meetings = MeetingFactory(app, t.factories)
    later = meetings.create([(t.case_id, list(SEATED))], starts_at=future(14), chair_id=t.chair_id)
    return later.item_ids[0]


# --- 3. decisions ----------------------------------------------------------------------------


def test_decisions_are_numbered_per_case_across_meetings_and_pseudonymised(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert decide(t, "Fenna krijgt een veiligheidsplan.").status_code == 302
    assert decide(t, "Politie spreekt met de school.").status_code == 302
    later = next_meeting_item(app, t)
    assert decide(t, "Het plan wordt voortgezet.", later).status_code == 302
    with in_app(app) as session:
        rows = session.execute(
            select(Decision.number, Decision.agenda_item_id).order_by(Decision.number)
        ).all()
    assert [tuple(r) for r in rows] == [(1, t.item_id), (2, t.item_id), (3, later)]
    html = t.chair.get(t.show_path).get_data(as_text=True)
    assert 'Besluit 1</strong>: <span class="pseudonymised" dir="auto">[BETROKKENE] krijgt' in html
    assert "Besluit 3" not in html  # taken at the later item
    politie = t.client(Role.partner, "politie")
    assert "Politie spreekt met de school." in politie.get(t.show_path).get_data(as_text=True)
    assert t.client(Role.partner, "om").get(t.show_path).status_code == 404


class Down:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserUnavailable("test: service down")


def test_no_decision_or_action_is_stored_when_the_pseudonymiser_is_down(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    use_pseudonymiser(app, Down())
    response = decide(t, "Een besluit dat niet mag verdwijnen.")
    assert response.status_code == 503
    assert "Een besluit dat niet mag verdwijnen." in response.get_data(as_text=True)
    assert give_action(t, "politie", 7, "Gesprek voeren.").status_code == 503
    with in_app(app) as session:
        assert session.scalars(select(Decision)).all() == []
        assert session.scalars(select(ActionItem)).all() == []


def test_a_decision_is_previewed_then_saved_as_previewed_and_only_once(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    path = f"/notulen/punten/{t.item_id}/besluiten"
    shown = preview_outcome(t.chair, path, text="Fenna krijgt een plan.")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "[BETROKKENE] krijgt een plan." in html[html.index('id="voorvertoning"') :]
    nonce = nonce_of(html)
    with in_app(app) as session:
        assert session.scalars(select(Decision)).all() == []  # a preview stores nothing
    # a save of another text than the one previewed is previewed again, not stored
    changed = post(t.chair, path, text="Fenna krijgt twee plannen.", save="1", previewed=nonce)
    assert changed.status_code == 200
    assert "gewijzigd na de voorvertoning" in changed.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Decision)).all() == []
    saved = post(t.chair, path, text="Fenna krijgt een plan.", save="1", previewed=nonce)
    assert saved.status_code == 302
    again = post(t.chair, path, text="Fenna krijgt een plan.", save="1", previewed=nonce)
    assert again.status_code == 302
    assert "al opgeslagen" in t.chair.get(t.show_path).get_data(as_text=True)
    with in_app(app) as session:
        decisions = session.scalars(select(Decision)).all()
        assert len(decisions) == 1
        assert b"Fenna" not in decisions[0].text.blob
        assert session.scalars(select(OutcomeSave)).all() != []
    page = t.chair.get(t.show_path).get_data(as_text=True)
    assert "[BETROKKENE] krijgt een plan." in page


def test_an_action_is_saved_only_with_the_owner_and_date_that_were_previewed(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    path = f"/notulen/punten/{t.item_id}/acties"
    due = (today() + timedelta(days=7)).isoformat()
    fields = {"owner": "politie", "due_on": due, "description": "Fenna wordt gebeld."}
    shown = preview_outcome(t.chair, path, **fields)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "[BETROKKENE] wordt gebeld." in html
    assert "Eigenaar: Politie" in html
    nonce = nonce_of(html)
    other = {**fields, "owner": "om"}
    assert post(t.chair, path, save="1", previewed=nonce, **other).status_code == 200
    with in_app(app) as session:
        assert session.scalars(select(ActionItem)).all() == []
    assert post(t.chair, path, save="1", previewed=nonce, **fields).status_code == 302
    with in_app(app) as session:
        action = session.scalar(select(ActionItem))
        assert action.owner_partner_code == "politie"
        assert b"Fenna" not in action.description.blob
    mine = t.client(Role.partner, "politie").get("/notulen/mijn-acties").get_data(as_text=True)
    assert "[BETROKKENE] wordt gebeld." in mine


def test_nothing_is_stored_when_the_pseudonymiser_goes_down_between_preview_and_save(
    app: Flask, minutes_table: MinutesTable
) -> None:
    from zorgtafel.pseudonymise import get_pseudonymiser

    t = minutes_table
    path = f"/notulen/punten/{t.item_id}/besluiten"
    with app.app_context():
        engine = get_pseudonymiser()
    nonce = nonce_of(preview_outcome(t.chair, path, text="Een besluit.").get_data(as_text=True))
    use_pseudonymiser(app, Down())
    response = post(t.chair, path, text="Een besluit.", save="1", previewed=nonce)
    assert response.status_code == 503
    assert "Een besluit." in response.get_data(as_text=True)  # the text typed stays
    with in_app(app) as session:
        assert session.scalars(select(Decision)).all() == []
        assert session.scalars(select(OutcomeSave)).all() == []  # the nonce is not used up
    use_pseudonymiser(app, engine)
    assert post(t.chair, path, text="Een besluit.", save="1", previewed=nonce).status_code == 302
    with in_app(app) as session:
        assert len(session.scalars(select(Decision)).all()) == 1


def test_a_reason_is_previewed_pseudonymised_and_nothing_stored_when_the_pseudonymiser_is_down(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert give_action(t, "politie", 3, "Politie belt.").status_code == 302
    politie = t.client(Role.partner, "politie")
    with in_app(app) as session:
        action_id = session.scalar(select(ActionItem.id))
    path = f"/notulen/mijn-acties/{action_id}"
    shown = preview_outcome(politie, path, status="not_possible", reason="Fenna is verhuisd.")
    assert shown.status_code == 200
    assert "[BETROKKENE] is verhuisd." in shown.get_data(as_text=True)
    with in_app(app) as session:
        assert session.get(ActionItem, action_id).status is ActionStatus.open
    use_pseudonymiser(app, Down())
    down = submit(politie, path, status="not_possible", reason="Fenna is verhuisd.")
    assert down.status_code == 503
    assert "Fenna is verhuisd." in down.get_data(as_text=True)
    with in_app(app) as session:
        assert session.get(ActionItem, action_id).status is ActionStatus.open
        assert session.scalars(select(ActionChange)).all() == []


# --- 4. action items -------------------------------------------------------------------------


def test_an_action_gives_its_owner_need_to_know_until_it_is_closed_and_then_some_days(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert give_action(t, "om", 10, "Het OM bekijkt de aangifte van Fenna.").status_code == 302
    with in_app(app) as session:
        action = session.scalar(select(ActionItem))
        assert action.owner_partner_code == "om"
        assert action.status is ActionStatus.open
        owner = session.scalar(
            select(Involvement).where(Involvement.reason == InvolvementReason.action_owner)
        )
        assert owner.partner_code == "om"
        assert owner.valid_until is None
        action_id = action.id
    om = t.client(Role.partner, "om")
    mine = om.get("/notulen/mijn-acties").get_data(as_text=True)
    assert "[BETROKKENE]" in mine
    assert t.case_code in mine
    # closing it needs a reason for "niet mogelijk"; with one it is closed and logged
    response = post(om, f"/notulen/mijn-acties/{action_id}", status="not_possible", reason="")
    assert response.status_code == 400
    assert "Geef een reden." in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.get(ActionItem, action_id).status is ActionStatus.open
    submit(om, f"/notulen/mijn-acties/{action_id}", status="not_possible", reason="Fenna verhuisd.")
    with in_app(app) as session:
        action = session.get(ActionItem, action_id)
        assert action.status is ActionStatus.not_possible
        change = session.scalar(select(ActionChange))
        assert change.to_status is ActionStatus.not_possible
        assert change.changed_by_user_id is not None
        assert b"verhuisd" not in change.reason.blob
        owner = session.scalar(
            select(Involvement).where(Involvement.reason == InvolvementReason.action_owner)
        )
        days = example_convenant().access_days_after_meeting
        assert owner.valid_until is not None
        assert abs(owner.valid_until - (utcnow() + timedelta(days=days))) < timedelta(minutes=5)
        logged = session.scalars(
            select(AuditEvent.actor_org).where(
                AuditEvent.reason == Change.action_not_possible.value
            )
        ).all()
        assert logged == ["om"]
    assert "[BETROKKENE]" not in om.get("/notulen/mijn-acties").get_data(as_text=True)


def test_owning_an_open_action_opens_the_case_to_its_owner_and_closing_it_ends_that_later(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    om = t.client(Role.partner, "om")
    case_path = f"/casussen/{t.case_code}"
    assert om.get(case_path).status_code == 404  # not involved, not at the table
    assert give_action(t, "om", 10, "Het OM bekijkt de aangifte.").status_code == 302
    assert om.get(case_path).status_code == 200  # need-to-know: action_owner
    with in_app(app) as session:
        action_id = session.scalar(select(ActionItem.id))
    assert submit(om, f"/notulen/mijn-acties/{action_id}", status="done").status_code == 302
    assert om.get(case_path).status_code == 200  # still, for the convenant's days
    with in_app(app) as session:  # those days have passed
        owner = session.scalar(
            select(Involvement).where(Involvement.reason == InvolvementReason.action_owner)
        )
        owner.valid_until = utcnow() - timedelta(minutes=1)
    assert om.get(case_path).status_code == 404


def test_another_organisation_cannot_change_or_see_an_action_it_does_not_own(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert give_action(t, "politie", 5, "Politie zoekt contact.").status_code == 302
    with in_app(app) as session:
        action_id = session.scalar(select(ActionItem.id))
    jeugd = t.client(Role.partner, "jeugd-ggz")
    assert "Politie zoekt contact" not in jeugd.get("/notulen/mijn-acties").get_data(as_text=True)
    response = post(jeugd, f"/notulen/mijn-acties/{action_id}", status="done")
    assert response.status_code == 404
    with in_app(app) as session:
        assert session.get(ActionItem, action_id).status is ActionStatus.open
        politie = session.scalar(select(User).where(User.role == Role.chair))
        action = session.get(ActionItem, action_id)
        with pytest.raises(MinutesError):  # a reason is required for "vervallen"
            outcomes.change_status(
                politie, action, ActionStatus.lapsed, "", convenant=example_convenant()
            )


# --- 6. Mijn acties, paged by keyset ---------------------------------------------------------


def test_my_actions_are_paged_by_keyset_soonest_due_first(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    for days in (9, 2, 5):
        assert give_action(t, "politie", days, f"Actie over {days} dagen.").status_code == 302
    politie_id = t.factories.user(Role.partner, "politie").id
    with in_app(app) as session:
        reader = session.get(User, politie_id)
        first = gate_actions.my_actions(reader, example_convenant(), size=2)
        assert [a.due_on for a in first.items] == [
            today() + timedelta(days=2),
            today() + timedelta(days=5),
        ]
        assert first.items[0].due_soon
        assert first.after is not None
        second = gate_actions.my_actions(reader, example_convenant(), after=first.after, size=2)
        assert [a.due_on for a in second.items] == [today() + timedelta(days=9)]
        assert second.after is None
        assert second.continued


def test_my_actions_tells_open_from_due_within_7_days_from_overdue(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    for days, text in ((20, "Later."), (3, "Binnenkort."), (1, "Te laat.")):
        assert give_action(t, "politie", days, text).status_code == 302
    with in_app(app) as session:  # the last one's date has passed
        late = session.scalar(select(ActionItem).where(ActionItem.due_on == today() + timedelta(1)))
        late.due_on = today() - timedelta(days=2)
        ids = {a.due_on: a.id for a in session.scalars(select(ActionItem))}
    html = t.client(Role.partner, "politie").get("/notulen/mijn-acties").get_data(as_text=True)
    lines = re.findall(r'<li[^>]* data-action="(\d+)" class="([a-z-]+)">', html)
    assert lines == [
        (str(ids[today() - timedelta(days=2)]), "overdue"),
        (str(ids[today() + timedelta(days=3)]), "due-soon"),
        (str(ids[today() + timedelta(days=20)]), "open"),
    ]
    assert "te laat" in html
    assert "binnen 7 dagen" in html
    other = t.client(Role.partner, "jeugd-ggz").get("/notulen/mijn-acties").get_data(as_text=True)
    assert "data-action=" not in other


# --- 5. review at the next meeting -----------------------------------------------------------


def test_the_next_meeting_reviews_open_actions_telling_not_possible_from_not_done(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert give_action(t, "politie", 3, "Politie spreekt de jongere.").status_code == 302
    assert give_action(t, "jeugd-ggz", 3, "Jeugd-ggz plant intake.").status_code == 302
    assert give_action(t, "gemeente", 3, "Gemeente regelt opvang.").status_code == 302
    later = next_meeting_item(app, t)
    page = t.chair.get(f"/notulen/punten/{later}").get_data(as_text=True)
    assert "Open actiepunten uit eerdere vergaderingen" in page
    assert page.count('data-reviewed="no"') == 3
    with in_app(app) as session:
        ids = dict(session.execute(select(ActionItem.owner_partner_code, ActionItem.id)).all())
    review = f"/notulen/punten/{later}/acties/{{}}/bespreking"
    submit(t.chair, review.format(ids["politie"]), status="not_possible", reason="Verhuisd.")
    submit(t.chair, review.format(ids["jeugd-ggz"]), status="not_done", reason="Geen capaciteit.")
    post(t.chair, review.format(ids["gemeente"]), status="open", reason="")
    with in_app(app) as session:
        statuses = dict(session.execute(select(ActionItem.id, ActionItem.status)).all())
        assert statuses[ids["politie"]] is ActionStatus.not_possible
        assert statuses[ids["jeugd-ggz"]] is ActionStatus.not_done
        assert statuses[ids["gemeente"]] is ActionStatus.open
        reviewed = session.scalars(select(ActionChange.review_item_id)).all()
        assert reviewed == [later, later, later]
    page = t.chair.get(f"/notulen/punten/{later}").get_data(as_text=True)
    assert page.count('data-reviewed="yes"') == 3
    assert "niet mogelijk (omstandigheden veranderd)" in page
    assert "niet gedaan" in page
    assert re.search(r"Verhuisd\.", page)


def test_only_the_chair_lets_an_action_lapse(app: Flask, minutes_table: MinutesTable) -> None:
    t = minutes_table
    assert give_action(t, "politie", 3, "Politie belt.").status_code == 302
    politie = t.client(Role.partner, "politie")
    with in_app(app) as session:
        action_id = session.scalar(select(ActionItem.id))
    response = submit(politie, f"/notulen/mijn-acties/{action_id}", status="lapsed", reason="x")
    assert response.status_code == 302
    with in_app(app) as session:
        assert session.get(ActionItem, action_id).status is ActionStatus.open


@pytest.mark.parametrize("status", ["not_possible", "not_done", "lapsed"])
def test_closing_as_not_possible_not_done_or_lapsed_needs_a_reason_and_logs_who(
    app: Flask, minutes_table: MinutesTable, status: str
) -> None:
    t = minutes_table
    assert give_action(t, "politie", 3, "Politie belt.").status_code == 302
    politie_id = t.factories.user(Role.partner, "politie").id
    to = ActionStatus(status)
    with app.test_request_context(), in_app(app) as session:
        action = session.scalar(select(ActionItem))
        chair, politie = session.get(User, t.chair_id), session.get(User, politie_id)
        closer = chair if to is ActionStatus.lapsed else politie
        with pytest.raises(MinutesError, match="Geef een reden"):
            outcomes.change_status(closer, action, to, "  ", convenant=example_convenant())
        if to is ActionStatus.lapsed:  # only the chair lets an action lapse
            with pytest.raises(MinutesError, match="Alleen de voorzitter"):
                outcomes.change_status(politie, action, to, "Weg.", convenant=example_convenant())
        assert action.status is ActionStatus.open
        assert session.scalars(select(ActionChange)).all() == []
        outcomes.change_status(closer, action, to, "Uitleg.", convenant=example_convenant())
        closer_id, closer_org = closer.id, closer.organisation.code
    with in_app(app) as session:
        (change,) = session.scalars(select(ActionChange)).all()
        assert (change.from_status, change.to_status) == (ActionStatus.open, to)
        assert change.changed_by_user_id == closer_id
        assert change.reason is not None
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.reason == f"action_{status}")
        ).all()
        assert (event.actor_user_id, event.actor_org) == (closer_id, closer_org)
        assert "Uitleg" not in str(vars(event))


def test_the_next_agenda_suggests_a_case_with_an_open_action(
    app: Flask, minutes_table: MinutesTable
) -> None:
    from zorgtafel.meetings.models import Meeting
    from zorgtafel.meetings.suggestions import actions_to_review, suggestions

    t = minutes_table
    meetings = MeetingFactory(app, t.factories)
    draft = meetings.create([], starts_at=future(14), publish=False, chair_id=t.chair_id)
    with in_app(app) as session:
        assert t.case_id not in actions_to_review(session.get(Meeting, draft.id))
    assert give_action(t, "politie", 3, "Politie spreekt de jongere.").status_code == 302
    with in_app(app) as session:
        meeting = session.get(Meeting, draft.id)
        assert actions_to_review(meeting) == {t.case_id: "action_due"}
        found = {s.case.id: s.reasons for s in suggestions(meeting)}
        assert "action_due" in found[t.case_id]
    html = t.chair.get(f"/vergaderingen/{draft.id}").get_data(as_text=True)
    assert "open actiepunten te bespreken" in html


def test_an_action_closed_between_meetings_is_reviewed_at_the_next_one_too(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert give_action(t, "politie", 3, "Politie belt de school.").status_code == 302
    politie = t.client(Role.partner, "politie")
    with in_app(app) as session:
        action_id = session.scalar(select(ActionItem.id))
    submit(politie, f"/notulen/mijn-acties/{action_id}", status="not_done", reason="Vergeten.")
    later = next_meeting_item(app, t)
    page = t.chair.get(f"/notulen/punten/{later}").get_data(as_text=True)
    section = page[page.index('id="bespreken"') :]
    assert f'data-action="{action_id}"' in section
    assert "niet gedaan" in section
    assert "Vergeten." in section


def test_a_meeting_closes_only_when_every_item_is_minuted_and_its_open_actions_reviewed(
    app: Flask, minutes_table: MinutesTable
) -> None:
    from tests.fixtures.meetings import MeetingRecord
    from tests.fixtures.minutes import minute_every_item
    from zorgtafel.meetings.models import Meeting, MeetingStatus
    from zorgtafel.meetings.operations import MeetingError, Step

    t = minutes_table
    assert give_action(t, "politie", 3, "Politie spreekt de jongere.").status_code == 302
    meetings = MeetingFactory(app, t.factories)
    later = meetings.create([(t.case_id, list(SEATED))], starts_at=future(14), chair_id=t.chair_id)
    record = MeetingRecord(later.id, later.item_ids, t.chair_id)
    with in_app(app) as session:
        meeting = session.get(Meeting, later.id)
        meeting.status, meeting.current_position = MeetingStatus.in_session, 1
    with app.test_request_context(), pytest.raises(MeetingError, match="nog geen notulen"):
        meetings.step(record, Step.end)
    minute_every_item(app, later.id, t.chair_id)
    with app.test_request_context(), pytest.raises(MeetingError, match="nog niet besproken"):
        meetings.step(record, Step.end)
    with in_app(app) as session:
        action_id = session.scalar(select(ActionItem.id))
    review = f"/notulen/punten/{later.item_ids[0]}/acties/{action_id}/bespreking"
    assert post(t.chair, review, status="open", reason="").status_code == 302
    meetings.step(record, Step.end)
    with in_app(app) as session:
        assert session.get(Meeting, later.id).status is MeetingStatus.closed


def test_the_chair_s_overview_gives_each_organisation_its_shares(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    for text in ("Een.", "Twee.", "Drie.", "Vier."):
        assert give_action(t, "politie", 3, text).status_code == 302
    politie = t.client(Role.partner, "politie")
    with in_app(app) as session:
        ids = session.scalars(select(ActionItem.id).order_by(ActionItem.id)).all()
    for action_id, status in zip(ids[:3], ("done", "done", "not_done"), strict=True):
        submit(politie, f"/notulen/mijn-acties/{action_id}", status=status, reason="Uitleg.")
    html = t.chair.get("/notulen/acties").get_data(as_text=True)
    row = html[html.index('data-partner="politie"') :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>([^<]*)</td>", row)[1:] == [
        "1", "0", "67% (2)", "0% (0)", "33% (1)", "0",
    ]  # fmt: skip
    assert t.client(Role.partner, "politie").get("/notulen/acties").status_code == 404


def test_every_view_of_decisions_and_actions_is_an_audit_event_without_content(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert decide(t, "Fenna krijgt een plan.").status_code == 302
    assert give_action(t, "politie", 3, "Politie belt Fenna.").status_code == 302
    politie = t.client(Role.partner, "politie")

    def logged() -> list[AuditEvent]:
        with in_app(app) as session:
            return list(
                session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.actor_org == "politie", AuditEvent.object_id == t.case_code)
                    .order_by(AuditEvent.seq)
                )
            )

    for path in (t.show_path, "/notulen/mijn-acties", f"/notulen/vergaderingen/{t.meeting_id}"):
        before = len(logged())
        assert politie.get(path).status_code == 200
        new = logged()[before:]
        assert new, path
        assert any(event.level == "content" for event in new), path
        for event in new:
            assert "Fenna" not in str(vars(event))
            assert "BETROKKENE" not in str(vars(event))
