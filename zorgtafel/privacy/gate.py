"""The disclosure gate (verstrekking): the one way to read case data.

Every function here asks the policy for a decision, writes the audit event for it in the
caller's transaction (allowed or refused), and only then decrypts what was allowed. If the event
cannot be written, the read fails with it. A refusal raises :class:`DisclosureRefused`, a 404,
after marking the request so the pipeline keeps the refusal event although it answers an error.
Nothing outside this module enters :func:`zorgtafel.privacy.vault.gate_context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import has_app_context
from sqlalchemy import or_, select
from werkzeug.exceptions import NotFound

from zorgtafel.audit.models import AuditAction, Outcome
from zorgtafel.audit.operations import Actor, event, record, record_all
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution, Involvement, InvolvementReason, Stage
from zorgtafel.convenant.model import Convenant
from zorgtafel.core.db import db, utcnow
from zorgtafel.core.pipeline import keep_on_error
from zorgtafel.privacy import vault
from zorgtafel.privacy.convenants import current_convenant
from zorgtafel.privacy.policy import (
    OVERSIGHT_ROLES,
    CategoryDecision,
    Level,
    LevelDecision,
    Purpose,
    decide_categories,
    decide_level,
)
from zorgtafel.privacy.sealed import DisclosedText


class DisclosureRefused(NotFound):
    """The policy refused; the refusal is in the audit log. Answered as 'not found'."""


@dataclass(frozen=True)
class InvolvementView:
    partner_code: str
    reason: InvolvementReason
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True)
class ContributionView:
    id: int
    partner_code: str
    created_at: datetime
    #: content level only, and only for categories the organisation may receive
    category_code: str | None = None
    text: DisclosedText | None = None


@dataclass(frozen=True)
class CaseView:
    """What one user may see of one case at one level; nothing more was read or decrypted."""

    code: str
    stage: Stage
    level: Level
    created_at: datetime | None = None
    updated_at: datetime | None = None
    coordinator_code: str | None = None
    involvements: tuple[InvolvementView, ...] = ()
    contributions: tuple[ContributionView, ...] = ()
    #: the case's data key was destroyed: its content is gone for good
    shredded: bool = False


def disclose_case(
    user: User,
    case: Case,
    level: Level,
    purpose: Purpose,
    *,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> CaseView:
    """Show ``case`` to ``user`` at ``level`` for ``purpose``, logged; DisclosureRefused if not."""
    level, purpose = Level(level), Purpose(purpose)
    convenant = convenant or current_convenant()
    decision = decide_level(user, case, level, at or utcnow(), convenant)
    if not decision.allowed:
        _refuse(user, case, decision, purpose, convenant)
    if level is Level.exists:
        _record_level(user, case, decision, purpose, convenant)
        return CaseView(case.code, case.stage, level)
    view = _process_view(case, level)
    if level is Level.process:
        _record_level(user, case, decision, purpose, convenant)
        return view
    return _content_view(user, case, view, decision, purpose, convenant)


def visible_cases(
    user: User,
    purpose: Purpose,
    *,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> list[CaseView]:
    """The cases ``user`` may know exist (code and stage), each listing logged as a search."""
    convenant = convenant or current_convenant()
    at = at or utcnow()
    views = []
    for case in db.session.scalars(_visible_query(user, at)):
        decision = decide_level(user, case, Level.exists, at, convenant)
        if decision.allowed:
            _record(
                user, AuditAction.search, case, Level.exists, purpose, convenant,
                reason=decision.reason,
            )  # fmt: skip
            views.append(CaseView(case.code, case.stage, Level.exists))
    return views


def _visible_query(user: User, at: datetime):  # type: ignore[no-untyped-def]
    query = select(Case).order_by(Case.code)
    if user.role in OVERSIGHT_ROLES:
        return query
    if user.role is not Role.partner:
        return query.where(Case.id.is_(None))
    return query.where(
        Case.id.in_(
            select(Involvement.case_id).where(
                Involvement.partner_code == user.organisation.code,
                Involvement.valid_from <= at,
                or_(Involvement.valid_until.is_(None), Involvement.valid_until > at),
            )
        )
    )


def _process_view(case: Case, level: Level) -> CaseView:
    return CaseView(
        code=case.code,
        stage=case.stage,
        level=level,
        created_at=case.created_at,
        updated_at=case.updated_at,
        coordinator_code=case.coordinator_code,
        involvements=tuple(
            InvolvementView(i.partner_code, i.reason, i.valid_from, i.valid_until)
            for i in case.involvements
        ),
        contributions=tuple(
            ContributionView(c.id, c.partner_code, c.created_at) for c in case.contributions
        ),
    )


def _content_view(
    user: User,
    case: Case,
    view: CaseView,
    decision: LevelDecision,
    purpose: Purpose,
    convenant: Convenant,
) -> CaseView:
    categories = decide_categories(user, convenant, (c.category_code for c in case.contributions))
    if not categories:
        _record_level(user, case, decision, purpose, convenant)
    # every decision is logged (in one append) before anything is decrypted
    record_all([_category_event(user, case, c, decision, purpose, convenant) for c in categories])
    allowed = {c.category for c in categories if c.allowed}
    contributions, shredded = _open_contributions(case, allowed, purpose)
    return CaseView(**{**view.__dict__, "contributions": contributions, "shredded": shredded})


def _open_contributions(
    case: Case, allowed: set[str], purpose: Purpose
) -> tuple[tuple[ContributionView, ...], bool]:
    wanted = [c for c in case.contributions if c.category_code in allowed]
    case_key = vault.case_key_for(db.session, case.id)
    if case_key is None or case_key.destroyed:
        shredded = [
            ContributionView(c.id, c.partner_code, c.created_at, c.category_code) for c in wanted
        ]
        return tuple(shredded), True
    key = vault.data_key(case_key)
    with vault.gate_context(purpose.value):
        return tuple(_open(key, contribution) for contribution in wanted), False


def _open(key: vault.DataKey, contribution: Contribution) -> ContributionView:
    text = None
    if contribution.text is not None:
        plain = vault.open_sealed(
            key, contribution.text, table="contributions", row_id=contribution.id, column="text"
        )
        text = DisclosedText(plain)
    return ContributionView(
        contribution.id,
        contribution.partner_code,
        contribution.created_at,
        contribution.category_code,
        text,
    )


def _refuse(
    user: User, case: Case, decision: LevelDecision, purpose: Purpose, convenant: Convenant
) -> None:
    _record(
        user, AuditAction.read, case, decision.level, purpose, convenant,
        outcome=Outcome.refused, reason=decision.reason,
    )  # fmt: skip
    if has_app_context():
        keep_on_error()
    raise DisclosureRefused()


def _record_level(
    user: User, case: Case, decision: LevelDecision, purpose: Purpose, convenant: Convenant
) -> None:
    _record(
        user, AuditAction.read, case, decision.level, purpose, convenant, reason=decision.reason
    )


def _category_event(
    user: User,
    case: Case,
    category: CategoryDecision,
    decision: LevelDecision,
    purpose: Purpose,
    convenant: Convenant,
) -> dict[str, object]:
    return event(
        AuditAction.read,
        outcome=Outcome.allowed if category.allowed else Outcome.refused,
        actor=Actor.of(user),
        object_type="case",
        object_id=case.code,
        level=Level.content.value,
        categories=(category.category,),
        convenant=convenant,
        article=category.article,
        purpose=purpose.value,
        reason=decision.reason if category.allowed else _code(category.reason),
    )


def _record(
    user: User,
    action: AuditAction,
    case: Case,
    level: Level,
    purpose: Purpose,
    convenant: Convenant,
    *,
    outcome: Outcome = Outcome.allowed,
    categories: tuple[str, ...] = (),
    article: str | None = None,
    reason: str | None = None,
) -> None:
    record(
        action,
        outcome=outcome,
        actor=Actor.of(user),
        object_type="case",
        object_id=case.code,
        level=level.value,
        categories=categories,
        convenant=convenant,
        article=article,
        purpose=purpose.value,
        reason=reason,
    )


def _code(reason: str) -> str:
    return reason.replace("-", "_")
