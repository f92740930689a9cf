"""The gate's "today" surface: what the chair or a partner has to do, for the start page.

Counts name no case and disclose nothing; every line that names a case is decided and logged
here (one search event per case shown, at process level for the partner's own lines), and
nothing is decrypted: the start page shows codes, dates and counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, select

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution, Stage
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import today
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus, TableSeat
from zorgtafel.minutes.models import ActionItem, ActionStatus, Minutes, MinutesStatus
from zorgtafel.privacy.gate.actions import action_overview
from zorgtafel.privacy.gate.kernel import Disclosure

#: the most lines of one kind the start page shows (the rest behind "more")
LINES_SHOWN = 10
#: the stages of a case that waits for the chair's triage
AWAITING_TRIAGE = (Stage.melding, Stage.triage)


@dataclass(frozen=True)
class CaseLine:
    code: str
    stage: Stage


@dataclass(frozen=True)
class Preparation:
    """The next meeting and how far its preparation is: seats (item x partner) that added a
    contribution to the item's case since publication, out of all seats."""

    meeting_id: int
    starts_at: datetime
    status: MeetingStatus
    deadline: datetime | None
    items: int
    seats: int
    prepared: int

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.deadline.date() < today()


@dataclass(frozen=True)
class UnfinishedMinutes:
    meeting_id: int
    starts_at: datetime
    items: int


@dataclass(frozen=True)
class OverdueShare:
    partner_code: str
    open: int
    overdue: int


@dataclass(frozen=True)
class ChairToday:
    next_meeting: Preparation | None
    unfinished_minutes: tuple[UnfinishedMinutes, ...]
    overdue: tuple[OverdueShare, ...]
    triage: tuple[CaseLine, ...]
    triage_count: int
    comensha: tuple[CaseLine, ...]
    comensha_count: int


@dataclass(frozen=True)
class SeatLine:
    """One item of an upcoming meeting the partner's organisation sits at the table for."""

    meeting_id: int
    item_id: int
    position: int
    starts_at: datetime
    deadline: datetime | None
    code: str
    #: the organisation added a contribution to the case since the meeting was published
    prepared: bool


@dataclass(frozen=True)
class ActionLine:
    action_id: int
    code: str
    due_on: date

    @property
    def overdue(self) -> bool:
        return self.due_on < today()


@dataclass(frozen=True)
class PartnerToday:
    seats: tuple[SeatLine, ...]
    actions: tuple[ActionLine, ...]
    open_count: int
    overdue_count: int


class _Ref:
    __slots__ = ("code", "id")

    def __init__(self, case_id: int, code: str) -> None:
        self.id, self.code = case_id, code


def chair_today(reader: User, convenant: Convenant) -> ChairToday | None:
    """The chair's work list; None for anyone else. Each case line is a search event at
    exists level (code and stage), the counts disclose nothing."""
    if reader.role is not Role.chair:
        return None
    disclosure = Disclosure(reader, Purpose.case_work, convenant, action=AuditAction.search)
    triage, triage_count = _cases(disclosure, Case.stage.in_(AWAITING_TRIAGE))
    outstanding = and_(
        Case.comensha_reported_on.is_(None), Case.stage.not_in((Stage.signaal, Stage.afgesloten))
    )
    comensha, comensha_count = _cases(disclosure, outstanding)
    disclosure.record()
    return ChairToday(
        _next_meeting(),
        _unfinished_minutes(),
        tuple(
            OverdueShare(share.partner_code, share.open, share.overdue)
            for share in action_overview(reader)
            if share.overdue
        ),
        triage,
        triage_count,
        comensha,
        comensha_count,
    )


def _cases(disclosure: Disclosure, condition) -> tuple[tuple[CaseLine, ...], int]:  # type: ignore[no-untyped-def]
    """The oldest cases under ``condition`` (at most :data:`LINES_SHOWN`), each decided at
    exists level and logged, and how many there are in all."""
    count = db.session.scalar(select(func.count(Case.id)).where(condition)) or 0
    rows = db.session.execute(
        select(Case.id, Case.code, Case.stage)
        .where(condition)
        .order_by(Case.updated_at, Case.id)
        .limit(LINES_SHOWN)
    ).all()
    refs = [_Ref(row.id, row.code) for row in rows]
    decisions = disclosure.levels(refs, Level.exists, refusals=False)
    lines = tuple(CaseLine(row.code, row.stage) for row in rows if decisions[row.id].allowed)
    return lines, count


