"""The disclosure gate (verstrekking): the one way to read case data.

Every function here asks the policy for a decision, writes the audit event for it in the
caller's transaction (allowed or refused), and only then decrypts what was allowed. If the event
cannot be written, the read fails with it. A refusal raises :class:`DisclosureRefused`, a 404,
after marking the request so the pipeline keeps the refusal event although it answers an error.
Nothing outside this module and :mod:`zorgtafel.privacy.identity_gate` (identity, "already
known?", the pseudonymiser's known names) enters :func:`zorgtafel.privacy.vault.gate_context`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, wraps
from typing import Any, NamedTuple, TypeVar

from flask import has_app_context
from sqlalchemy import bindparam, func, or_, select
from werkzeug.exceptions import NotFound

from zorgtafel.audit.models import AuditAction, Outcome
from zorgtafel.audit.operations import Actor, event, record, record_all
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import (
    Case,
    Contribution,
    Involvement,
    InvolvementReason,
    Reporter,
    Stage,
    StageReason,
)
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.core.pipeline import keep_on_error
from zorgtafel.meetings.models import AgendaItem, ItemKind, Meeting, TableSeat
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import (
    OVERSIGHT_ROLES,
    CategoryDecision,
    Level,
    LevelDecision,
    Purpose,
    SeatWarning,
    decide_categories,
    decide_level,
    decide_level_given,
    seat_warnings,
    strongest,
)
from zorgtafel.privacy.sealed import DisclosedText

F = TypeVar("F", bound=Callable[..., Any])


def disclosure(function: F) -> F:
    """Mark a public gate function: from its first read to the commit it holds the database's
    write lock (SQLite; see ``core.db.begin_write``), so the policy's reads, the decision, its
    audit events and the data disclosed are one snapshot."""

    @wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        begin_write(db.session)
        return function(*args, **kwargs)

    wrapped.is_disclosure = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


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
class StageChangeView:
    from_stage: Stage | None
    to_stage: Stage
    reason: StageReason
    changed_at: datetime


@dataclass(frozen=True)
class ConsentView:
    partner_code: str
    category_code: str
    article: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class ComenshaView:
    reported_on: date | None
    reported_by: str | None
    with_identity: bool | None
    #: past the signal stage, open, and no melding recorded
    outstanding: bool


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
    reported_by: Reporter | None = None
    reporter_partner_code: str | None = None
    stage_changes: tuple[StageChangeView, ...] = ()
    consents: tuple[ConsentView, ...] = ()
    comensha: ComenshaView | None = None
    #: content level: the categories the organisation may receive (shown even when empty)
    receivable: tuple[str, ...] = ()


@disclosure
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
    convenant = convenant or convenant_in_force()
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


@disclosure
def disclose_case_page(
    user: User,
    case: Case,
    purpose: Purpose,
    *,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> CaseView:
    """The case at the highest level ``user`` may see it (content, else process), logged.

    Only the level actually disclosed is logged as a read; a user with no level at all gets
    the refusal logged and :class:`DisclosureRefused`, exactly like a missing case.
    """
    at = at or utcnow()
    convenant = convenant or convenant_in_force()
    for level in (Level.content, Level.process):
        if decide_level(user, case, level, at, convenant).allowed:
            return disclose_case(user, case, level, purpose, convenant=convenant, at=at)
    return disclose_case(user, case, Level.process, purpose, convenant=convenant, at=at)


@disclosure
def case_list(
    user: User,
    purpose: Purpose,
    *,
    stage: Stage | None = None,
    coordinator: str | None = None,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> list[CaseView]:
    """The cases ``user`` may see at process level, filtered by stage and coordinator.

    The chair (and the privacy officer) get every case; a partner only the cases its
    organisation is involved in now. Each listed case is logged as a search at process level.
    """
    convenant = convenant or convenant_in_force()
    at = at or utcnow()
    query = _visible_query(user, at)
    if stage is not None:
        query = query.where(Case.stage == Stage(stage))
    if coordinator:
        query = query.where(Case.coordinator_code == coordinator)
    views = []
    for case in db.session.scalars(query):
        decision = decide_level(user, case, Level.process, at, convenant)
        if decision.allowed:
            _record(
                user, AuditAction.search, case, Level.process, purpose, convenant,
                reason=decision.reason,
            )  # fmt: skip
            views.append(_process_view(case, Level.process))
    return views


@disclosure
def visible_cases(
    user: User,
    purpose: Purpose,
    *,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> list[CaseView]:
    """The cases ``user`` may know exist (code and stage), each listing logged as a search."""
    convenant = convenant or convenant_in_force()
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
    )


def _content_view(
    user: User,
    case: Case,
    view: CaseView,
    decision: LevelDecision,
    purpose: Purpose,
    convenant: Convenant,
) -> CaseView:
    consented = case.consented(utcnow())
    categories = decide_categories(
        user, convenant, (c.category_code for c in case.contributions), consented
    )
    if not categories:
        _record_level(user, case, decision, purpose, convenant)
    # every decision is logged (in one append) before anything is decrypted
    record_all([_category_event(user, case, c, decision, purpose, convenant) for c in categories])
    allowed = {c.category for c in categories if c.allowed}
    contributions, shredded = _open_contributions(case, allowed, purpose)
    codes = [category.code for category in convenant.categories]
    may = {c.category for c in decide_categories(user, convenant, codes, consented) if c.allowed}
    receivable = tuple(code for code in codes if code in may)
    return CaseView(
        **{
            **view.__dict__,
            "contributions": contributions,
            "shredded": shredded,
            "receivable": receivable,
        }
    )


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


# --- meetings: agenda lines, the item under discussion, case lists for the agenda builder ----


class AgendaLineView(NamedTuple):
    """One agenda line as one user may see it. A closed line shows only that it exists.

    A named tuple rather than a frozen dataclass: just as immutable, and a page builds forty
    of them (a frozen dataclass sets each field through ``object.__setattr__``).
    """

    item_id: int
    position: int
    minutes: int
    #: the case at ``exists`` level (code and stage); None on a closed line
    case: CaseView | None = None
    kind: ItemKind | None = None
    #: partner codes at the table (process level)
    partner_codes: tuple[str, ...] = ()
    #: for the chair only: partners at the table who may get little out of it
    warnings: tuple[SeatWarning, ...] = ()

    @property
    def closed(self) -> bool:
        return self.case is None


@disclosure
def disclose_agenda(
    user: User,
    meeting: Meeting,
    *,
    convenant: Convenant,
    action: AuditAction = AuditAction.read,
    at: datetime | None = None,
) -> list[AgendaLineView]:
    """A meeting's agenda at process level for ``user``, in a fixed number of queries.

    The chair sees every line, with seat warnings. A partner sees the lines its organisation
    sits at the table for while the policy allows process level; every other line is closed
    (position and time only, nothing read, nothing logged). Each opened line is one audit
    event (``action``: read, or export for the PDF), a seated partner refused by the policy
    one refusal event; all of them written together, before anything is returned.
    """
    at = at or utcnow()
    rows = _agenda_rows(user, meeting.id, at)
    categories = _case_categories(meeting.id) if user.role is Role.chair else {}
    warnings_for = _seat_warnings(convenant) if user.role is Role.chair else None
    decide = _process_decisions(user, convenant)
    actor = Actor.of(user)
    # a partner sees only the lines its organisation sits at; anyone else is decided per line
    seated_only = user.organisation.code if user.role is Role.partner else None
    lines, events = [], []
    for row in rows:
        seats = row.seats.split(",") if row.seats else []
        if seated_only is not None and seated_only not in seats:
            lines.append(AgendaLineView(row.id, row.position, row.minutes))
            continue
        decision = decide(row.reasons)
        if decision.allowed:
            lines.append(
                _open_line(
                    row,
                    tuple(sorted(seats)),
                    warnings_for,
                    categories.get(row.case_id, frozenset()),
                )
            )
            outcome = Outcome.allowed
        else:
            lines.append(AgendaLineView(row.id, row.position, row.minutes))
            outcome = Outcome.refused
        events.append(
            _event(user, action, row.code, Level.process, convenant,
                   outcome=outcome, reason=decision.reason, actor=actor)
        )  # fmt: skip
    record_all(events)
    if any(row["outcome"] == Outcome.refused for row in events) and has_app_context():
        keep_on_error()
    return lines


_ITEMS = AgendaItem.__table__
_CASES = Case.__table__
_SEATS = TableSeat.__table__
_INVOLVEMENTS = Involvement.__table__
_CONTRIBUTIONS = Contribution.__table__
_MEETING = bindparam("meeting_id")

# The agenda's statements are built once, on the tables (plain rows, no ORM objects): every
# attendee's screen shows the agenda, and forty lines must stay cheap. Codes are joined with
# commas; partner codes and involvement reasons are codes that cannot hold one.
_SEAT_CODES = (
    select(func.aggregate_strings(_SEATS.c.partner_code, ","))
    .where(_SEATS.c.agenda_item_id == _ITEMS.c.id)
    .scalar_subquery()
)
#: the organisation's active involvements in the item's case
_REASON_CODES = (
    select(func.aggregate_strings(_INVOLVEMENTS.c.reason, ","))
    .where(
        _INVOLVEMENTS.c.case_id == _ITEMS.c.case_id,
        _INVOLVEMENTS.c.partner_code == bindparam("partner_code"),
        _INVOLVEMENTS.c.valid_from <= bindparam("at"),
        or_(_INVOLVEMENTS.c.valid_until.is_(None), _INVOLVEMENTS.c.valid_until > bindparam("at")),
    )
    .scalar_subquery()
)
_AGENDA = (
    select(
        _ITEMS.c.id,
        _ITEMS.c.position,
        _ITEMS.c.minutes,
        _ITEMS.c.kind,
        _ITEMS.c.case_id,
        _CASES.c.code,
        _CASES.c.stage,
        _SEAT_CODES.label("seats"),
        _REASON_CODES.label("reasons"),
    )
    .join(_CASES, _CASES.c.id == _ITEMS.c.case_id)
    .where(_ITEMS.c.meeting_id == _MEETING)
    .order_by(_ITEMS.c.position)
)
#: which categories each agenda case holds contributions in (codes only; nothing decrypted)
_AGENDA_CATEGORIES = (
    select(_CONTRIBUTIONS.c.case_id, _CONTRIBUTIONS.c.category_code)
    .join(_ITEMS, _ITEMS.c.case_id == _CONTRIBUTIONS.c.case_id)
    .where(_ITEMS.c.meeting_id == _MEETING)
    .distinct()
)


def _agenda_rows(user: User, meeting_id: int, at: datetime):  # type: ignore[no-untyped-def]
    """The meeting's items in order, each with its case's code and stage, the partner codes at
    its table and the user's organisation's active involvement reasons (one query)."""
    # only the chair's and the partners' organisations can have need-to-know; for anyone else
    # no involvement is read (NULL matches nothing)
    org = user.organisation.code if user.role in (Role.chair, Role.partner) else None
    return db.session.execute(
        _AGENDA, {"meeting_id": meeting_id, "partner_code": org, "at": at}
    ).all()


def _strongest_of(reasons: str | None) -> InvolvementReason | None:
    if not reasons:
        return None
    return strongest(InvolvementReason(reason) for reason in reasons.split(","))


def _case_categories(meeting_id: int) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for case_id, category in db.session.execute(_AGENDA_CATEGORIES, {"meeting_id": meeting_id}):
        found.setdefault(case_id, set()).add(category)
    return {case_id: frozenset(codes) for case_id, codes in found.items()}


def _process_decisions(user: User, convenant: Convenant) -> Callable[[str | None], LevelDecision]:
    """``decide_level_given`` at process level, asked once per distinct set of active
    involvement reasons (as the agenda query joins them).

    The decision depends on the user, the convenant and the organisation's strongest active
    involvement only, so forty lines need a decision or two, not forty.
    """

    @cache
    def decide(reasons: str | None) -> LevelDecision:
        reason = _strongest_of(reasons)
        return decide_level_given(user, Level.process, convenant, lambda: reason)

    return decide


def _seat_warnings(
    convenant: Convenant,
) -> Callable[[str, frozenset[str]], tuple[SeatWarning, ...]]:
    """``seat_warnings`` asked once per partner and set of case categories.

    It walks every category the case holds (all of the convenant's for a case without
    contributions yet) for every partner at the table; on an agenda the same questions come
    back line after line.
    """

    @cache
    def warnings(partner_code: str, case_categories: frozenset[str]) -> tuple[SeatWarning, ...]:
        return tuple(seat_warnings(convenant, partner_code, case_categories))

    return warnings


def _open_line(  # type: ignore[no-untyped-def]
    row,
    partner_codes: tuple[str, ...],
    warnings_for: Callable[[str, frozenset[str]], tuple[SeatWarning, ...]] | None,
    case_categories: frozenset[str],
) -> AgendaLineView:
    """An opened line; with seat warnings when ``warnings_for`` is given (the chair)."""
    warnings: tuple[SeatWarning, ...] = ()
    if warnings_for is not None:
        warnings = tuple(
            warning for code in partner_codes for warning in warnings_for(code, case_categories)
        )
    return AgendaLineView(
        row.id,
        row.position,
        row.minutes,
        CaseView(row.code, row.stage, Level.exists),  # the columns' Enum types give members
        row.kind,
        partner_codes,
        warnings,
    )


@disclosure
def disclose_agenda_item(
    user: User, item: AgendaItem, *, convenant: Convenant, at: datetime | None = None
) -> CaseView | None:
    """The case of the item under discussion in meeting mode, for one attendee, logged.

    None for a partner whose organisation is not at the table for this item (nothing read,
    nothing logged) or whom the policy refuses (the refusal logged). A seated partner gets
    the content level; the chair the content level where its organisation has need-to-know,
    else the process level.
    """
    at = at or utcnow()
    if user.role is Role.partner and user.organisation.code not in item.partner_codes:
        return None
    level = Level.content
    if user.role is Role.chair and not decide_level(user, item.case, level, at, convenant).allowed:
        level = Level.process
    try:
        return disclose_case(
            user, item.case, level, Purpose.case_conference, convenant=convenant, at=at
        )
    except DisclosureRefused:
        return None


@disclosure
def disclose_case_list(
    user: User, cases: list[Case], purpose: Purpose, *, convenant: Convenant | None = None
) -> list[CaseView]:
    """Code and stage of chosen cases (e.g. the agenda builder's suggestions), logged as a
    search per case; cases the policy refuses are left out silently, like ``visible_cases``."""
    convenant = convenant or convenant_in_force()
    at = utcnow()
    views, events = [], []
    for case in cases:
        decision = decide_level(user, case, Level.exists, at, convenant)
        if decision.allowed:
            events.append(
                _event(
                    user,
                    AuditAction.search,
                    case.code,
                    Level.exists,
                    convenant,
                    outcome=Outcome.allowed,
                    reason=decision.reason,
                    purpose=purpose,
                )
            )
            views.append(CaseView(case.code, case.stage, Level.exists))
    record_all(events)
    return views


def _event(
    user: User,
    action: AuditAction,
    case_code: str,
    level: Level,
    convenant: Convenant,
    *,
    outcome: object,
    reason: object,
    purpose: Purpose = Purpose.case_conference,
    actor: Actor | None = None,
) -> dict[str, object]:
    """One checked audit event for a case, to be appended with the others of the page."""
    return event(
        action,
        outcome=outcome,  # type: ignore[arg-type]
        actor=actor or Actor.of(user),
        object_type="case",
        object_id=case_code,
        level=level.value,
        convenant=convenant,
        purpose=Purpose(purpose).value,
        reason=reason,  # type: ignore[arg-type]
    )
