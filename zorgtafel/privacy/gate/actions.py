"""The gate's actions surface: an item's decisions and actions (and the case's open actions
to review), and an organisation's own actions across cases ("Mijn acties").

Decisions and action texts are disclosed in the ``plan-acties`` category: at content level,
to organisations that may receive it; below that, the lines without their texts.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import today
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus, TableSeat
from zorgtafel.minutes.models import (
    OUTCOME_CATEGORY,
    ActionChange,
    ActionItem,
    ActionStatus,
    Decision,
    Minutes,
    MinutesVersion,
)
from zorgtafel.privacy.gate import minutes as minutes_surface
from zorgtafel.privacy.gate.kernel import Disclosure, DisclosureRefused
from zorgtafel.privacy.gate.views import Page
from zorgtafel.privacy.sealed import DisclosedText

#: actions per page of "Mijn acties"
PAGE_SIZE = 50
#: "due soon": within this many days
SOON_DAYS = 7
#: a page key: the last line's due date and id, e.g. ``2026-12-10.45``
AFTER = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d{1,12})$")


@dataclass(frozen=True)
class DecisionView:
    number: int
    created_at: datetime
    text: DisclosedText | None = None


@dataclass(frozen=True)
class ChangeView:
    from_status: ActionStatus
    to_status: ActionStatus
    changed_at: datetime
    reviewed: bool
    reason: DisclosedText | None = None


@dataclass(frozen=True)
class ActionView:
    id: int
    case_code: str
    owner_partner_code: str
    due_on: date
    status: ActionStatus
    agenda_item_id: int
    description: DisclosedText | None = None
    changes: tuple[ChangeView, ...] = ()
    #: reviewed at the item this view was made for
    reviewed_here: bool = False
    #: the named user of the owner organisation, for the chair and that organisation only
    assignee: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.open

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < today()

    @property
    def due_soon(self) -> bool:
        return self.is_open and today() <= self.due_on <= today() + timedelta(days=SOON_DAYS)


@dataclass(frozen=True)
class OutcomesView:
    level: Level
    decisions: tuple[DecisionView, ...] = ()
    #: actions agreed at this item
    actions: tuple[ActionView, ...] = ()
    #: open actions of the case agreed at earlier meetings: to review at this item
    to_review: tuple[ActionView, ...] = ()
    #: the texts may be shown (content level and ``plan-acties`` allowed)
    texts: bool = False


class _Ref:
    __slots__ = ("code", "id")

    def __init__(self, case_id: int, code: str) -> None:
        self.id, self.code = case_id, code


def item_outcomes(
    reader: User,
    item: AgendaItem,
    convenant: Convenant,
    *,
    action: AuditAction = AuditAction.read,
) -> OutcomesView:
    """The item's decisions and actions, and the case's open actions from earlier meetings,
    for the chair or a partner at the table (else refused like a missing page), logged."""
    if reader.role is Role.partner and reader.organisation.code not in item.partner_codes:
        raise DisclosureRefused()
    case = item.case
    disclosure = Disclosure(reader, Purpose.case_conference, convenant, action=action)
    decision = disclosure.highest(case, (Level.content, Level.process))
    if not decision.allowed:
        disclosure.note(case, decision)
        disclosure.refuse()
    decisions = list(
        db.session.scalars(
            select(Decision).where(Decision.agenda_item_id == item.id).order_by(Decision.number)
        )
    )
    actions = list(
        db.session.scalars(
            select(ActionItem).where(ActionItem.case_id == case.id).order_by(ActionItem.id)
        )
    )
    texts = _decide_outcomes(disclosure, case, decision, decisions, actions)
    disclosure.record()
    earlier, since = _earlier_items(item)
    return _outcomes(disclosure, item, case, decision, decisions, actions, texts, earlier, since)


def _decide_outcomes(  # type: ignore[no-untyped-def]
    disclosure: Disclosure, case: Case, decision, decisions, actions
) -> bool:
    """Queue the event of reading an item's outcomes at the allowed ``decision``'s level; may
    their texts be opened (after record)?"""
    if decision.level is Level.content and (decisions or actions):
        categories = disclosure.categories(
            case, decision, case.consented(disclosure.at), held=[OUTCOME_CATEGORY]
        )
        return categories[OUTCOME_CATEGORY].allowed and not disclosure.key_destroyed(case.id)
    disclosure.note(case, decision)
    return False


def _outcomes(  # type: ignore[no-untyped-def]
    disclosure: Disclosure, item, case, decision, decisions, actions, texts, earlier, since
) -> OutcomesView:
    open_ = _opener(disclosure, case.id, texts)
    return OutcomesView(
        decision.level,
        tuple(
            DecisionView(d.number, d.created_at, open_(d.text, "decisions", d.id, "text"))
            for d in decisions
        ),
        tuple(
            _action(a, case.code, open_, item, disclosure.reader)
            for a in actions
            if a.agenda_item_id == item.id
        ),
        tuple(
            _action(a, case.code, open_, item, disclosure.reader)
            for a in actions
            if a.agenda_item_id in earlier
            and (a.is_open or _reviewed_at(a, item) or _closed_since(a, since))
        ),
        texts,
    )


def _earlier_items(item: AgendaItem):  # type: ignore[no-untyped-def]
    """The case's agenda items of meetings before this one, and when the latest of those
    meetings' item (actions closed since then are reviewed here too)."""
    rows = db.session.execute(
        select(AgendaItem.id, Meeting.starts_at)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            AgendaItem.case_id == item.case_id,
            Meeting.starts_at < item.meeting.starts_at,
            Meeting.status != MeetingStatus.draft,
        )
    ).all()
    latest = max(rows, key=lambda row: row.starts_at, default=None)
    return {row.id for row in rows}, latest


