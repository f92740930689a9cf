"""Retention's writes, each with its audit event: propose, approve (and so erase), holds,
and a partner's confirmation that it erased its own copies."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.retention.due import DueEntry, find_due
from zorgtafel.retention.erasure import erase
from zorgtafel.retention.models import (
    HOLD_CHANGE,
    ErasureNotice,
    ErasureProposal,
    ErasureRecord,
    Hold,
    HoldKind,
    ProposalStatus,
    Scope,
)

#: after this long the privacy officer sees a notice as not confirmed
CONFIRM_WITHIN = timedelta(days=14)


class RetentionError(Exception):
    """A retention step that may not be taken now; the message says why, in one line (in the
    request's language; in Dutch outside a request, e.g. on the command line)."""

    def __str__(self) -> str:
        message = self.args[0]
        if has_request_context():
            return str(message)
        return str(getattr(message, "_args", (message,))[0])


def _due_entry(case: Case, scope: Scope, agenda_item_id: int | None, at: datetime) -> DueEntry:
    for entry in find_due(at, case.id):
        same = entry.case.id == case.id and entry.scope is scope
        if same and (scope is Scope.case or entry.agenda_item_id == agenda_item_id):
            return entry
    raise RetentionError(_l("niet over de bewaartermijn (of al verwijderd)"))


def propose(
    chair: User, case: Case, scope: Scope, agenda_item_id: int | None = None
) -> ErasureProposal:
    """The chair proposes to erase what is past its term (not while a hold is in force)."""
    if chair.role is not Role.chair:
        raise RetentionError(_l("alleen de voorzitter stelt een verwijdering voor"))
    begin_write(db.session)
    entry = _due_entry(case, scope, agenda_item_id, utcnow())
    if entry.held:
        raise RetentionError(_l("er geldt een bewaarplicht"))
    if entry.proposal is not None:
        raise RetentionError(_l("er ligt al een voorstel"))
    proposal = ErasureProposal(
        scope=scope,
        case_id=case.id,
        agenda_item_id=agenda_item_id if scope is Scope.minutes else None,
        proposed_by_user_id=chair.id,
        proposed_at=utcnow(),
    )
    db.session.add(proposal)
    db.session.flush()
    record(
        AuditAction.erasure_proposed,
        object_type=ObjectType.erasure,
        object_id=proposal.code,
        purpose=Purpose.retention,
    )
    return proposal


def approve(officer: User, proposal: ErasureProposal) -> ErasureRecord:
    """The privacy officer, a second person, approves: the erasure is carried out at once."""
    if officer.role is not Role.privacy:
        raise RetentionError(_l("alleen de functionaris gegevensbescherming keurt goed"))
    if officer.id == proposal.proposed_by_user_id:
        raise RetentionError(_l("goedkeuren doet een ander dan wie voorstelde"))
    begin_write(db.session)
    if proposal.status is not ProposalStatus.proposed:
        raise RetentionError(_l("dit voorstel is al afgehandeld"))
    case = db.session.get(Case, proposal.case_id)
    assert case is not None  # noqa: S101 - a foreign key
    now = utcnow()
    entry = _due_entry(case, proposal.scope, proposal.agenda_item_id, now)
    if entry.held:
        raise RetentionError(_l("er geldt een bewaarplicht"))
    proposal.status = ProposalStatus.erased
    proposal.approved_by_user_id = officer.id
    proposal.approved_at = now
    record(
        AuditAction.erasure_approved,
        object_type=ObjectType.erasure,
        object_id=proposal.code,
        purpose=Purpose.retention,
    )
    return erase(proposal, case, entry.term, officer)


def withdraw(user: User, proposal: ErasureProposal) -> None:
    """The chair withdraws a proposal, or the privacy officer declines it."""
    begin_write(db.session)
    if proposal.status is not ProposalStatus.proposed:
        raise RetentionError(_l("dit voorstel is al afgehandeld"))
    proposal.status = ProposalStatus.withdrawn
    record(
        AuditAction.update,
        object_type=ObjectType.erasure,
        object_id=proposal.code,
        purpose=Purpose.retention,
    )


def set_hold(user: User, case: Case, kind: HoldKind, reason: str, ends_at: datetime) -> Hold:
    """A typed hold on the case until ``ends_at``."""
    now = utcnow()
    if ends_at <= now:
        raise RetentionError(_l("de einddatum ligt in het verleden"))
    begin_write(db.session)
    hold = Hold(
        case_id=case.id, kind=kind, reason=reason.strip() or None, set_by_user_id=user.id,
        set_at=now, ends_at=ends_at,
    )  # fmt: skip
    db.session.add(hold)
    db.session.flush()
    record(
        AuditAction.hold_set,
        object_type=ObjectType.hold,
        object_id=hold.code,
        purpose=Purpose.retention,
        reason=HOLD_CHANGE[kind],
    )
    record(
        AuditAction.hold_set,
        object_type=ObjectType.case,
        object_id=case.code,
        purpose=Purpose.retention,
        reason=HOLD_CHANGE[kind],
    )
    return hold


def lift_hold(user: User, hold: Hold) -> None:
    """End a hold now: the case is back on the due list if it is past its term."""
    now = utcnow()
    if hold.ends_at <= now:
        raise RetentionError(_l("deze bewaarplicht is al afgelopen"))
    begin_write(db.session)
    hold.ends_at = now
    hold.lifted_by_user_id = user.id
    record(
        AuditAction.hold_lifted,
        object_type=ObjectType.hold,
        object_id=hold.code,
        purpose=Purpose.retention,
        reason=HOLD_CHANGE[hold.kind],
    )


def notices_for(user: User) -> list[tuple[ErasureNotice, ErasureRecord]]:
    """The notices to the user's organisation, unconfirmed first."""
    rows = db.session.execute(
        select(ErasureNotice, ErasureRecord)
        .join(ErasureRecord, ErasureRecord.id == ErasureNotice.erasure_id)
        .where(ErasureNotice.partner_code == user.organisation.code)
        .order_by(ErasureNotice.confirmed_at.is_not(None), ErasureNotice.sent_at.desc())
    )
    return [(notice, erasure) for notice, erasure in rows]


def confirm_notice(user: User, notice: ErasureNotice) -> None:
    """A user of the receiving organisation confirms it erased its own copies."""
    if notice.partner_code != user.organisation.code:
        raise RetentionError(_l("dit bericht is niet voor uw organisatie"))
    if notice.confirmed_at is not None:
        raise RetentionError(_l("al bevestigd"))
    begin_write(db.session)
    notice.confirmed_at = utcnow()
    notice.confirmed_by_user_id = user.id
    record(
        AuditAction.notice_confirmed,
        object_type=ObjectType.erasure_notice,
        object_id=notice.code,
        purpose=Purpose.retention,
    )


def overdue_notices(at: datetime | None = None) -> list[tuple[ErasureNotice, ErasureRecord]]:
    """Notices not confirmed within 14 days (for the privacy officer)."""
    limit = (at or utcnow()) - CONFIRM_WITHIN
    rows = db.session.execute(
        select(ErasureNotice, ErasureRecord)
        .join(ErasureRecord, ErasureRecord.id == ErasureNotice.erasure_id)
        .where(ErasureNotice.confirmed_at.is_(None), ErasureNotice.sent_at <= limit)
        .order_by(ErasureNotice.sent_at)
    )
    return [(notice, erasure) for notice, erasure in rows]


def erasures() -> list[ErasureRecord]:
    return list(db.session.scalars(select(ErasureRecord).order_by(ErasureRecord.id.desc())))
