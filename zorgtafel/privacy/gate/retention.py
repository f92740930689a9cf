"""The gate's retention surface: what an erasure would remove, and who received the case.

The chair and the privacy officer see cases at *process* level; the dry run is such a read
(purpose *retention*), decided and recorded per case before anything is counted. It counts
rows per kind and never opens one: nothing here decrypts. The receipts (which organisation
received what, when) come from the audit log, which holds codes and dates only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import AuditAction, Level, ObjectType, Outcome, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import chunks, db
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes.models import ActionItem, Decision, Minutes, MinutesParagraph, MinutesVersion
from zorgtafel.privacy.gate.kernel import CaseRef, Disclosure
from zorgtafel.retention.models import Kind

#: what counts as having received a case's data: reads and copies taken
RECEIVING = tuple(
    a.value
    for a in (AuditAction.read, AuditAction.export, AuditAction.print, AuditAction.reveal_identity)
)


@dataclass(frozen=True)
class Receipt:
    """What one organisation received of a case in one category (None: process data)."""

    category: str | None
    first: date
    last: date
    times: int


def _decide(reader: User, convenant: Convenant, cases: Sequence[CaseRef]) -> None:
    """One process-level decision per case, recorded; refuses if any is refused."""
    disclosure = Disclosure(reader, Purpose.retention, convenant, action=AuditAction.search)
    decisions = disclosure.levels(cases, Level.process)
    if not all(decision.allowed for decision in decisions.values()):
        disclosure.refuse()
    disclosure.record()


def case_counts(
    reader: User, convenant: Convenant, cases: Sequence[Case]
) -> dict[int, dict[Kind, int]]:
    """Per case, how many rows of each kind its erasure would remove (counts only)."""
    if not cases:
        return {}
    _decide(reader, convenant, cases)
    return count_case_rows([case.id for case in cases])


def minutes_counts(
    reader: User, convenant: Convenant, items: Sequence[tuple[Case, int]]
) -> dict[int, int]:
    """Per agenda item, how many minutes paragraphs its minutes erasure would remove."""
    if not items:
        return {}
    _decide(reader, convenant, list({case.id: case for case, _ in items}.values()))
    return count_item_paragraphs([item_id for _, item_id in items])


def count_case_rows(case_ids: list[int]) -> dict[int, dict[Kind, int]]:
    """The dry run's counts (also the erasure's own, just before it erases)."""
    counts = {case_id: dict.fromkeys(Kind, 0) for case_id in case_ids}
    for ids in chunks(case_ids):
        _count_case_rows(ids, counts)
    return counts


def _count_case_rows(case_ids: list[int], counts: dict[int, dict[Kind, int]]) -> None:
    session = db.session
    for case_id, identity, bsn, name in session.execute(
        select(Case.id, Case.identity.is_not(None), Case.bsn_lookup, Case.name_lookup).where(
            Case.id.in_(case_ids)
        )
    ):
        counts[case_id][Kind.identity] = int(bool(identity))
        counts[case_id][Kind.lookup_hashes] = int(bsn is not None) + int(name is not None)
    grouped = (
        (Kind.contributions, select(Contribution.case_id, func.count())
         .group_by(Contribution.case_id).where(Contribution.case_id.in_(case_ids))),
        (Kind.decisions, select(Decision.case_id, func.count()).group_by(Decision.case_id)
         .where(Decision.case_id.in_(case_ids), Decision.text.is_not(None))),
        (Kind.actions, select(ActionItem.case_id, func.count()).group_by(ActionItem.case_id)
         .where(ActionItem.case_id.in_(case_ids), ActionItem.description.is_not(None))),
        (Kind.minutes_paragraphs, _paragraphs().add_columns(AgendaItem.case_id)
         .where(AgendaItem.case_id.in_(case_ids)).group_by(AgendaItem.case_id)),
    )  # fmt: skip
    for kind, query in grouped:
        for row in session.execute(query):
            if kind is Kind.minutes_paragraphs:
                counts[row[1]][kind] = row[0]
            else:
                counts[row[0]][kind] = row[1]


def count_item_paragraphs(item_ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(item_ids, 0)
    for ids in chunks(item_ids):
        query = (
            _paragraphs()
            .add_columns(Minutes.agenda_item_id)
            .where(Minutes.agenda_item_id.in_(ids))
            .group_by(Minutes.agenda_item_id)
        )
        for number, item_id in db.session.execute(query):
            counts[item_id] = number
    return counts


def _paragraphs():  # type: ignore[no-untyped-def]
    return (
        select(func.count(MinutesParagraph.id))
        .join(MinutesVersion, MinutesVersion.id == MinutesParagraph.version_id)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .join(AgendaItem, AgendaItem.id == Minutes.agenda_item_id)
    )


def receipts(case_code: str) -> dict[str, list[Receipt]]:
    """Per organisation, what it received of the case by category and date, from the log.

    Called by the erasure (purpose *retention*), which records its own events; the log's
    rows are codes and dates, no case content.
    """
    query = (
        select(
            AuditEvent.actor_org,
            AuditEvent.categories,
            func.min(AuditEvent.occurred_at),
            func.max(AuditEvent.occurred_at),
            func.count(),
        )
        .where(
            AuditEvent.object_type == ObjectType.case.value,
            AuditEvent.object_id == case_code,
            AuditEvent.outcome == Outcome.allowed.value,
            AuditEvent.actor_org.is_not(None),
            AuditEvent.actor_role.in_(("chair", "partner")),
            AuditEvent.action.in_(RECEIVING),
            AuditEvent.level.in_((Level.process.value, Level.content.value)),
        )
        .group_by(AuditEvent.actor_org, AuditEvent.categories)
    )
    merged: dict[str, dict[str | None, list]] = defaultdict(dict)  # type: ignore[type-arg]
    for org, categories, first, last, times in db.session.execute(query):
        for category in (categories or "").split(",") if categories else [None]:
            known = merged[org].get(category)
            if known is None:
                merged[org][category] = [first, last, times]
            else:
                known[0], known[1], known[2] = (
                    min(known[0], first),
                    max(known[1], last),
                    known[2] + times,
                )
    return {
        org: [
            Receipt(category, _day(first), _day(last), times)
            for category, (first, last, times) in sorted(by.items(), key=lambda kv: kv[0] or "")
        ]
        for org, by in sorted(merged.items())
    }


def _day(moment) -> date:  # type: ignore[no-untyped-def]
    from zorgtafel.core.clock import AMSTERDAM

    return moment.astimezone(AMSTERDAM).date() if moment.tzinfo else moment.date()
