"""The gate's cases surface: the case page, a case at one level, the case lists.

Each function is one :class:`~zorgtafel.privacy.gate.kernel.Disclosure`: it decides once,
records once, then opens.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose, Refusal
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution, Involvement, InvolvementReason, Stage
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
from zorgtafel.privacy.need_to_know import strongest

#: cases per page of a list
PAGE_SIZE = 50
#: what a search by case code may hold: the start of a code, e.g. ``ZT-2026-00``
CODE_PREFIX = re.compile(r"^[A-Z0-9-]{1,20}$")
#: a whole case code: what a refusal of a code that names no case may log of it
CASE_CODE = re.compile(r"^ZT-[0-9]{4}-[0-9]{4,8}$")
#: what that refusal logs instead of a code that does not look like one (it may hold anything)
NOT_A_CODE = "ongeldige-code"


def case_page(
    reader: User, case: Case, purpose: Purpose, convenant: Convenant, *, at: datetime | None = None
) -> CaseView:
    """The case at the highest level the reader may see it (content, else process), logged.

    A reader with no level at all gets the refusal logged and
    :class:`~zorgtafel.privacy.gate.kernel.DisclosureRefused`, exactly like a missing case.
    """
    disclosure = Disclosure(reader, purpose, convenant, at=at)
    return _disclose(disclosure, case, disclosure.highest(case, (Level.content, Level.process)))


@dataclass(frozen=True)
class _Missing:
    """A case code that names no case: no row has id 0."""

    code: str
    id: int = 0


def missing_case(
    reader: User, code: str, purpose: Purpose, convenant: Convenant, *, at: datetime | None = None
) -> NoReturn:
    """Refuse a case code that names no case the way :func:`case_page` refuses a case the
    reader may not see: the same decision (its need-to-know look-up included), a refusal
    logged (``unknown_case``), then :class:`DisclosureRefused`. A missing code and a refused
    one then cost the same and answer the same, and an enumeration of codes shows in the log.
    A code not shaped like one is logged as :data:`NOT_A_CODE`: it may hold anything."""
    disclosure = Disclosure(reader, purpose, convenant, at=at)
    missing = _Missing(code if CASE_CODE.match(code) else NOT_A_CODE)
    decision = disclosure.highest(missing, (Level.content, Level.process))
    disclosure.note(missing, LevelDecision(decision.level, None, Refusal.unknown_case))
    disclosure.refuse()


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
    """One page of the cases the reader may see at process level: newest first, or, searching
    by the start of a code, in code order. ``after`` is the last code of the previous page.
    Each listed case is one search event, all appended in one go.

    The chair and the privacy officer list every case; a partner the cases its organisation
    has need-to-know for now; anyone else none. Every page costs the same, however many cases
    there are: it reads an index in order and stops after one page.
    """
    disclosure = Disclosure(reader, purpose, convenant, action=AuditAction.search)
    scope = _scope(reader)
    values: dict[str, object] = {
        "stage": Stage(stage) if stage is not None else None,
        "coordinator": coordinator or None,
        "partner_code": reader.organisation.code if scope is _Scope.own else None,
        "at": disclosure.at,
        "limit": size + 1,
        "before": None,
        "after": None,
    }
    if code_prefix:
        if not CODE_PREFIX.match(code_prefix):
            raise ValueError("a case code holds capitals, digits and hyphens only")
        values |= {"pattern": code_prefix + "%", "after": after}
        search = True
    else:
        values["before"] = _position(reader, disclosure, after)
        search = False
    query = _statement(scope, search, **{k: values[k] is not None for k in _OPTIONAL})
    rows = db.session.execute(query, values).all() if scope is not _Scope.none else []
    more, rows = len(rows) > size, rows[:size]
    involved = _reasons(rows) if scope is _Scope.own else None
    decisions = disclosure.levels(rows, Level.process, refusals=False, involved=involved)
    disclosure.record()
    lines = tuple(_line(row) for row in rows if decisions[row.id].allowed)
    return Page(lines, after=rows[-1].code if more else None, continued=after is not None)


class _Scope(enum.Enum):
    #: the chair and the privacy officer: every case
    all = "all"
    #: a partner: the cases its organisation has need-to-know for
    own = "own"
    #: anyone else: none
    none = "none"


def _scope(reader: User) -> _Scope:
    if reader.role in (Role.chair, Role.privacy):
        return _Scope.all
    return _Scope.own if reader.role is Role.partner else _Scope.none


_LINE = (
    Case.id,
    Case.code,
    Case.stage,
    Case.coordinator_code,
    Case.updated_at,
    Case.comensha_reported_on,
)
#: the parameters a list's statement is built with only when they are given
_OPTIONAL = ("stage", "coordinator", "before", "after")


@cache
def _statement(scope: _Scope, search: bool, **given: bool) -> Select[Any]:
    """The list's statement for this scope and these filters, built once (with bind
    parameters): a list is opened often, and building a statement costs more than running it.

    Browsing: newest first; a partner's page walks its own involvements in case order (an
    index), so every page costs the same however many cases there are. Searching: the codes
    that start with ``prefix``, in code order (a range of the code index).
    """
    if search:
        return _search(scope, given)
    query = select(*_LINE).order_by(Case.id.desc()).limit(bindparam("limit"))
    if scope is _Scope.all:
        return query.where(*_filters(Case, given), *_before(Case.id, given))
    own = aliased(Case)
    mine = (
        select(
            Involvement.case_id,
            # every active reason, joined with commas (codes cannot hold one): the kernel
            # takes the strongest, as it would from need_to_know, without asking again
            func.aggregate_strings(Involvement.reason, ",").label("reasons"),
        )
        .join(own, own.id == Involvement.case_id)
        .where(
            Involvement.partner_code == bindparam("partner_code"),
            Involvement.active_at(bindparam("at")),
            *_filters(own, given),
            *_before(Involvement.case_id, given),
        )
        .group_by(Involvement.case_id)
        .order_by(Involvement.case_id.desc())
        .limit(bindparam("limit"))
        .subquery()
    )
    return (
        select(*_LINE, mine.c.reasons)
        .join(mine, mine.c.case_id == Case.id)
        .order_by(Case.id.desc())
    )


def _search(scope: _Scope, given: dict[str, bool]) -> Select[Any]:
    query = (
        select(*_LINE)
        # the prefix holds capitals, digits and hyphens only (checked): no LIKE wildcard
        .where(Case.code.like(bindparam("pattern")), *_filters(Case, given))
        .order_by(Case.code)
        .limit(bindparam("limit"))
    )
    if given["after"]:
        query = query.where(Case.code > bindparam("after"))
    if scope is _Scope.all:
        return query
    return query.where(
        exists().where(
            Involvement.case_id == Case.id,
            Involvement.partner_code == bindparam("partner_code"),
            Involvement.active_at(bindparam("at")),
        )
    )


def _reasons(rows: Sequence[Any]) -> dict[int, InvolvementReason]:
    """Each listed case's strongest active involvement, from the reasons the list's own query
    found with ``Involvement.active_at`` (the one rule)."""
    return {row.id: _strongest_of(row.reasons) for row in rows if row.reasons}


@cache
def _strongest_of(reasons: str) -> InvolvementReason:
    """The strongest of comma-joined reason codes (a handful of distinct strings per page)."""
    found = strongest([InvolvementReason(code) for code in reasons.split(",")])
    assert found is not None  # noqa: S101 - a non-empty string holds a reason
    return found


def _filters(cases: Any, given: dict[str, bool]) -> list[ColumnElement[bool]]:
    """The list's filters on ``cases`` (``Case`` or an alias of it)."""
    filters = []
    if given["stage"]:
        filters.append(cases.stage == bindparam("stage"))
    if given["coordinator"]:
        filters.append(cases.coordinator_code == bindparam("coordinator"))
    return filters