def _closed_since(action: ActionItem, latest) -> bool:  # type: ignore[no-untyped-def]
    """Closed, and agreed at the case's previous meeting or closed since it began."""
    if latest is None or action.closed_at is None:
        return False
    return action.agenda_item_id == latest.id or action.closed_at >= latest.starts_at


def _reviewed_at(action: ActionItem, item: AgendaItem) -> bool:
    return any(change.review_item_id == item.id for change in action.changes)


def _opener(disclosure: Disclosure, case_id: int, allowed: bool):  # type: ignore[no-untyped-def]
    def open_(sealed, table: str, row_id: int, column: str) -> DisclosedText | None:  # type: ignore[no-untyped-def]
        if not allowed or sealed is None:
            return None
        return disclosure.open(
            case_id, sealed, category=OUTCOME_CATEGORY, table=table, row_id=row_id, column=column
        )

    return open_


def _action(
    action: ActionItem, code: str, open_, item: AgendaItem | None, reader: User
) -> ActionView:  # type: ignore[no-untyped-def]
    return ActionView(
        action.id,
        code,
        action.owner_partner_code,
        action.due_on,
        action.status,
        action.agenda_item_id,
        open_(action.description, "action_items", action.id, "description"),
        tuple(_change(change, open_) for change in action.changes),
        item is not None and _reviewed_at(action, item),
        _assignee(action, reader),
    )


def _assignee(action: ActionItem, reader: User) -> str | None:
    """The named user's name, for the chair and the owner organisation; None for anyone else."""
    if action.assignee_user_id is None:
        return None
    own = reader.role is Role.partner and reader.organisation.code == action.owner_partner_code
    if reader.role is not Role.chair and not own:
        return None
    user = db.session.get(User, action.assignee_user_id)
    return user.name if user is not None else None


def _change(change: ActionChange, open_) -> ChangeView:  # type: ignore[no-untyped-def]
    return ChangeView(
        change.from_status,
        change.to_status,
        change.changed_at,
        change.review_item_id is not None,
        open_(change.reason, "action_changes", change.id, "reason"),
    )


