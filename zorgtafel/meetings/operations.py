"""Writes to meetings: create, build the agenda, publish, pledge, attendance, meeting mode.

Each operation writes its audit event in the caller's transaction. Reading agenda lines and
cases goes through ``zorgtafel.privacy.gate``, never through here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from zorgtafel.audit.operations import Actor, record
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases import operations as case_operations
from zorgtafel.cases.models import Case, Contribution, InvolvementReason
from zorgtafel.convenant.operations import version_in_force
from zorgtafel.core.clock import AMSTERDAM, today, utcnow
from zorgtafel.core.db import db
from zorgtafel.meetings.models import (
    AgendaChange,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ChangeKind,
    ConfidentialityPledge,
    ItemKind,
    Meeting,
    MeetingStatus,
    TableSeat,
)

#: default: contributions are due two days before the meeting
PREPARATION_DAYS = 2
#: a meeting lies within this many years of today (before or after)
MEETING_YEARS = 2
#: why a user gets no pledge and no meeting mode
NOT_AT_A_TABLE = _l(
    "Uw organisatie zit bij geen punt van deze vergadering aan tafel. Alleen wie aan tafel zit, "
    "bevestigt de geheimhoudingsverklaring en volgt de vergadermodus."
)


class MeetingError(ValueError):
    """A request the meeting's state does not allow; the message is shown to the user."""


class Step(enum.StrEnum):
    """What the chair does in meeting mode."""

    start = "start"
    next = "next"
    previous = "previous"
    end = "end"
    #: the chair reopens a meeting it closed, the same day
    reopen = "reopen"


_STEPS = {
    Step.start: Change.step_start,
    Step.next: Change.step_next,
    Step.previous: Change.step_previous,
    Step.end: Change.step_end,
    Step.reopen: Change.step_reopen,
}
_ATTENDANCE = {
    AttendanceStatus.present: Change.attendance_present,
    AttendanceStatus.apologies: Change.attendance_apologies,
    AttendanceStatus.absent: Change.attendance_absent,
}


def meeting_window() -> tuple[date, date]:
    """The first and last day a meeting (and its preparation deadline) may fall on."""
    now = today()
    return now.replace(year=now.year - MEETING_YEARS, day=min(now.day, 28)), now.replace(
        year=now.year + MEETING_YEARS, day=min(now.day, 28)
    )


def within_window(moment: datetime) -> bool:
    first, last = meeting_window()
    return first <= moment.astimezone(AMSTERDAM).date() <= last


def meeting_day(meeting: Meeting):  # type: ignore[no-untyped-def]
    return meeting.starts_at.astimezone(AMSTERDAM).date()


def create_meeting(
    by: User, starts_at: datetime, location: str, preparation_deadline: datetime | None = None
) -> Meeting:
    """A draft meeting bound to the convenant version in force on its day."""
    if not within_window(starts_at) or (
        preparation_deadline is not None and not within_window(preparation_deadline)
    ):
        raise MeetingError(
            _l("Een vergadering ligt binnen %(years)s jaar van vandaag.", years=MEETING_YEARS)
        )
    version = version_in_force(starts_at.astimezone(AMSTERDAM).date())
    if version is None:
        raise MeetingError(_l("Op die datum is geen convenantversie van kracht."))
    deadline = preparation_deadline or starts_at - timedelta(days=PREPARATION_DAYS)
    if deadline > starts_at:
        raise MeetingError(_l("De voorbereidingstermijn moet voor de vergadering eindigen."))
    meeting = Meeting(
        starts_at=starts_at,
        location=location.strip(),
        convenant_version_id=version.id,
        preparation_deadline=deadline,
        created_by_user_id=by.id,
    )
    db.session.add(meeting)
    db.session.flush()
    _record(by, AuditAction.create, meeting)
    return meeting


def add_item(by: User, meeting: Meeting, case: Case, kind: ItemKind | None = None) -> AgendaItem:
    """Put ``case`` on the agenda, last; its involved partners sit at the table. After
    publication (a late change) they and the chair get need-to-know at once, and each
    partner concerned sees the change."""
    _changeable(meeting)
    if any(item.case_id == case.id for item in meeting.items):
        raise MeetingError(_l("Deze casus staat al op de agenda."))
    convenant = meeting.convenant
    now = utcnow()
    involved = sorted(
        {i.partner_code for i in case.involvements if i.active_at(now)}
        & {p.code for p in convenant.partners}
    )
    item = AgendaItem(
        case=case,
        position=len(meeting.items) + 1,
        kind=kind or _default_kind(case),
        seats=[TableSeat(partner_code=code) for code in involved],
    )
    meeting.items.append(item)
    db.session.flush()
    _record(by, AuditAction.create, meeting, reason=Change.item_added, case=case)
    if meeting.is_published:
        _grant_item(by, item, now)
        _notify(by, item, involved, ChangeKind.item_added)
    return item


