"""Which cases the agenda builder suggests for a meeting, and why.

Each source maps case ids to a reason code; ``SOURCES`` lists them all. A new reason to put a
case on the agenda (actions due, say) is a new function here and a line in that list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from zorgtafel.cases.models import Case, Stage
from zorgtafel.core.clock import AMSTERDAM
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus

#: a source: (meeting) -> {case id: reason code}
SuggestionSource = Callable[[Meeting], dict[int, str]]


@dataclass(frozen=True)
class Suggestion:
    case: Case
    #: reason codes: ``new``, ``follow_up``, ``action_due`` ...
    reasons: tuple[str, ...]


def suggestions(meeting: Meeting) -> list[Suggestion]:
    """Open cases some source suggests and that are not on this agenda yet, in code order."""
    reasons: dict[int, list[str]] = {}
    for source in SOURCES:
        for case_id, reason in source(meeting).items():
            reasons.setdefault(case_id, []).append(reason)
    on_agenda = set(
        db.session.scalars(select(AgendaItem.case_id).where(AgendaItem.meeting_id == meeting.id))
    )
    wanted = [case_id for case_id in reasons if case_id not in on_agenda]
    if not wanted:
        return []
    cases = db.session.scalars(select(Case).where(Case.id.in_(wanted)).order_by(Case.code))
    return [Suggestion(case, tuple(reasons[case.id])) for case in cases]


def _open_cases():  # type: ignore[no-untyped-def]
    return select(Case.id).where(Case.stage != Stage.afgesloten)


def not_yet_discussed(meeting: Meeting) -> dict[int, str]:
    """Open cases on no published agenda of another meeting yet: whatever an earlier builder
    suggested and the chair left off stays suggested until it is on an agenda."""
    discussed = (
        select(AgendaItem.case_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.status != MeetingStatus.draft, Meeting.id != meeting.id)
    )
    query = _open_cases().where(Case.id.not_in(discussed))
    return dict.fromkeys(db.session.scalars(query), "new")


def follow_up_due(meeting: Meeting) -> dict[int, str]:
    """Cases whose follow-up date falls on or before the meeting's day."""
    day = meeting.starts_at.astimezone(AMSTERDAM).date()
    query = _open_cases().where(Case.follow_up_on.is_not(None), Case.follow_up_on <= day)
    return dict.fromkeys(db.session.scalars(query), "follow_up")


def actions_to_review(meeting: Meeting) -> dict[int, str]:
    """Cases with an action still open, agreed at an earlier meeting: the next meeting reviews
    it ("action_due"; the reviewed action is minuted on the case's item)."""
    from zorgtafel.minutes.models import ActionItem, ActionStatus

    query = (
        select(ActionItem.case_id)
        .join(AgendaItem, AgendaItem.id == ActionItem.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(ActionItem.status == ActionStatus.open, Meeting.starts_at < meeting.starts_at)
        .distinct()
    )
    return dict.fromkeys(db.session.scalars(query), "action_due")


SOURCES: tuple[SuggestionSource, ...] = (not_yet_discussed, follow_up_due, actions_to_review)
