"""The access request's writes: register it with the cases found, extend its deadline, record
a partner's partial refusal. Each is an audit event (codes only; no identity, no text)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.core.db import begin_write, db
from zorgtafel.oversight.access_requests import (
    AccessRefusal,
    AccessRequest,
    AccessRequestCase,
    RefusalGround,
)


def open_request(user: User, cases: Sequence[Case], received_on: date) -> AccessRequest:
    """Register a request received on ``received_on`` for the cases found; logged."""
    begin_write(db.session)
    request = AccessRequest(received_on=received_on, created_by_user_id=user.id)
    request.cases = [AccessRequestCase(case_id=case.id) for case in cases]
    db.session.add(request)
    db.session.flush()
    _record(AuditAction.create, request, None)
    return request


def extend(request: AccessRequest) -> None:
    """Extend the deadline by two months (once); logged."""
    begin_write(db.session)
    if request.extended:
        return
    request.extended = True
    _record(AuditAction.update, request, Change.access_extended)


def refuse_part(
    user: User,
    request: AccessRequest,
    case: Case,
    partner_code: str,
    category_code: str,
    ground: RefusalGround,
    explanation: str,
) -> AccessRefusal:
    """Record that ``partner_code`` withholds what it provided in ``category_code`` of the
    case, on ``ground``; a second refusal of the same part replaces the first. Logged."""
    begin_write(db.session)
    refusal = next(
        (
            r
            for r in request.refusals
            if (r.case_id, r.partner_code, r.category_code)
            == (case.id, partner_code, category_code)
        ),
        None,
    )
    if refusal is None:
        refusal = AccessRefusal(
            case_id=case.id, partner_code=partner_code, category_code=category_code
        )
        request.refusals.append(refusal)
    refusal.ground = RefusalGround(ground)
    refusal.explanation = explanation
    refusal.recorded_by_user_id = user.id
    db.session.flush()
    _record(AuditAction.update, request, Change.access_partly_refused)
    return refusal


def _record(action: AuditAction, request: AccessRequest, change: Change | None) -> None:
    record(
        action,
        object_type=ObjectType.access_request,
        object_id=str(request.id),
        purpose=Purpose.access_request,
        reason=change,
    )
