"""The gate's excerpt surface: a meeting's minutes, decisions and actions as one reader may
have them, for the page and the PDF.

A partner gets the items its organisation sat at the table for, in the categories it may
receive; the chair every item at the level the rules allow. The same rules as an item's
minutes (:mod:`.minutes`) and outcomes (:mod:`.actions`), read for forty items at once: a
fixed number of statements returning plain rows (no ORM objects), one disclosure for the page
(one need-to-know lookup, one audit append), and only the allowed texts opened, after record.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, bindparam, select

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Consent
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus, TableSeat
from zorgtafel.minutes.models import (
    OUTCOME_CATEGORY,
    ActionChange,
    ActionItem,
    ActionStatus,
    Decision,
    Minutes,
    MinutesParagraph,
    MinutesVersion,
)
from zorgtafel.privacy.access_rules import LevelDecision
from zorgtafel.privacy.gate import actions as actions_surface
from zorgtafel.privacy.gate import minutes as minutes_surface
from zorgtafel.privacy.gate.kernel import Disclosure

_LEVELS = (Level.content, Level.process)


@dataclass(frozen=True)
class ExcerptItem:
    position: int
    item_id: int
    minutes: minutes_surface.MinutesView
    outcomes: actions_surface.OutcomesView


class _CaseRef(NamedTuple):
    """What the kernel needs of a case (id and pseudonym), from the item's row."""

    id: int
    code: str


class _Addendum(NamedTuple):
    """A rectificatie's row with its paragraphs' rows (what :func:`minutes.opened` reads)."""

    number: int
    saved_at: datetime
    content_hash: str
    paragraphs: tuple[Row[Any], ...]


