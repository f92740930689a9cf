"""Writes to meetings: create, build the agenda, publish, pledge, attendance, meeting mode.

Each operation writes its audit event in the caller's transaction. Reading agenda lines and
cases goes through ``zorgtafel.privacy.gate``, never through here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

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
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ConfidentialityPledge,
    ItemKind,
    Meeting,
    MeetingStatus,
    TableSeat,
)

#: default: contributions are due two days before the meeting
PREPARATION_DAYS = 2


class MeetingError(ValueError):
    """A request the meeting's state does not allow; the message is shown to the user."""


class Step(enum.StrEnum):
    """What the chair does in meeting mode."""

    start = "start"
    next = "next"
    previous = "previous"
    end = "end"


_STEPS = {
    Step.start: Change.step_start,
    Step.next: Change.step_next,
    Step.previous: Change.step_previous,
    Step.end: Change.step_end,
}
_ATTENDANCE = {
    AttendanceStatus.present: Change.attendance_present,
    AttendanceStatus.apologies: Change.attendance_apologies,
    AttendanceStatus.absent: Change.attendance_absent,
}


def meeting_day(meeting: Meeting):  # type: ignore[no-untyped-def]
    return meeting.starts_at.astimezone(AMSTERDAM).date()


def create_meeting(
    by: User, starts_at: datetime, location: str, preparation_deadline: datetime | None = None
) -> Meeting:
    """A draft meeting bound to the convenant version in force on its day."""
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
    """Put ``case`` on a draft agenda, last; its involved partners sit at the table."""
    _draft(meeting)
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
    return item


def _default_kind(case: Case) -> ItemKind:
    discussed = db.session.scalar(select(func.count()).where(AgendaItem.case_id == case.id))
    return ItemKind.new if not discussed else ItemKind.progress


def update_item(
    by: User, item: AgendaItem, *, minutes: int, kind: ItemKind, partner_codes: Iterable[str]
) -> None:
    """Set an item's time, kind and the partners at the table (draft agendas only)."""
    _draft(item.meeting)
    convenant = item.meeting.convenant
    wanted = set(partner_codes)
    unknown = [code for code in wanted if not convenant.has_partner(code)]
    if unknown:
        raise MeetingError(_l("Onbekende ketenpartner."))
    item.minutes, item.kind = minutes, ItemKind(kind)
    item.seats = [
        seat for seat in item.seats if seat.partner_code in wanted
    ] + [  # keep existing rows, add the new ones
        TableSeat(partner_code=code) for code in sorted(wanted - set(item.partner_codes))
    ]
    db.session.flush()
    _record(by, AuditAction.update, item.meeting, reason=Change.item_changed, case=item.case)


def move_item(by: User, item: AgendaItem, up: bool) -> None:
    """Swap an item with the one above (``up``) or below it."""
    _draft(item.meeting)
    items = item.meeting.items
    index = items.index(item)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, item.position
        db.session.flush()
        _record(by, AuditAction.update, item.meeting, reason=Change.item_moved, case=item.case)


def remove_item(by: User, item: AgendaItem) -> None:
    meeting = item.meeting
    _draft(meeting)
    case = item.case
    meeting.items.remove(item)
    for position, remaining in enumerate(sorted(meeting.items, key=lambda i: i.position), 1):
        remaining.position = position
    db.session.flush()
    _record(by, AuditAction.update, meeting, reason=Change.item_removed, case=case)


def publish(by: User, meeting: Meeting) -> None:
    """Publish the agenda: every partner at the table gets need-to-know for its case, from
    now until the convenant's number of days after the meeting."""
    _draft(meeting)
    if not meeting.items:
        raise MeetingError(_l("Een lege agenda kan niet worden gepubliceerd."))
    now = utcnow()
    until = meeting.starts_at + timedelta(days=meeting.convenant.access_days_after_meeting)
    for item in meeting.items:
        for code in item.partner_codes:
            case_operations.add_involvement(
                item.case,
                code,
                InvolvementReason.at_table,
                by=by,
                valid_from=now,
                valid_until=until,
                source=f"agenda-item:{item.id}",
            )
    meeting.status, meeting.published_at = MeetingStatus.published, now
    _record(by, AuditAction.update, meeting, reason=Change.published)


def is_seated(user: User, item: AgendaItem) -> bool:
    return user.role is Role.partner and user.organisation.code in item.partner_codes


def preparation_open(meeting: Meeting) -> bool:
    deadline = meeting.preparation_deadline or meeting.starts_at
    return meeting.status is MeetingStatus.published and utcnow() < deadline


def add_preparation(user: User, item: AgendaItem, category: str, text: str) -> Contribution:
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
        user, item.case, category, text, convenant=item.meeting.convenant
    )


def pledge_open(meeting: Meeting) -> bool:
    """Attendees confirm the pledge on the meeting's day, or while it is in session."""
    if meeting.status is MeetingStatus.in_session:
        return True
    return meeting.status is MeetingStatus.published and meeting_day(meeting) == today()


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
    """The user confirms the confidentiality pledge (logged); their organisation is present."""
    if not pledge_open(meeting):
        raise MeetingError(_l("De geheimhoudingsverklaring kan alleen op de vergaderdag."))
    if has_pledged(user, meeting):
        return
    db.session.add(ConfidentialityPledge(meeting_id=meeting.id, user_id=user.id))
    if _attendance(meeting, user.organisation.code) is None:
        db.session.add(
            Attendance(
                meeting_id=meeting.id,
                partner_code=user.organisation.code,
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
    """The chair records an organisation as present, with apologies, or absent."""
    if meeting.status is MeetingStatus.draft:
        raise MeetingError(_l("De agenda is nog niet gepubliceerd."))
    if not meeting.convenant.has_partner(partner_code):
        raise MeetingError(_l("Onbekende ketenpartner."))
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


def step(by: User, meeting: Meeting, action: Step) -> None:
    """Meeting mode: start, next item, previous item, end. Every screen follows."""
    action = Step(action)
    last = len(meeting.items)
    if action is Step.start:
        if meeting.status is not MeetingStatus.published or not last:
            raise MeetingError(_l("Deze vergadering kan niet starten."))
        meeting.status, meeting.current_position = MeetingStatus.in_session, 1
    elif meeting.status is not MeetingStatus.in_session:
        raise MeetingError(_l("De vergadering is niet bezig."))
    elif action is Step.end:
        from zorgtafel.minutes.operations import closing_blockers

        blockers = closing_blockers(meeting)
        if blockers:
            raise MeetingError(blockers[0])
        meeting.status, meeting.current_position = MeetingStatus.closed, None
    else:
        current = meeting.current_position or 1
        meeting.current_position = (
            min(last, current + 1) if action is Step.next else max(1, current - 1)
        )
    db.session.flush()
    _record(by, AuditAction.update, meeting, reason=_STEPS[action])


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
