"""Writes to cases: create a case (with its data key), record involvement, add a contribution.

Each operation writes its audit event in the same transaction. Reading goes through
``zorgtafel.privacy.gate``, never through here.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import has_app_context
from sqlalchemy import select

from zorgtafel.audit.models import AuditAction, Outcome
from zorgtafel.audit.operations import Actor, record
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case, Contribution, Involvement, InvolvementReason, Stage
from zorgtafel.convenant.model import Convenant
from zorgtafel.core.db import db, utcnow
from zorgtafel.core.pipeline import keep_on_error
from zorgtafel.privacy import vault
from zorgtafel.privacy.policy import Purpose, active_involvement, decide_contribution


class ContributionRefused(PermissionError):
    """The convenant does not let this organisation provide this category (logged)."""


def new_case_code(year: int | None = None) -> str:
    """A free, meaningless code ``ZT-<year>-<4+ random digits>``: no order, no count."""
    year = year or utcnow().year
    for digits in (4, 4, 4, 5, 5, 6, 6, 8):
        code = f"ZT-{year}-{secrets.randbelow(10**digits):0{digits}d}"
        if db.session.scalar(select(Case.id).where(Case.code == code)) is None:
            return code
    raise RuntimeError("no free case code")  # 10**8 codes a year: practically unreachable


def create_case(
    by: User | None, *, stage: Stage = Stage.signaal, coordinator_code: str | None = None
) -> Case:
    """A new case with its own data key; the coordinator (if any) gets involvement."""
    case = Case(code=new_case_code(), stage=stage, coordinator_code=coordinator_code)
    db.session.add(case)
    db.session.flush()
    vault.create_case_key(db.session, case.id)
    if coordinator_code:
        add_involvement(case, coordinator_code, InvolvementReason.coordinator, by=by)
    record(
        AuditAction.create,
        actor=Actor.of(by) if by else None,
        object_type="case",
        object_id=case.code,
        purpose=Purpose.case_work.value,
    )
    return case


def add_involvement(
    case: Case,
    partner_code: str,
    reason: InvolvementReason,
    *,
    by: User | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    source: str | None = None,
) -> Involvement:
    """Give ``partner_code`` need-to-know for ``case`` for a period, for a reason (logged)."""
    involvement = Involvement(
        partner_code=partner_code,
        reason=InvolvementReason(reason),
        valid_from=valid_from or utcnow(),
        valid_until=valid_until,
        source=source,
        created_by_user_id=by.id if by else None,
    )
    case.involvements.append(involvement)
    db.session.flush()
    record(
        AuditAction.create,
        actor=Actor.of(by) if by else None,
        object_type="involvement",
        object_id=f"{case.code}/{partner_code}",
        reason=involvement.reason.value,
        purpose=Purpose.case_work.value,
    )
    return involvement


def end_involvement(involvement: Involvement, *, by: User | None = None) -> None:
    """Stop an involvement now (logged)."""
    now = utcnow()
    if involvement.valid_until is None or involvement.valid_until > now:
        involvement.valid_until = now
    record(
        AuditAction.update,
        actor=Actor.of(by) if by else None,
        object_type="involvement",
        object_id=f"{involvement.case.code}/{involvement.partner_code}",
        reason="ended",
        purpose=Purpose.case_work.value,
    )


def add_contribution(
    user: User, case: Case, category_code: str, text: str, *, convenant: Convenant
) -> Contribution:
    """The user's organisation adds information in one category, sealed with the case's key.

    Refused (and logged) when the convenant does not let the organisation provide the category.
    The organisation becomes a contributor to the case if it had no other involvement.
    """
    decision = decide_contribution(user, convenant, category_code)
    event = {
        "actor": Actor.of(user),
        "object_type": "case",
        "object_id": case.code,
        "level": "content",
        "categories": (category_code,),
        "convenant": convenant,
        "article": decision.article,
        "purpose": Purpose.case_conference.value,
    }
    if not decision.allowed:
        record(AuditAction.create, outcome=Outcome.refused, reason=_code(decision.reason), **event)
        if has_app_context():
            keep_on_error()
        raise ContributionRefused(category_code)
    org = user.organisation.code
    contribution = Contribution(
        partner_code=org, category_code=category_code, created_by_user_id=user.id
    )
    case.contributions.append(contribution)
    db.session.flush()
    case_key = vault.case_key_for(db.session, case.id)
    if case_key is None:
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    key = vault.data_key(case_key)
    contribution.text = vault.seal(
        key, text, table="contributions", row_id=contribution.id, column="text"
    )
    if active_involvement(case, org, utcnow()) is None:
        add_involvement(case, org, InvolvementReason.contributor, by=user)
    record(AuditAction.create, **event)
    db.session.flush()
    return contribution


def _code(reason: str) -> str:
    return reason.replace("-", "_")
