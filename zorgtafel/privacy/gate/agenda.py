"""The gate's agenda surface: a meeting's agenda lines, and the item under discussion.

Every attendee's screen shows the agenda, and forty lines must stay cheap: the lines are read
as plain rows in a fixed number of statements, need-to-know for all of them in one more, and
the line decisions are asked once per distinct involvement.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sqlalchemy import bindparam, func, select

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem, Meeting, TableSeat
from zorgtafel.privacy.access_rules import SeatWarning, seat_warnings
from zorgtafel.privacy.gate import cases as case_surface
from zorgtafel.privacy.gate.kernel import Disclosure, DisclosureRefused
from zorgtafel.privacy.gate.views import AgendaLineView, AgendaView, CaseView

_ITEMS = AgendaItem.__table__
_CASES = Case.__table__
_SEATS = TableSeat.__table__
_CONTRIBUTIONS = Contribution.__table__

# Built once, on the tables (plain rows, no ORM objects). Seat codes are joined with commas:
# partner codes cannot hold one.
_SEAT_CODES = (
    select(func.aggregate_strings(_SEATS.c.partner_code, ","))
    .where(_SEATS.c.agenda_item_id == _ITEMS.c.id)
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
    )
    .join(_CASES, _CASES.c.id == _ITEMS.c.case_id)
    .where(_ITEMS.c.meeting_id == bindparam("meeting_id"))
    .order_by(_ITEMS.c.position)
)
#: which categories each agenda case holds contributions in (codes only; nothing decrypted)
_AGENDA_CATEGORIES = (
    select(_CONTRIBUTIONS.c.case_id, _CONTRIBUTIONS.c.category_code)
    .join(_ITEMS, _ITEMS.c.case_id == _CONTRIBUTIONS.c.case_id)
    .where(_ITEMS.c.meeting_id == bindparam("meeting_id"))
    .distinct()
)


class _Line:
    """An agenda row as the kernel sees a case: its id and pseudonym."""

    __slots__ = ("code", "id")

    def __init__(self, case_id: int, code: str) -> None:
        self.id, self.code = case_id, code


def agenda(
    reader: User,
    meeting: Meeting,
    convenant: Convenant,
    *,
    action: AuditAction = AuditAction.read,
) -> AgendaView:
    """A meeting's agenda at process level for the reader.

    The chair sees every line, with seat warnings. A partner sees the lines its organisation
    sits at the table for while the rules allow process level; every other line is closed
    (position and time only, nothing read, nothing logged). Each opened line is one event
    (``action``: read, or export for the PDF), a seated partner refused one refusal event.
    """
    disclosure = Disclosure(reader, Purpose.case_conference, convenant, action=action)
    rows = db.session.execute(_AGENDA, {"meeting_id": meeting.id}).all()
    seated_only = reader.organisation.code if reader.role is Role.partner else None
    open_rows = [row for row in rows if seated_only is None or seated_only in _seats(row)]
    involved = disclosure.involvement([row.case_id for row in open_rows], Level.process)
    warnings_for = _warnings(meeting.id, convenant) if reader.role is Role.chair else None
    opened: dict[int, AgendaLineView] = {}
    for row in open_rows:
        decision = disclosure.decide(Level.process, involved.get(row.case_id))
        disclosure.note(_Line(row.case_id, row.code), decision)
        if decision.allowed:
            opened[row.id] = _open_line(row, warnings_for)
    disclosure.record()
    lines = tuple(
        opened.get(row.id) or AgendaLineView(row.id, row.position, row.minutes) for row in rows
    )
    return AgendaView(lines, case_surface.contributable(reader, convenant) if seated_only else ())


def _seats(row) -> list[str]:  # type: ignore[no-untyped-def]
    return row.seats.split(",") if row.seats else []


def _warnings(
    meeting_id: int, convenant: Convenant
) -> Callable[[int, tuple[str, ...]], tuple[SeatWarning, ...]]:
    """The chair's seat warnings per line, asked once per partner and set of case categories
    (on an agenda the same questions come back line after line)."""
    held: dict[int, set[str]] = {}
    for case_id, category in db.session.execute(_AGENDA_CATEGORIES, {"meeting_id": meeting_id}):
        held.setdefault(case_id, set()).add(category)

    @cache
    def for_partner(partner_code: str, categories: frozenset[str]) -> tuple[SeatWarning, ...]:
        return tuple(seat_warnings(convenant, partner_code, categories))

    def for_line(case_id: int, partner_codes: tuple[str, ...]) -> tuple[SeatWarning, ...]:
        categories = frozenset(held.get(case_id, ()))
        return tuple(w for code in partner_codes for w in for_partner(code, categories))

    return for_line


def _open_line(  # type: ignore[no-untyped-def]
    row,
    warnings_for: Callable[[int, tuple[str, ...]], tuple[SeatWarning, ...]] | None,
) -> AgendaLineView:
    partner_codes = tuple(sorted(_seats(row)))
    return AgendaLineView(
        row.id,
        row.position,
        row.minutes,
        CaseView(row.code, row.stage, Level.exists),  # the columns' Enum types give members
        row.kind,
        partner_codes,
        warnings_for(row.case_id, partner_codes) if warnings_for else (),
    )


def current_item(reader: User, item: AgendaItem, convenant: Convenant) -> CaseView | None:
    """The case of the item under discussion in meeting mode, for one attendee, logged.

    None for a partner whose organisation is not at the table for this item (nothing read,
    nothing logged) or whom the rules refuse (the refusal logged). A seated partner gets the
    content level; the chair the content level where its organisation has need-to-know, else
    the process level.
    """
    if reader.role is Role.partner and reader.organisation.code not in item.partner_codes:
        return None
    try:
        return case_surface.case_page(reader, item.case, Purpose.case_conference, convenant)
    except DisclosureRefused:
        return None