def _before(column: Any, given: dict[str, bool]) -> list[ColumnElement[bool]]:
    return [column < bindparam("before")] if given["before"] else []


def _position(reader: User, disclosure: Disclosure, after: str | None) -> int | None:
    """Where the previous page ended: the row of its last code, if the reader may see that
    case (a partner's unknown or foreign code starts at the top, telling it nothing)."""
    if after is None:
        return None
    case_id = db.session.scalar(select(Case.id).where(Case.code == after))
    if case_id is None or reader.role not in (Role.chair, Role.privacy, Role.partner):
        return None
    if reader.role is Role.partner and not disclosure.involvement([case_id]):
        return None
    return case_id


def _line(row) -> CaseLine:  # type: ignore[no-untyped-def]
    reported = row.comensha_reported_on is not None
    return CaseLine(
        code=row.code,
        stage=row.stage,
        coordinator_code=row.coordinator_code,
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
            ConsentView(c.partner_code, c.category_code, c.article, c.recorded_at, c.withdrawn_at)
            for c in case.consents
        ),
        comensha=ComenshaView(
            case.comensha_reported_on,
            case.comensha_reported_by,
            case.comensha_with_identity,
            case.comensha_outstanding,
        ),
        contributable=contributable,
    )


__all__ = [
    "PAGE_SIZE",
    "CaseRef",
    "case_list",
    "case_page",
    "contributable",
    "disclose",
    "listed",
    "missing_case",
]