def _default_kind(case: Case) -> ItemKind:
    discussed = db.session.scalar(select(func.count()).where(AgendaItem.case_id == case.id))
    return ItemKind.new if not discussed else ItemKind.progress


def update_item(
    by: User, item: AgendaItem, *, minutes: int, kind: ItemKind, partner_codes: Iterable[str]
) -> None:
    """Set an item's time, kind and the partners at the table. After publication a partner
    seated gets need-to-know at once, one unseated loses the item's; both see the change."""
    meeting = item.meeting
    _changeable(meeting)
    convenant = meeting.convenant
    wanted = set(partner_codes)
    unknown = [code for code in wanted if not convenant.has_partner(code)]
    if unknown:
        raise MeetingError(_l("Onbekende ketenpartner."))
    before = set(item.partner_codes)
    item.minutes, item.kind = minutes, ItemKind(kind)
    item.seats = [
        seat for seat in item.seats if seat.partner_code in wanted
    ] + [  # keep existing rows, add the new ones
        TableSeat(partner_code=code) for code in sorted(wanted - before)
    ]
    db.session.flush()
    _record(by, AuditAction.update, meeting, reason=Change.item_changed, case=item.case)
    if meeting.is_published:
        now = utcnow()
        for code in sorted(wanted - before):
            _grant(by, item, code, InvolvementReason.at_table, now)
        _withdraw(by, item, before - wanted)
        _notify(by, item, sorted(wanted - before), ChangeKind.seated)
        _notify(by, item, sorted(before - wanted), ChangeKind.unseated)


def move_item(by: User, item: AgendaItem, up: bool) -> None:
    """Swap an item with the one above (``up``) or below it (draft agendas only)."""
    _draft(item.meeting)
    items = item.meeting.items
    index = items.index(item)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, item.position
        db.session.flush()
        _record(by, AuditAction.update, item.meeting, reason=Change.item_moved, case=item.case)


def remove_item(by: User, item: AgendaItem) -> None:
    """Take an item off the agenda. After publication the need-to-know it gave ends now
    (the table's and the chair's), and the partners at its table see the change."""
    meeting = item.meeting
    _changeable(meeting)
    case, position, seated = item.case, item.position, list(item.partner_codes)
    if meeting.is_published:
        _withdraw(
            by, item, set(seated), reasons=(InvolvementReason.at_table, InvolvementReason.chairing)
        )
        _notify(by, item, seated, ChangeKind.item_removed)
    meeting.items.remove(item)
    for number, remaining in enumerate(sorted(meeting.items, key=lambda i: i.position), 1):
        remaining.position = number
    if meeting.current_position is not None:
        current = meeting.current_position - (1 if position < meeting.current_position else 0)
        meeting.current_position = max(1, min(current, len(meeting.items)))
    db.session.flush()
    _record(by, AuditAction.update, meeting, reason=Change.item_removed, case=case)


def _withdraw(
    by: User,
    item: AgendaItem,
    partner_codes: set[str],
    *,
    reasons: tuple[InvolvementReason, ...] = (InvolvementReason.at_table,),
) -> None:
    """End, now, the need-to-know this item gave (logged per involvement)."""
    source = f"agenda-item:{item.id}"
    now = utcnow()
    chair_code = by.organisation.code if InvolvementReason.chairing in reasons else None
    for involvement in item.case.involvements:
        if (
            involvement.source == source
            and involvement.reason in reasons
            and (
                involvement.partner_code in partner_codes or involvement.partner_code == chair_code
            )
            and involvement.active_at(now)
        ):
            case_operations.end_involvement(involvement, by=by)


def _notify(by: User, item: AgendaItem, partner_codes: Iterable[str], kind: ChangeKind) -> None:
    """What changed, for each partner organisation concerned (shown on its agenda)."""
    for code in partner_codes:
        db.session.add(
            AgendaChange(
                meeting_id=item.meeting_id,
                partner_code=code,
                kind=kind,
                position=item.position,
                changed_by_user_id=by.id,
            )
        )
    db.session.flush()


def agenda_changes(meeting: Meeting, partner_code: str | None) -> list[AgendaChange]:
    """The changes after publication: one organisation's (a partner), or all (the chair)."""
    query = select(AgendaChange).where(AgendaChange.meeting_id == meeting.id)
    if partner_code is not None:
        query = query.where(AgendaChange.partner_code == partner_code)
    return list(db.session.scalars(query.order_by(AgendaChange.id)))


