"""The gate's cases surface: the case page, a case at one level, the case lists.

Each function is one :class:`~zorgtafel.privacy.gate.kernel.Disclosure`: it decides once,
records once, then opens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution, Stage
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.rights import providable_categories
from zorgtafel.core.db import db
from zorgtafel.privacy.access_rules import IDENTITY, CategoryDecision, LevelDecision
from zorgtafel.privacy.gate.kernel import CaseRef, Disclosure
from zorgtafel.privacy.gate.views import (
    CaseLine,
    CaseView,
    ComenshaView,
    ConsentView,
    ContributionView,
    InvolvementView,
    Page,
    StageChangeView,
)
from zorgtafel.privacy.need_to_know import involved_cases

#: cases per page of a list
PAGE_SIZE = 50
#: what a search by case code may hold: the start of a code, e.g. ``ZT-2026-00``
CODE_PREFIX = re.compile(r"^[A-Z0-9-]{1,20}$")


def case_page(
    reader: User, case: Case, purpose: Purpose, convenant: Convenant, *, at: datetime | None = None
) -> CaseView:
    """The case at the highest level the reader may see it (content, else process), logged.

    A reader with no level at all gets the refusal logged and
    :class:`~zorgtafel.privacy.gate.kernel.DisclosureRefused`, exactly like a missing case.
    """
    disclosure = Disclosure(reader, purpose, convenant, at=at)
    return _disclose(disclosure, case, disclosure.highest(case, (Level.content, Level.process)))


def disclose(
    reader: User,
    case: Case,
    level: Level,
    purpose: Purpose,
    convenant: Convenant,
    *,
    at: datetime | None = None,
) -> CaseView:
    """The case at exactly ``level`` (e.g. *exists* above a contribution form), logged;
    refused (logged) when the reader may not see it so."""
    disclosure = Disclosure(reader, purpose, convenant, at=at)
    return _disclose(disclosure, case, disclosure.highest(case, (Level(level),)))


def _disclose(disclosure: Disclosure, case: Case, decision: LevelDecision) -> CaseView:
    if not decision.allowed:
        disclosure.note(case, decision)
        disclosure.refuse()
    contributable_ = contributable(disclosure.reader, disclosure.convenant)
    if decision.level is Level.exists:
        disclosure.note(case, decision)
        disclosure.record()
        return CaseView(case.code, case.stage, Level.exists, contributable=contributable_)
    view = _process_view(case, decision.level, contributable_)
    if decision.level is Level.process:
        disclosure.note(case, decision)
        disclosure.record()
        return view
    return _content_view(disclosure, case, view, decision)


def _content_view(
    disclosure: Disclosure, case: Case, view: CaseView, decision: LevelDecision
) -> CaseView:
    held = [contribution.category_code for contribution in case.contributions]
    categories = disclosure.categories(case, decision, case.consented(disclosure.at), held=held)
    disclosure.record()
    allowed = {code for code, category in categories.items() if category.allowed}
    contributions, shredded = _open_contributions(disclosure, case, allowed)
    return replace(
        view,
        contributions=contributions,
        shredded=shredded,
        receivable=tuple(code for code in categories if code in allowed),
        may_reveal=_allowed(categories.get(IDENTITY)),
    )


def _allowed(category: CategoryDecision | None) -> bool:
    return category is not None and category.allowed


def _open_contributions(
    disclosure: Disclosure, case: Case, allowed: set[str]
) -> tuple[tuple[ContributionView, ...], bool]:
    wanted = [c for c in case.contributions if c.category_code in allowed]
    if disclosure.key_destroyed(case.id):
        return tuple(_closed(c) for c in wanted), True
    return tuple(_opened(disclosure, case, c) for c in wanted), False


def _closed(contribution: Contribution) -> ContributionView:
    return ContributionView(
        contribution.id, contribution.partner_code, contribution.created_at,
        contribution.category_code,
    )  # fmt: skip


def _opened(disclosure: Disclosure, case: Case, contribution: Contribution) -> ContributionView:
    text = None
    if contribution.text is not None:
        text = disclosure.open(
            case.id, contribution.text, category=contribution.category_code,
            table="contributions", row_id=contribution.id, column="text",
        )  # fmt: skip
    return ContributionView(
        contribution.id, contribution.partner_code, contribution.created_at,
        contribution.category_code, text,
    )  # fmt: skip


def case_list(
    reader: User,
    purpose: Purpose,
    convenant: Convenant,
    *,
    stage: Stage | None = None,
    coordinator: str | None = None,
    code_prefix: str | None = None,
    after: str | None = None,
    size: int = PAGE_SIZE,
) -> Page[CaseLine]:
    """One page of the cases the reader may see at process level, in code order after
    ``after``; each listed case is one search event, all appended in one go.

    The chair and the privacy officer list every case; a partner the cases its organisation
    has need-to-know for now; anyone else none.
    """
    disclosure = Disclosure(reader, purpose, convenant, action=AuditAction.search)
    query = _visible(reader, disclosure)
    if stage is not None:
        query = query.where(Case.stage == Stage(stage))
    if coordinator:
        query = query.where(Case.coordinator_code == coordinator)
    if code_prefix:
        if not CODE_PREFIX.match(code_prefix):
            raise ValueError("a case code holds capitals, digits and hyphens only")
        query = query.where(Case.code.startswith(code_prefix, autoescape=True))
    if after is not None:
        query = query.where(Case.code > after)
    rows = db.session.execute(query.limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    decisions = disclosure.levels(rows, Level.process, refusals=False)
    disclosure.record()
    lines = tuple(_line(row) for row in rows if decisions[row.id].allowed)
    return Page(lines, after=rows[-1].code if more and rows else None, continued=after is not None)


def _visible(reader: User, disclosure: Disclosure):  # type: ignore[no-untyped-def]
    query = select(
        Case.id,
        Case.code,
        Case.stage,
        Case.coordinator_code,
        Case.created_at,
        Case.updated_at,
        Case.comensha_reported_on,
    ).order_by(Case.code)
    if reader.role in (Role.chair, Role.privacy):
        return query
    if reader.role is Role.partner:
        return query.where(Case.id.in_(involved_cases(reader.organisation.code, disclosure.at)))
    return query.where(Case.id.is_(None))


def _line(row) -> CaseLine:  # type: ignore[no-untyped-def]
    reported = row.comensha_reported_on is not None
    return CaseLine(
        code=row.code,
        stage=row.stage,
        coordinator_code=row.coordinator_code,
        created_at=row.created_at,
        updated_at=row.updated_at,
        comensha_reported=reported,
        comensha_outstanding=not reported and row.stage not in (Stage.signaal, Stage.afgesloten),
    )


def listed(
    reader: User, cases: Sequence[Case], purpose: Purpose, convenant: Convenant
) -> list[CaseView]:
    """Code and stage of chosen cases (e.g. the agenda builder's suggestions), each a search
    event; cases the rules refuse are left out."""
    disclosure = Disclosure(reader, purpose, convenant, action=AuditAction.search)
    decisions = disclosure.levels(cases, Level.exists, refusals=False)
    disclosure.record()
    return [
        CaseView(case.code, case.stage, Level.exists)
        for case in cases
        if decisions[case.id].allowed
    ]


def contributable(reader: User, convenant: Convenant) -> tuple[str, ...]:
    """The categories the reader's organisation may add information in (no case read)."""
    if reader.role not in (Role.chair, Role.partner):
        return ()
    return providable_categories(convenant, reader.organisation.code)


def _process_view(case: Case, level: Level, contributable: tuple[str, ...]) -> CaseView:
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
        reported_by=case.reported_by,
        reporter_partner_code=case.reporter_partner_code,
        stage_changes=tuple(
            StageChangeView(s.from_stage, s.to_stage, s.reason, s.changed_at)
            for s in case.stage_changes
        ),
        consents=tuple(
            ConsentView(c.partner_code, c.category_code, c.article, c.recorded_at)
            for c in case.consents
            if c.withdrawn_at is None
        ),
        comensha=ComenshaView(
            case.comensha_reported_on,
            case.comensha_reported_by,
            case.comensha_with_identity,
            case.comensha_outstanding,
        ),
        contributable=contributable,
    )


__all__ = ["PAGE_SIZE", "CaseRef", "case_list", "case_page", "contributable", "disclose", "listed"]