def my_actions(
    reader: User, convenant: Convenant, *, after: str | None = None, size: int = PAGE_SIZE
) -> Page[ActionView]:
    """One page of the open actions of the reader's organisation across cases and meetings,
    soonest due first (keyset: ``after`` is the last line's ``due.id``). Each case's line is
    one content event for ``plan-acties``; a description opens only where that is allowed."""
    if reader.role is not Role.partner:
        return Page(())
    disclosure = Disclosure(reader, Purpose.case_work, convenant, action=AuditAction.search)
    query = (
        select(ActionItem, Case.code)
        .join(Case, Case.id == ActionItem.case_id)
        .where(
            ActionItem.owner_partner_code == reader.organisation.code,
            ActionItem.status == ActionStatus.open,
        )
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(size + 1)
        .options(selectinload(ActionItem.changes))
    )
    position = AFTER.match(after or "")
    if position:
        due, last = date.fromisoformat(position.group(1)), int(position.group(2))
        query = query.where(
            or_(ActionItem.due_on > due, and_(ActionItem.due_on == due, ActionItem.id > last))
        )
    rows = db.session.execute(query).all()
    more, rows = len(rows) > size, rows[:size]
    involved = disclosure.involvement({action.case_id for action, _code in rows})
    # consents are not read here: a category that needs one is refused on this page
    receive = disclosure.receivable(())[OUTCOME_CATEGORY]
    allowed: set[int] = set()
    for case_id, code in dict((a.case_id, c) for a, c in rows).items():
        decision = disclosure.decide(Level.content, involved.get(case_id))
        disclosure.note_category(_Ref(case_id, code), decision, receive)
        if decision.allowed and receive.allowed:
            allowed.add(case_id)
    disclosure.record()
    disclosure.load_keys(allowed)
    lines = []
    for action, code in rows:
        if action.case_id not in allowed:
            continue
        shown = not disclosure.key_destroyed(action.case_id)
        opener = _opener(disclosure, action.case_id, shown)
        lines.append(_action(action, code, opener, None, reader))
    last_row = rows[-1][0] if rows else None
    key = f"{last_row.due_on.isoformat()}.{last_row.id}" if more and last_row else None
    return Page(tuple(lines), after=key, continued=bool(position))


def own_action(reader: User, action_id: int) -> ActionItem:
    """An open action of the reader's organisation, for changing its status (no text read);
    refused like a missing page otherwise."""
    action = db.session.get(ActionItem, action_id)
    if (
        action is None
        or reader.role is not Role.partner
        or action.owner_partner_code != reader.organisation.code
    ):
        raise DisclosureRefused()
    return action


@dataclass(frozen=True)
class OrganisationShare:
    """One organisation's actions in counts: no case, no text."""

    partner_code: str
    open: int
    overdue: int
    done: int
    not_possible: int
    not_done: int
    lapsed: int

    @property
    def closed(self) -> int:
        return self.done + self.not_possible + self.not_done

    def share(self, count: int) -> int:
        """Percentage of the closed actions (vervallen left out)."""
        return round(100 * count / self.closed) if self.closed else 0