def publish(by: User, meeting: Meeting) -> None:
    """Publish the agenda: every partner at the table gets need-to-know for its case, from
    now until the convenant's number of days after the meeting; so does the chair's
    organisation, for every case on the agenda, as the one who runs the meeting (its own
    reason, ``chairing``, logged like every involvement)."""
    _draft(meeting)
    if not meeting.items:
        raise MeetingError(_l("Een lege agenda kan niet worden gepubliceerd."))
    now = utcnow()
    for item in meeting.items:
        _grant_item(by, item, now)
    meeting.status, meeting.published_at = MeetingStatus.published, now
    _record(by, AuditAction.update, meeting, reason=Change.published)


def _access_until(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(days=meeting.convenant.access_days_after_meeting)


def _grant_item(by: User, item: AgendaItem, now: datetime) -> None:
    """Need-to-know for an item's case: the partners at its table, and the chair's
    organisation (when it is a party to the convenant) for chairing the meeting."""
    for code in item.partner_codes:
        _grant(by, item, code, InvolvementReason.at_table, now)
    chair_code = by.organisation.code
    if by.role is Role.chair and item.meeting.convenant.has_partner(chair_code):
        _grant(by, item, chair_code, InvolvementReason.chairing, now)


def _grant(
    by: User, item: AgendaItem, partner_code: str, reason: InvolvementReason, now: datetime
) -> None:
    case_operations.add_involvement(
        item.case,
        partner_code,
        reason,
        by=by,
        valid_from=now,
        valid_until=_access_until(item.meeting),
        source=f"agenda-item:{item.id}",
    )


def is_seated(user: User, item: AgendaItem) -> bool:
    return user.role is Role.partner and user.organisation.code in item.partner_codes


def preparation_open(meeting: Meeting) -> bool:
    deadline = meeting.preparation_deadline or meeting.starts_at
    return meeting.status is MeetingStatus.published and utcnow() < deadline


def add_preparation(
    user: User, item: AgendaItem, category: str, text: str, *, extra_terms: Iterable[str] = ()
) -> Contribution:
    """A partner at the table adds a contribution before the preparation deadline.

    Pseudonymised like every contribution (``contribute``: known names, detectors; the sealed
    original kept for identity readers); the convenant check and its audit event are its too.
    PseudonymiserUnavailable: nothing is stored.
    """
    if not is_seated(user, item):
        raise MeetingError(_l("Uw organisatie zit niet aan tafel voor dit punt."))
    if not preparation_open(item.meeting):
        raise MeetingError(_l("De termijn voor inbreng is verstreken."))
    return case_operations.contribute(
        user, item.case, category, text, convenant=item.meeting.convenant, extra_terms=extra_terms
    )


def pledge_open(meeting: Meeting) -> bool:
    """Attendees confirm the pledge on the meeting's day, or while it is in session."""
    if meeting.status is MeetingStatus.in_session:
        return True
    return meeting.status is MeetingStatus.published and meeting_day(meeting) == today()


def seated_partners(meeting: Meeting) -> set[str]:
    """The organisations at the table for at least one item of the meeting (one query)."""
    return set(
        db.session.scalars(
            select(TableSeat.partner_code)
            .join(AgendaItem, AgendaItem.id == TableSeat.agenda_item_id)
            .where(AgendaItem.meeting_id == meeting.id)
        )
    )


def may_pledge(user: User, meeting: Meeting) -> bool:
    """Who pledges and follows meeting mode: the chair who runs it, and partners whose
    organisation sits at the table for an item of it. Nobody else."""
    if user.role is Role.chair:
        return True
    return user.role is Role.partner and user.organisation.code in seated_partners(meeting)


def has_pledged(user: User, meeting: Meeting) -> bool:
    return (
        db.session.scalar(
            select(ConfidentialityPledge.id).where(
                ConfidentialityPledge.meeting_id == meeting.id,
                ConfidentialityPledge.user_id == user.id,
            )
        )
        is not None
    )


def confirm_pledge(user: User, meeting: Meeting) -> None:
    """The user confirms the confidentiality pledge (logged); their organisation is recorded
    present if it sits at a table of the meeting (attendance follows the table)."""
    if not may_pledge(user, meeting):
        raise MeetingError(NOT_AT_A_TABLE)
    if not pledge_open(meeting):
        raise MeetingError(_l("De geheimhoudingsverklaring kan alleen op de vergaderdag."))
    if has_pledged(user, meeting):
        return
    db.session.add(ConfidentialityPledge(meeting_id=meeting.id, user_id=user.id))
    code = user.organisation.code
    if code in seated_partners(meeting) and _attendance(meeting, code) is None:
        db.session.add(
            Attendance(
                meeting_id=meeting.id,
                partner_code=code,
                status=AttendanceStatus.present,
                recorded_by_user_id=user.id,
            )
        )
    db.session.flush()
    record(
        AuditAction.create,
        actor=Actor.of(user),
        object_type=ObjectType.pledge,
        object_id=f"meeting-{meeting.id}",
        purpose=Purpose.case_conference,
    )


def record_attendance(
    by: User, meeting: Meeting, partner_code: str, status: AttendanceStatus
) -> None:
    """The chair records an organisation at a table of the meeting as present, with
    apologies, or absent."""
    if meeting.status is MeetingStatus.draft:
        raise MeetingError(_l("De agenda is nog niet gepubliceerd."))
    if not meeting.convenant.has_partner(partner_code):
        raise MeetingError(_l("Onbekende ketenpartner."))
    if partner_code not in seated_partners(meeting):
        raise MeetingError(_l("Deze organisatie zit bij geen punt van deze vergadering aan tafel."))
    attendance = _attendance(meeting, partner_code)
    if attendance is None:
        attendance = Attendance(meeting_id=meeting.id, partner_code=partner_code)
        db.session.add(attendance)
    attendance.status = AttendanceStatus(status)
    attendance.recorded_by_user_id, attendance.recorded_at = by.id, utcnow()
    db.session.flush()
    _record(by, AuditAction.update, meeting, reason=_ATTENDANCE[attendance.status])


def attendances(meeting: Meeting) -> dict[str, AttendanceStatus]:
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {row.partner_code: row.status for row in rows}


def _attendance(meeting: Meeting, partner_code: str) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.partner_code == partner_code
        )
    )


