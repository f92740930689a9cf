"""Queries over the chained audit log for the privacy officer: a filtered page in keyset order,
a case's disclosures, and the releases per partner and category.

Only the gate's oversight surface calls these, after it has recorded the read. Every query
walks an index in ``seq`` order and stops: no OFFSET, so a deep page costs what page one does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session

from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import AuditAction, Level, ObjectType, Outcome

#: the actions that release (or try to release) a case's data to someone
DISCLOSING = (
    AuditAction.read,
    AuditAction.export,
    AuditAction.print,
    AuditAction.search,
    AuditAction.reveal_identity,
)
#: rows fetched per round trip by an export
BATCH = 2_000


@dataclass(frozen=True)
class LogFilter:
    """What the audit browser narrows the log to; None means any."""

    #: from this moment (inclusive) until ``end`` (exclusive), UTC
    start: datetime | None = None
    end: datetime | None = None
    case_code: str | None = None
    organisation: str | None = None
    user_id: int | None = None
    action: AuditAction | None = None
    outcome: Outcome | None = None
    level: Level | None = None
    convenant_version: str | None = None
    article: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses of this filter."""
        event = AuditEvent
        given: list[tuple[Any, Any]] = [
            (self.case_code, lambda v: event.object_id == v),
            (self.organisation, lambda v: event.actor_org == v),
            (self.user_id, lambda v: event.actor_user_id == v),
            (self.action, lambda v: event.action == AuditAction(v).value),
            (self.outcome, lambda v: event.outcome == Outcome(v).value),
            (self.level, lambda v: event.level == Level(v).value),
            (self.convenant_version, lambda v: event.convenant_version == v),
            (self.article, lambda v: event.convenant_article == v),
            (self.start, lambda v: event.occurred_at >= v),
            (self.end, lambda v: event.occurred_at < v),
        ]
        return [condition(value) for value, condition in given if value is not None]


def page(
    session: Session, log_filter: LogFilter, *, before: int | None, size: int
) -> tuple[list[AuditEvent], bool]:
    """Up to ``size`` events matching the filter, newest first, older than ``before`` (a seq);
    and whether there are more."""
    query = select(AuditEvent).where(*log_filter.conditions())
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    query = query.order_by(AuditEvent.seq.desc()).suffix_with(_limit(size + 1))
    rows = list(session.scalars(query))
    return rows[:size], len(rows) > size


def _limit(count: int) -> str:
    """``LIMIT n``, written out: SQLAlchemy's SQLite dialect renders ``.limit(n)`` as ``LIMIT n
    OFFSET 0``, and a keyset page has no use for OFFSET at all (the test looks for none)."""
    return f"LIMIT {int(count)}"


def every(session: Session, log_filter: LogFilter, *, limit: int) -> Iterator[AuditEvent]:
    """Every event matching the filter, newest first, at most ``limit``, in keyset batches."""
    before: int | None = None
    given = 0
    while given < limit:
        rows, more = page(session, log_filter, before=before, size=min(BATCH, limit - given))
        yield from rows
        given += len(rows)
        if not more or not rows:
            return
        before = rows[-1].seq


def case_disclosures(session: Session, case_code: str) -> list[AuditEvent]:
    """Every release (and refused attempt) of the case's data, oldest first."""
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.object_id == case_code,
            AuditEvent.object_type == ObjectType.case.value,
            AuditEvent.action.in_([action.value for action in DISCLOSING]),
        )
        .order_by(AuditEvent.seq)
    )
    return list(session.scalars(query))


def releases(session: Session, start: datetime, end: datetime) -> list[Row[Any]]:
    """Content-level decisions on cases in the period, counted per organisation, categories,
    outcome and convenant version (the partner x category matrix's input)."""
    event = AuditEvent
    query = (
        select(
            event.actor_org,
            event.categories,
            event.outcome,
            event.convenant_id,
            event.convenant_version,
            func.count().label("count"),
        )
        .where(
            event.object_type == ObjectType.case.value,
            event.level == Level.content.value,
            event.categories.is_not(None),
            event.action.in_([action.value for action in DISCLOSING]),
            event.occurred_at >= start,
            event.occurred_at < end,
        )
        .group_by(
            event.actor_org,
            event.categories,
            event.outcome,
            event.convenant_id,
            event.convenant_version,
        )
    )
    return list(session.execute(query))
