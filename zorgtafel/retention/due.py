"""The due list: cases and minutes past their term, with what their erasure would remove.

Held cases are listed apart (with their holds), not as due; a hold that ends puts the case
back, because the list is worked out from the holds in force at the moment it is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case, Stage
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import chunks, db
from zorgtafel.meetings.models import AgendaItem, Meeting
from zorgtafel.minutes.models import Minutes, MinutesParagraph, MinutesVersion
from zorgtafel.privacy.gate import retention as gate
from zorgtafel.privacy.models import CaseKey
from zorgtafel.retention.clocks import Term, Terms
from zorgtafel.retention.models import ErasureProposal, Hold, Kind, ProposalStatus, Scope


@dataclass
class DueEntry:
    """One case (or one item's minutes) past its term."""

    scope: Scope
    case: Case
    term: Term
    agenda_item_id: int | None = None
    counts: dict[Kind, int] = field(default_factory=dict)
    holds: list[Hold] = field(default_factory=list)
    proposal: ErasureProposal | None = None

    @property
    def held(self) -> bool:
        return bool(self.holds)

    @property
    def key(self) -> str:
        """Names the entry in a form: ``case`` or ``minutes-<item id>``."""
        return "case" if self.scope is Scope.case else f"minutes-{self.agenda_item_id}"


@dataclass
class DueList:
    at: datetime
    entries: list[DueEntry]

    @property
    def due(self) -> list[DueEntry]:
        return [entry for entry in self.entries if not entry.held]

    @property
    def held(self) -> list[DueEntry]:
        return [entry for entry in self.entries if entry.held]

    def totals(self) -> dict[Kind, int]:
        totals = dict.fromkeys(Kind, 0)
        for entry in self.due:
            for kind, number in entry.counts.items():
                totals[kind] += number
        return totals


def due_list(reader: User, convenant: Convenant, at: datetime | None = None) -> DueList:
    """Every case and every item's minutes past the term at ``at`` (now), counted through
    the gate; nothing is erased."""
    at = at or utcnow()
    entries = find_due(at)
    cases = [e.case for e in entries if e.scope is Scope.case]
    counts = gate.case_counts(reader, convenant, cases)
    minutes = [(e.case, e.agenda_item_id) for e in entries if e.scope is Scope.minutes]
    paragraphs = gate.minutes_counts(reader, convenant, minutes)  # type: ignore[arg-type]
    for entry in entries:
        if entry.scope is Scope.case:
            entry.counts = counts[entry.case.id]
        else:
            entry.counts = {
                **dict.fromkeys(Kind, 0),
                Kind.minutes_paragraphs: paragraphs[entry.agenda_item_id],
            }  # type: ignore[index]
    return DueList(at, entries)


def find_due(at: datetime, case_id: int | None = None) -> list[DueEntry]:
    """The entries past their term, without counts; ``case_id``: only that case's (the
    erasure's own check, which need not work out the whole list)."""
    terms = Terms()
    shredded = select(CaseKey.case_id).where(CaseKey.destroyed_at.is_not(None))
    only = () if case_id is None else (Case.id == case_id,)
    # whole years are at least 365 days each (29 February + n years is 28 February): a case
    # closed more recently than the shortest term in days is not loaded, it cannot be due
    shortest = terms.shortest_case_years()
    recent = () if shortest is None else (Case.closed_at <= at - timedelta(days=365 * shortest),)
    session = db.session
    entries: list[DueEntry] = []
    closed = session.scalars(
        select(Case)
        .where(Case.stage == Stage.afgesloten, Case.closed_at.is_not(None), *only, *recent)
        .where(Case.id.not_in(shredded))
        .order_by(Case.closed_at, Case.id)
    )
    for case in closed:
        term = terms.case(case.closed_at, at)
        if term is not None and term.past(at):
            entries.append(DueEntry(Scope.case, case, term))
    due_cases = {entry.case.id for entry in entries}
    minuted = session.execute(
        select(Case, AgendaItem.id, Meeting.starts_at)
        .join(AgendaItem, AgendaItem.case_id == Case.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Minutes, Minutes.agenda_item_id == AgendaItem.id)
        .where(Case.id.not_in(shredded), _has_paragraphs(), *only)
        .order_by(Meeting.starts_at, AgendaItem.id)
    )
    for case, item_id, starts_at in minuted:
        if case.id in due_cases:
            continue  # the case's erasure takes its minutes with it
        term = terms.minutes(starts_at, at)
        if term is not None and term.past(at):
            entries.append(DueEntry(Scope.minutes, case, term, item_id))
    _attach(entries, at)
    return entries


def _has_paragraphs():  # type: ignore[no-untyped-def]
    """Minutes not yet erased: they still have a paragraph."""
    return exists(
        select(MinutesParagraph.id)
        .join(MinutesVersion, MinutesVersion.id == MinutesParagraph.version_id)
        .where(MinutesVersion.minutes_id == Minutes.id)
    )


def _attach(entries: list[DueEntry], at: datetime) -> None:
    """Holds in force and open proposals, in two queries."""
    case_ids = {entry.case.id for entry in entries}
    if not case_ids:
        return
    holds: dict[int, list[Hold]] = {}
    proposals: dict[tuple[int, int | None], ErasureProposal] = {}
    for ids in chunks(sorted(case_ids)):
        for hold in db.session.scalars(
            select(Hold).where(Hold.case_id.in_(ids), Hold.ends_at > at).order_by(Hold.id)
        ):
            if hold.active_at(at):
                holds.setdefault(hold.case_id, []).append(hold)
        for p in db.session.scalars(
            select(ErasureProposal).where(
                ErasureProposal.case_id.in_(ids),
                ErasureProposal.status == ProposalStatus.proposed,
            )
        ):
            proposals[(p.case_id, p.agenda_item_id)] = p
    for entry in entries:
        entry.holds = holds.get(entry.case.id, [])
        entry.proposal = proposals.get((entry.case.id, entry.agenda_item_id))