def action_overview(reader: User) -> tuple[OrganisationShare, ...]:
    """The chair's overview per owner organisation: open and overdue actions, and the shares
    of gedaan, niet mogelijk and niet gedaan. Counts only (one query): nothing of a case is
    disclosed, so nothing is logged; anyone but the chair gets nothing."""
    if reader.role is not Role.chair:
        return ()
    rows = db.session.execute(
        select(
            ActionItem.owner_partner_code,
            ActionItem.status,
            (ActionItem.due_on < today()).label("late"),
            func.count(ActionItem.id),
        ).group_by(ActionItem.owner_partner_code, ActionItem.status, "late")
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for code, status, late, number in rows:
        row = counts.setdefault(code, dict.fromkeys(_SHARE_FIELDS, 0))
        row[ActionStatus(status).value] += number
        if ActionStatus(status) is ActionStatus.open and late:
            row["overdue"] += number
    return tuple(OrganisationShare(code, **counts[code]) for code in sorted(counts))


_SHARE_FIELDS = ("open", "overdue", "done", "not_possible", "not_done", "lapsed")


@dataclass(frozen=True)
class ExcerptItem:
    position: int
    item_id: int
    minutes: minutes_surface.MinutesView
    outcomes: OutcomesView


def excerpt(
    reader: User,
    meeting: Meeting,
    convenant: Convenant,
    *,
    action: AuditAction = AuditAction.read,
) -> tuple[ExcerptItem, ...]:
    """A meeting's minutes, decisions and actions as one reader may have them: a partner the
    items its organisation sat at the table for, in the categories it may receive; the chair
    every item at the level the rules allow. Each item's reads are events (``action``: read
    for the page, export for the PDF)."""
    if reader.role is Role.partner:  # the items its organisation sat at the table for
        seated = select(TableSeat.agenda_item_id).where(
            TableSeat.partner_code == reader.organisation.code
        )
        query = select(AgendaItem).where(AgendaItem.id.in_(seated))
    elif reader.role is Role.chair:
        query = select(AgendaItem)
    else:
        return ()
    items = list(
        db.session.scalars(
            query.where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
            .options(selectinload(AgendaItem.case).selectinload(Case.consents))
        )
    )
    if not items:
        return ()
    # the page's rows in a fixed number of queries, whatever the number of items
    item_ids = [item.id for item in items]
    case_ids = {item.case_id for item in items}
    minutes_of = {
        m.agenda_item_id: m
        for m in db.session.scalars(
            select(Minutes)
            .where(Minutes.agenda_item_id.in_(item_ids))
            .options(selectinload(Minutes.versions).selectinload(MinutesVersion.paragraphs))
        )
    }
    decisions_of: dict[int, list[Decision]] = {}
    for d in db.session.scalars(
        select(Decision)
        .where(Decision.agenda_item_id.in_(item_ids))
        .order_by(Decision.agenda_item_id, Decision.number)
    ):
        decisions_of.setdefault(d.agenda_item_id, []).append(d)
    actions_of: dict[int, list[ActionItem]] = {}
    for a in db.session.scalars(
        select(ActionItem)
        .where(ActionItem.case_id.in_(case_ids))
        .order_by(ActionItem.id)
        .options(selectinload(ActionItem.changes))
    ):
        actions_of.setdefault(a.case_id, []).append(a)
    earlier_of = _earlier_items_of(case_ids, meeting.starts_at)

    disclosure = Disclosure(reader, Purpose.case_conference, convenant, action=action)
    involved = disclosure.involvement(case_ids) if disclosure.organisation else {}
    disclosure.load_keys(case_ids)
    levels = (Level.content, Level.process)
    decided = []
    for item in items:
        case = item.case
        decision = disclosure.highest_of(levels, involved.get(case.id))
        if not decision.allowed:
            disclosure.note(case, decision)
            disclosure.refuse()
        minutes = minutes_of.get(item.id)
        read = minutes_surface.decide(
            disclosure, case, decision, minutes, minutes_surface.version_of(minutes)
        )
        decisions, actions = decisions_of.get(item.id, []), actions_of.get(case.id, [])
        texts = _decide_outcomes(disclosure, case, decision, decisions, actions)
        decided.append((item, case, decision, read, decisions, actions, texts))
    disclosure.record()
    return tuple(
        ExcerptItem(
            item.position,
            item.id,
            minutes_surface.opened(disclosure, read),
            _outcomes(
                disclosure, item, case, decision, decisions, actions, texts,
                *earlier_of.get(case.id, (set(), None)),
            ),
        )
        for item, case, decision, read, decisions, actions, texts in decided
    )  # fmt: skip


def _earlier_items_of(case_ids: Collection[int], before: datetime):  # type: ignore[no-untyped-def]
    """:func:`_earlier_items` for many cases at once (items of meetings before ``before``)."""
    rows = db.session.execute(
        select(AgendaItem.id, AgendaItem.case_id, Meeting.starts_at)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            AgendaItem.case_id.in_(list(case_ids)),
            Meeting.starts_at < before,
            Meeting.status != MeetingStatus.draft,
        )
    ).all()
    by_case: dict[int, list] = {}  # type: ignore[type-arg]
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return {
        case_id: ({row.id for row in found}, max(found, key=lambda row: row.starts_at))
        for case_id, found in by_case.items()
    }


__all__ = [
    "ActionView",
    "DecisionView",
    "ExcerptItem",
    "OrganisationShare",
    "OutcomesView",
    "action_overview",
    "excerpt",
    "item_outcomes",
    "my_actions",
]
