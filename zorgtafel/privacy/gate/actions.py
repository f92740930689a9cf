"""The gate's actions surface: an item's decisions and actions (and the case's open actions
to review), and an organisation's own actions across cases ("Mijn acties").

Decisions and action texts are disclosed in the ``plan-acties`` category: at content level,
to organisations that may receive it; below that, the lines without their texts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import today
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus
from zorgtafel.minutes.models import (
    OUTCOME_CATEGORY,
    ActionChange,
    ActionItem,
    ActionStatus,
    Decision,
)
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
    reader = disclosure.reader
    names = assignee_names(reader, actions)

    def line(a: ActionItem) -> ActionView:
        return action_view(a, case.code, a.changes, open_, item.id, reader, names)

    return OutcomesView(
        decision.level,
        tuple(
            DecisionView(d.number, d.created_at, open_(d.text, "decisions", d.id, "text"))
            for d in decisions
        ),
        tuple(line(a) for a in actions if a.agenda_item_id == item.id),
        tuple(
            line(a)
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


def action_view(  # type: ignore[no-untyped-def]
    action: Any,
    code: str,
    changes: Iterable[Any],
    open_,
    item_id: int | None,
    reader: User,
    names: dict[int, str],
) -> ActionView:
    """The view of one action, from its ORM object or its row and its changes' (in order);
    ``item_id`` the item it is shown at (None: no item), ``names`` from
    :func:`assignee_names`."""
    changes = tuple(changes)
    return ActionView(
        action.id,
        code,
        action.owner_partner_code,
        action.due_on,
        action.status,
        action.agenda_item_id,
        open_(action.description, "action_items", action.id, "description"),
        tuple(_change(change, open_) for change in changes),
        item_id is not None and any(change.review_item_id == item_id for change in changes),
        names.get(action.assignee_user_id) if _sees_assignee(action, reader) else None,
    )


def _sees_assignee(action: Any, reader: User) -> bool:
    """The named user's name is for the chair and the owner organisation only."""
    if action.assignee_user_id is None:
        return False
    own = reader.role is Role.partner and reader.organisation.code == action.owner_partner_code
    return reader.role is Role.chair or own


def assignee_names(reader: User, actions: Iterable[Any]) -> dict[int, str]:
    """The names of the actions' named users that the reader may see, by user id (one
    statement; none when no such action names one)."""
    wanted = {a.assignee_user_id for a in actions if _sees_assignee(a, reader)}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())


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
        select(*ACTION_COLUMNS, Case.code)
        .join(Case, Case.id == ActionItem.case_id)
        .where(
            ActionItem.owner_partner_code == reader.organisation.code,
            ActionItem.status == ActionStatus.open,
        )
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(size + 1)
    )
    position = AFTER.match(after or "")
    if position:
        due, last = date.fromisoformat(position.group(1)), int(position.group(2))
        query = query.where(
            or_(ActionItem.due_on > due, and_(ActionItem.due_on == due, ActionItem.id > last))
        )
    rows = db.session.connection().execute(query).all()
    more, rows = len(rows) > size, rows[:size]
    changes = changes_of([row.id for row in rows])
    involved = disclosure.involvement({row.case_id for row in rows})
    # consents are not read here: a category that needs one is refused on this page
    receive = disclosure.receivable(())[OUTCOME_CATEGORY]
    allowed: set[int] = set()
    for case_id, code in dict((row.case_id, row.code) for row in rows).items():
        decision = disclosure.decide(Level.content, involved.get(case_id))
        disclosure.note_category(_Ref(case_id, code), decision, receive)
        if decision.allowed and receive.allowed:
            allowed.add(case_id)
    disclosure.record()
    disclosure.load_keys(allowed)
    names = assignee_names(reader, rows)
    lines = []
    with disclosure.opening():
        for row in rows:
            if row.case_id not in allowed:
                continue
            shown = not disclosure.key_destroyed(row.case_id)
            opener = _opener(disclosure, row.case_id, shown)
            found = changes.get(row.id, ())
            lines.append(action_view(row, row.code, found, opener, None, reader, names))
    last_row = rows[-1] if rows else None
    key = f"{last_row.due_on.isoformat()}.{last_row.id}" if more and last_row else None
    return Page(tuple(lines), after=key, continued=bool(position))


#: what a page shows of an action, read as a plain row
ACTION_COLUMNS = (
    ActionItem.id,
    ActionItem.case_id,
    ActionItem.agenda_item_id,
    ActionItem.owner_partner_code,
    ActionItem.assignee_user_id,
    ActionItem.due_on,
    ActionItem.status,
    ActionItem.description,
    ActionItem.closed_at,
)


#: what a page shows of an action's change, read as a plain row
CHANGE_COLUMNS = (
    ActionChange.id,
    ActionChange.action_id,
    ActionChange.from_status,
    ActionChange.to_status,
    ActionChange.review_item_id,
    ActionChange.reason,
    ActionChange.changed_at,
)
_CHANGES = (
    select(*CHANGE_COLUMNS)
    .where(ActionChange.action_id.in_(bindparam("action_ids", expanding=True)))
    .order_by(ActionChange.id)
)


def changes_of(action_ids: Collection[int]) -> dict[int, list[Any]]:
    """The actions' changes as plain rows, in order, per action (one statement; none for no
    actions)."""
    if not action_ids:
        return {}
    found: dict[int, list[Any]] = {}
    connection = db.session.connection()
    for change in connection.execute(_CHANGES, {"action_ids": list(action_ids)}):
        found.setdefault(change.action_id, []).append(change)
    return found


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


__all__ = [
    "ACTION_COLUMNS",
    "CHANGE_COLUMNS",
    "ActionView",
    "DecisionView",
    "OrganisationShare",
    "OutcomesView",
    "action_overview",
    "action_view",
    "assignee_names",
    "changes_of",
    "item_outcomes",
    "my_actions",
]