def step(by: User, meeting: Meeting, action: Step, *, confirmed: bool = False) -> None:
    """Meeting mode: start, next item, previous item, end, reopen. Every screen follows.

    Ending asks ``confirmed`` (the chair was told what closing does); a closed meeting is
    reopened only on the day it was closed, where it stopped.
    """
    action = Step(action)
    last = len(meeting.items)
    if action is Step.start:
        if meeting.status is not MeetingStatus.published or not last:
            raise MeetingError(_l("Deze vergadering kan niet starten."))
        meeting.status, meeting.current_position = MeetingStatus.in_session, 1
    elif action is Step.reopen:
        if not may_reopen(meeting):
            raise MeetingError(_l("Een afgesloten vergadering kan alleen dezelfde dag heropend."))
        meeting.status, meeting.closed_at = MeetingStatus.in_session, None
    elif meeting.status is not MeetingStatus.in_session:
        raise MeetingError(_l("De vergadering is niet bezig."))
    elif action is Step.end:
        if not confirmed:
            raise MeetingError(_l("Bevestig dat u de vergadering wilt afsluiten."))
        from zorgtafel.minutes.operations import closing_blockers

        blockers = closing_blockers(meeting)
        if blockers:
            raise MeetingError(blockers[0])
        meeting.status, meeting.closed_at = MeetingStatus.closed, utcnow()
    else:
        current = meeting.current_position or 1
        meeting.current_position = (
            min(last, current + 1) if action is Step.next else max(1, current - 1)
        )
    db.session.flush()
    _record(by, AuditAction.update, meeting, reason=_STEPS[action])


def may_reopen(meeting: Meeting) -> bool:
    """A closed meeting may be reopened on the (Dutch) day it was closed."""
    if meeting.status is not MeetingStatus.closed or meeting.closed_at is None:
        return False
    return meeting.closed_at.astimezone(AMSTERDAM).date() == today()


def current_item(meeting: Meeting) -> AgendaItem | None:
    if meeting.status is not MeetingStatus.in_session or meeting.current_position is None:
        return None
    return db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.position == meeting.current_position
        )
    )


def record_export(by: User, meeting: Meeting) -> None:
    """The agenda left the system as a file (besides the per-case events of the gate)."""
    record(
        AuditAction.export,
        actor=Actor.of(by),
        object_type=ObjectType.meeting,
        object_id=f"meeting-{meeting.id}",
        convenant=meeting.convenant,
        purpose=Purpose.case_conference,
        reason=Change.agenda_pdf,
    )


def _draft(meeting: Meeting) -> None:
    if meeting.status is not MeetingStatus.draft:
        raise MeetingError(_l("De agenda is gepubliceerd en ligt vast."))


def _changeable(meeting: Meeting) -> None:
    """Items and seats change until the meeting is closed (late changes after publication)."""
    if meeting.status is MeetingStatus.closed:
        raise MeetingError(_l("De vergadering is afgesloten; de agenda ligt vast."))


def _record(
    by: User,
    action: AuditAction,
    meeting: Meeting,
    *,
    reason: Change | None = None,
    case: Case | None = None,
) -> None:
    record(
        action,
        actor=Actor.of(by),
        object_type=ObjectType.meeting,
        # the case pseudonym when an item changes, so the FG can follow a case across agendas
        object_id=f"meeting-{meeting.id}" + (f"/{case.code}" if case else ""),
        purpose=Purpose.case_conference,
        reason=reason,
    )