@dataclass
class _PageRows:
    """The page's rows, each table read once for every item."""

    consents: dict[int, list[Row[Any]]] = field(default_factory=dict)
    minutes: dict[int, Row[Any]] = field(default_factory=dict)
    versions: dict[int, list[Row[Any]]] = field(default_factory=dict)
    paragraphs: dict[int, list[Row[Any]]] = field(default_factory=dict)
    decisions: dict[int, list[Row[Any]]] = field(default_factory=dict)
    actions: dict[int, list[Row[Any]]] = field(default_factory=dict)
    changes: dict[int, tuple[Row[Any], ...]] = field(default_factory=dict)
    earlier: dict[int, tuple[set[int], Row[Any] | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Decided:
    """One item decided and its events queued, nothing opened yet."""

    item: Row[Any]
    case: _CaseRef
    decision: LevelDecision
    minutes: minutes_surface.Decided
    texts: bool


def excerpt(
    reader: User,
    meeting: Meeting,
    convenant: Convenant,
    *,
    action: AuditAction = AuditAction.read,
) -> tuple[ExcerptItem, ...]:
    """A meeting's minutes, decisions and actions as one reader may have them. Each item's
    reads are events (``action``: read for the page, export for the PDF); a refusal at any
    item records what was decided and refuses the page."""
    items = _items(reader, meeting.id)
    if not items:
        return ()
    rows = _read(items, meeting.starts_at)
    case_ids = {item.case_id for item in items}
    disclosure = Disclosure(reader, Purpose.case_conference, convenant, action=action)
    involved = disclosure.involvement(case_ids) if disclosure.organisation else {}
    disclosure.load_keys(case_ids)
    consented: dict[int, frozenset[tuple[str, str]]] = {}
    decided = []
    for item in items:
        case = _CaseRef(item.case_id, item.code)
        decision = disclosure.highest_of(_LEVELS, involved.get(case.id))
        if not decision.allowed:
            disclosure.note(case, decision)
            disclosure.refuse()
        if case.id not in consented:
            consented[case.id] = _consented(rows.consents.get(case.id, ()), disclosure.at)
        read = _decide_minutes(disclosure, case, decision, rows, item.id, consented[case.id])
        texts = _decide_outcomes(disclosure, case, decision, rows, item.id, consented[case.id])
        decided.append(_Decided(item, case, decision, read, texts))
    disclosure.record()
    names = _assignee_names(reader, rows)
    with disclosure.opening():
        return tuple(
            ExcerptItem(
                d.item.position,
                d.item.id,
                minutes_surface.opened(disclosure, d.minutes),
                _outcomes(disclosure, d, rows, names),
            )
            for d in decided
        )


def _rows(statement: Any, **parameters: Any) -> Any:
    """A plain-row read on the session's connection (in its transaction): column rows need
    none of the ORM's loading."""
    return db.session.connection().execute(statement, parameters)


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


# The page's statements, built once: each reads one table for every item of the page.
_ITEMS = (
    select(AgendaItem.id, AgendaItem.position, AgendaItem.case_id, Case.code)
    .join(Case, Case.id == AgendaItem.case_id)
    .where(AgendaItem.meeting_id == bindparam("meeting_id"))
    .order_by(AgendaItem.position)
)
#: a partner's: the items its organisation sat at the table for
_SEATED_ITEMS = _ITEMS.where(
    AgendaItem.id.in_(
        select(TableSeat.agenda_item_id).where(TableSeat.partner_code == bindparam("partner"))
    )
)
_CONSENTS = select(
    Consent.case_id,
    Consent.partner_code,
    Consent.category_code,
    Consent.recorded_at,
    Consent.withdrawn_at,
).where(Consent.case_id.in_(_ids("case_ids")))
_MINUTES = select(
    Minutes.id,
    Minutes.agenda_item_id,
    Minutes.status,
    Minutes.version,
    Minutes.finalised_at,
    Minutes.content_hash,
).where(Minutes.agenda_item_id.in_(_ids("item_ids")))
_VERSIONS = (
    select(
        MinutesVersion.id,
        MinutesVersion.minutes_id,
        MinutesVersion.number,
        MinutesVersion.saved_at,
        MinutesVersion.content_hash,
        MinutesVersion.is_addendum,
    )
    .where(MinutesVersion.minutes_id.in_(_ids("minutes_ids")))
    .order_by(MinutesVersion.minutes_id, MinutesVersion.number)
)
_PARAGRAPHS = (
    select(
        MinutesParagraph.id,
        MinutesParagraph.version_id,
        MinutesParagraph.part,
        MinutesParagraph.category_code,
        MinutesParagraph.text,
    )
    .where(MinutesParagraph.version_id.in_(_ids("version_ids")))
    .order_by(MinutesParagraph.version_id, MinutesParagraph.position, MinutesParagraph.id)
)
_DECISIONS = (
    select(
        Decision.id, Decision.agenda_item_id, Decision.number, Decision.text, Decision.created_at
    )
    .where(Decision.agenda_item_id.in_(_ids("item_ids")))
    .order_by(Decision.agenda_item_id, Decision.number)
)
_ACTIONS = (
    select(*actions_surface.ACTION_COLUMNS)
    .where(ActionItem.case_id.in_(_ids("case_ids")))
    .order_by(ActionItem.id)
)
_CHANGES = (
    select(*actions_surface.CHANGE_COLUMNS)
    .join(ActionItem, ActionItem.id == ActionChange.action_id)
    .where(ActionItem.case_id.in_(_ids("case_ids")))
    .order_by(ActionChange.id)
)
#: the cases' items of published meetings before this one
_EARLIER = (
    select(AgendaItem.id, AgendaItem.case_id, Meeting.starts_at)
    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
    .where(
        AgendaItem.case_id.in_(_ids("case_ids")),
        Meeting.starts_at < bindparam("before"),
        Meeting.status != MeetingStatus.draft,
    )
)


def _items(reader: User, meeting_id: int) -> Sequence[Row[Any]]:
    """The meeting's items the reader may have, in order, with their cases' pseudonyms."""
    if reader.role is Role.partner:
        return _rows(_SEATED_ITEMS, meeting_id=meeting_id, partner=reader.organisation.code).all()
    if reader.role is Role.chair:
        return _rows(_ITEMS, meeting_id=meeting_id).all()
    return ()


def _read(items: Sequence[Row[Any]], starts_at: datetime) -> _PageRows:
    """Every row the page may show, in a fixed number of statements whatever the items."""
    item_ids = [item.id for item in items]
    case_ids = sorted({item.case_id for item in items})
    rows = _PageRows()
    for consent in _rows(_CONSENTS, case_ids=case_ids):
        rows.consents.setdefault(consent.case_id, []).append(consent)
    _read_minutes(rows, item_ids)
    for decision in _rows(_DECISIONS, item_ids=item_ids):
        rows.decisions.setdefault(decision.agenda_item_id, []).append(decision)
    _read_actions(rows, case_ids)
    rows.earlier = _earlier_items_of(case_ids, starts_at)
    return rows


def _read_minutes(rows: _PageRows, item_ids: list[int]) -> None:
    """The items' minutes and versions, and the paragraphs of the versions a reader is shown
    (the newest draft or vastgestelde version, and the rectificaties)."""
    for minutes in _rows(_MINUTES, item_ids=item_ids):
        rows.minutes[minutes.agenda_item_id] = minutes
    if not rows.minutes:
        return
    minutes_ids = [m.id for m in rows.minutes.values()]
    for version in _rows(_VERSIONS, minutes_ids=minutes_ids):
        rows.versions.setdefault(version.minutes_id, []).append(version)
    shown = [
        version.id
        for versions in rows.versions.values()
        for version in (*_addenda(versions), *_drafts(versions)[-1:])
    ]
    if not shown:
        return
    for paragraph in _rows(_PARAGRAPHS, version_ids=shown):
        rows.paragraphs.setdefault(paragraph.version_id, []).append(paragraph)


def _read_actions(rows: _PageRows, case_ids: list[int]) -> None:
    """The cases' actions (an item shows its own and the case's earlier ones to review) and
    their changes."""
    for action in _rows(_ACTIONS, case_ids=case_ids):
        rows.actions.setdefault(action.case_id, []).append(action)
    if not rows.actions:
        return
    changes: dict[int, list[Row[Any]]] = {}
    for change in _rows(_CHANGES, case_ids=case_ids):
        changes.setdefault(change.action_id, []).append(change)
    rows.changes = {action_id: tuple(found) for action_id, found in changes.items()}


def _earlier_items_of(
    case_ids: list[int], before: datetime
) -> dict[int, tuple[set[int], Row[Any] | None]]:
    """Per case, its agenda items of published meetings before ``before`` and the latest of
    those (actions closed since it are reviewed again)."""
    by_case: dict[int, list[Row[Any]]] = {}
    for row in _rows(_EARLIER, case_ids=case_ids, before=before):
        by_case.setdefault(row.case_id, []).append(row)
    return {
        case_id: ({row.id for row in found}, max(found, key=lambda row: row.starts_at))
        for case_id, found in by_case.items()
    }


def _consented(consents: Collection[Row[Any]], at: datetime) -> frozenset[tuple[str, str]]:
    """:meth:`Case.consented` from the consents' rows."""
    return frozenset(
        (c.partner_code, c.category_code)
        for c in consents
        if c.recorded_at <= at and (c.withdrawn_at is None or at < c.withdrawn_at)
    )


def _drafts(versions: Sequence[Row[Any]]) -> list[Row[Any]]:
    return [v for v in versions if not v.is_addendum]


def _addenda(versions: Sequence[Row[Any]]) -> list[Row[Any]]:
    return [v for v in versions if v.is_addendum]


def _decide_minutes(
    disclosure: Disclosure,
    case: _CaseRef,
    decision: LevelDecision,
    rows: _PageRows,
    item_id: int,
    consented: frozenset[tuple[str, str]],
) -> minutes_surface.Decided:
    """:func:`minutes.decide` for the newest version of the item's minutes, from rows."""
    minutes = rows.minutes.get(item_id)
    versions = rows.versions.get(minutes.id, []) if minutes is not None else []
    drafts = _drafts(versions)
    version = drafts[-1] if drafts else None
    base = _base_view(case.code, decision.level, minutes, version, drafts)
    if decision.level is not Level.content:
        disclosure.note(case, decision)
        return minutes_surface.Decided(case, base)  # type: ignore[arg-type]
    paragraphs = tuple(rows.paragraphs.get(version.id, ())) if version is not None else ()
    addenda = tuple(
        _Addendum(a.number, a.saved_at, a.content_hash, tuple(rows.paragraphs.get(a.id, ())))
        for a in _addenda(versions)
    )
    held = [p.category_code for p in paragraphs] + [
        p.category_code for addendum in addenda for p in addendum.paragraphs
    ]
    categories = disclosure.categories(case, decision, consented, held=held)
    return minutes_surface.Decided(case, base, paragraphs, addenda, categories)  # type: ignore[arg-type]


def _base_view(
    code: str,
    level: Level,
    minutes: Row[Any] | None,
    version: Row[Any] | None,
    drafts: Sequence[Row[Any]],
) -> minutes_surface.MinutesView:
    if minutes is None:
        return minutes_surface.MinutesView(code, level)
    return minutes_surface.MinutesView(
        code,
        level,
        status=minutes.status,
        version=minutes.version,
        shown=version.number if version is not None else 0,
        versions=tuple(minutes_surface.VersionLine(v.number, v.saved_at) for v in drafts),
        finalised_at=minutes.finalised_at,
        content_hash=minutes.content_hash,
    )


def _decide_outcomes(
    disclosure: Disclosure,
    case: _CaseRef,
    decision: LevelDecision,
    rows: _PageRows,
    item_id: int,
    consented: frozenset[tuple[str, str]],
) -> bool:
    """Queue the event of reading the item's outcomes at the allowed ``decision``'s level; may
    their texts be opened (after record)?"""
    if decision.level is Level.content and (
        rows.decisions.get(item_id) or rows.actions.get(case.id)
    ):
        categories = disclosure.categories(case, decision, consented, held=[OUTCOME_CATEGORY])
        return categories[OUTCOME_CATEGORY].allowed and not disclosure.key_destroyed(case.id)
    disclosure.note(case, decision)
    return False


def _outcomes(
    disclosure: Disclosure, decided: _Decided, rows: _PageRows, names: dict[int, str]
) -> actions_surface.OutcomesView:
    item_id, case = decided.item.id, decided.case
    open_ = actions_surface._opener(disclosure, case.id, decided.texts)
    earlier, since = rows.earlier.get(case.id, (set(), None))
    actions = rows.actions.get(case.id, ())
    changes = rows.changes

    def line(a: Row[Any]) -> actions_surface.ActionView:
        return actions_surface.action_view(
            a, case.code, changes.get(a.id, ()), open_, item_id, disclosure.reader, names
        )

    return actions_surface.OutcomesView(
        decided.decision.level,
        tuple(
            actions_surface.DecisionView(
                d.number, d.created_at, open_(d.text, "decisions", d.id, "text")
            )
            for d in rows.decisions.get(item_id, ())
        ),
        tuple(line(a) for a in actions if a.agenda_item_id == item_id),
        tuple(
            line(a)
            for a in actions
            if a.agenda_item_id in earlier
            and (
                a.status is ActionStatus.open
                or any(c.review_item_id == item_id for c in changes.get(a.id, ()))
                or actions_surface._closed_since(a, since)  # type: ignore[arg-type]
            )
        ),
        decided.texts,
    )


def _assignee_names(reader: User, rows: _PageRows) -> dict[int, str]:
    """The named users' names the reader may see (one statement, none if no action names one)."""
    return actions_surface.assignee_names(
        reader, [a for actions in rows.actions.values() for a in actions]
    )


__all__ = ["ExcerptItem", "excerpt"]