def _next_meeting() -> Preparation | None:
    """The first meeting not yet closed that starts today or later (draft ones included: the
    chair prepares them). Counts only."""
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.status != MeetingStatus.closed, func.date(Meeting.starts_at) >= today())
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )
    if meeting is None:
        return None
    items = db.session.scalar(
        select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting.id)
    )
    seats, prepared = db.session.execute(
        select(func.count(TableSeat.id), func.count(TableSeat.id).filter(_contributed(meeting)))
        .join(AgendaItem, AgendaItem.id == TableSeat.agenda_item_id)
        .where(AgendaItem.meeting_id == meeting.id)
    ).one()
    return Preparation(
        meeting.id,
        meeting.starts_at,
        meeting.status,
        meeting.preparation_deadline,
        items or 0,
        seats,
        prepared,
    )


def _contributed(meeting: Meeting):  # type: ignore[no-untyped-def]
    """The seat's organisation added to the item's case since the meeting was published."""
    since = meeting.published_at or meeting.created_at
    return exists().where(
        Contribution.case_id == AgendaItem.case_id,
        Contribution.partner_code == TableSeat.partner_code,
        Contribution.created_at >= since,
    )


def _unfinished_minutes() -> tuple[UnfinishedMinutes, ...]:
    """Meetings that have begun whose items' minutes are missing or not vastgesteld, with how
    many such items each (counts only)."""
    final = exists().where(
        Minutes.agenda_item_id == AgendaItem.id, Minutes.status == MinutesStatus.final
    )
    rows = db.session.execute(
        select(Meeting.id, Meeting.starts_at, func.count(AgendaItem.id))
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(
            Meeting.status.in_((MeetingStatus.in_session, MeetingStatus.closed)),
            ~final,
        )
        .group_by(Meeting.id, Meeting.starts_at)
        .order_by(Meeting.starts_at)
        .limit(LINES_SHOWN)
    ).all()
    return tuple(UnfinishedMinutes(row[0], row[1], row[2]) for row in rows)


def partner_today(reader: User, convenant: Convenant) -> PartnerToday | None:
    """A partner's work list: the items of upcoming published meetings its organisation sits
    at the table for, and its open actions, soonest due first. Each line is decided at process
    level (its seat or action gives the need-to-know) and logged; None for anyone else."""
    if reader.role is not Role.partner:
        return None
    organisation = reader.organisation.code
    disclosure = Disclosure(reader, Purpose.case_work, convenant, action=AuditAction.search)
    seat_rows = db.session.execute(
        select(
            AgendaItem.id,
            AgendaItem.position,
            AgendaItem.case_id,
            Case.code,
            Meeting.id.label("meeting_id"),
            Meeting.starts_at,
            Meeting.preparation_deadline,
            Meeting.published_at,
        )
        .join(TableSeat, TableSeat.agenda_item_id == AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Case, Case.id == AgendaItem.case_id)
        .where(
            TableSeat.partner_code == organisation,
            Meeting.status == MeetingStatus.published,
            func.date(Meeting.starts_at) >= today(),
        )
        .order_by(Meeting.starts_at, AgendaItem.position)
        .limit(LINES_SHOWN)
    ).all()
    open_actions = and_(
        ActionItem.owner_partner_code == organisation, ActionItem.status == ActionStatus.open
    )
    open_count, overdue_count = db.session.execute(
        select(
            func.count(ActionItem.id),
            func.count(ActionItem.id).filter(ActionItem.due_on < today()),
        ).where(open_actions)
    ).one()
    action_rows = db.session.execute(
        select(ActionItem.id, ActionItem.case_id, ActionItem.due_on, Case.code)
        .join(Case, Case.id == ActionItem.case_id)
        .where(open_actions)
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(LINES_SHOWN)
    ).all()
    refs = {row.case_id: _Ref(row.case_id, row.code) for row in (*seat_rows, *action_rows)}
    decisions = disclosure.levels(list(refs.values()), Level.process, refusals=False)
    disclosure.record()
    prepared = _prepared(organisation, seat_rows)
    return PartnerToday(
        tuple(
            SeatLine(
                row.meeting_id,
                row.id,
                row.position,
                row.starts_at,
                row.preparation_deadline,
                row.code,
                row.id in prepared,
            )
            for row in seat_rows
            if decisions[row.case_id].allowed
        ),
        tuple(
            ActionLine(row.id, row.code, row.due_on)
            for row in action_rows
            if decisions[row.case_id].allowed
        ),
        open_count,
        overdue_count,
    )


def _prepared(organisation: str, seat_rows) -> set[int]:  # type: ignore[no-untyped-def]
    """The items (of ``seat_rows``) whose case the organisation added to since publication."""
    if not seat_rows:
        return set()
    added = exists().where(
        Contribution.case_id == AgendaItem.case_id,
        Contribution.partner_code == organisation,
        Contribution.created_at >= Meeting.published_at,
    )
    query = (
        select(AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.id.in_([row.id for row in seat_rows]), added)
    )
    return set(db.session.scalars(query))


__all__ = [
    "ActionLine",
    "CaseLine",
    "ChairToday",
    "PartnerToday",
    "Preparation",
    "SeatLine",
    "chair_today",
    "partner_today",
]
