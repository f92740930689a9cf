"""The gate's oversight surface: the privacy officer reads the audit log.

Reading the log is itself a disclosure (purpose *oversight*), logged like any other: each
function decides once (only an active privacy officer may), records once, and only then reads
the log. The log holds codes and pseudonyms, never content; nothing here decrypts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, select

from zorgtafel.audit import browse
from zorgtafel.audit.browse import LogFilter
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import AuditAction, Level, ObjectType, Outcome, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant, Direction
from zorgtafel.core.db import db
from zorgtafel.oversight.models import Signal, SignalStatus
from zorgtafel.privacy.access_rules import decide_log_reading
from zorgtafel.privacy.gate.kernel import Disclosure
from zorgtafel.privacy.gate.views import Page

#: events per page of the audit browser
PAGE_SIZE = 50
#: the most signals the triage queue shows at once
SIGNALS_SHOWN = 500
#: the most events one CSV export holds (narrow the filter for more)
EXPORT_LIMIT = 100_000


def audit_page(
    reader: User,
    convenant: Convenant,
    log_filter: LogFilter,
    *,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page[AuditEvent]:
    """One page of the log, newest first, older than the event ``after`` (a seq); the read is
    one search event on the audit log (naming the case code filtered on, if any)."""
    _record(reader, convenant, AuditAction.search, ObjectType.audit_log, log_filter.case_code)
    rows, more = browse.page(db.session, log_filter, before=after, size=size)
    return Page(
        tuple(rows),
        after=str(rows[-1].seq) if more and rows else None,
        continued=after is not None,
    )


def audit_export(reader: User, convenant: Convenant, log_filter: LogFilter) -> list[AuditEvent]:
    """Every event of the filter (at most :data:`EXPORT_LIMIT`), newest first; one export event."""
    _record(reader, convenant, AuditAction.export, ObjectType.audit_log, log_filter.case_code)
    return list(browse.every(db.session, log_filter, limit=EXPORT_LIMIT))


def case_disclosures(
    reader: User, case: Case, convenant: Convenant, *, action: AuditAction = AuditAction.read
) -> list[AuditEvent]:
    """Every release of the case's data, and every refused attempt, oldest first; the report
    is one event about the case (read for the page, export for CSV and PDF)."""
    disclosure = Disclosure(reader, Purpose.oversight, convenant, action=action)
    decision = decide_log_reading(reader)
    disclosure.note(case, decision)
    if not decision.allowed:
        disclosure.refuse()
    disclosure.record()
    return browse.case_disclosures(db.session, case.code)


@dataclass
class MatrixCell:
    """One partner and category: what the convenant in force allows, what was released."""

    #: the article that lets the partner receive the category today (None: not allowed)
    article: str | None
    #: receiving it needs the subject's recorded consent
    needs_consent: bool
    released: int = 0
    refused: int = 0
    #: releases that rested on recorded consent (under the version then in force)
    on_consent: int = 0
    #: releases the version in force today would no longer allow
    no_longer_allowed: int = 0

    @property
    def never_used(self) -> bool:
        """A right the partner holds but did not use in the period."""
        return self.article is not None and self.released == 0


@dataclass
class ReleaseMatrix:
    """Partner x category for a period, against the convenant version in force."""

    start: datetime
    end: datetime
    convenant: Convenant
    cells: dict[tuple[str, str], MatrixCell] = field(default_factory=dict)
    #: organisations in the log that are no partner of the version in force, with counts
    others: dict[str, int] = field(default_factory=dict)

    def cell(self, partner: str, category: str) -> MatrixCell:
        return self.cells[(partner, category)]


def release_matrix(
    reader: User,
    convenant: Convenant,
    start: datetime,
    end: datetime,
    versions: dict[tuple[str, str], Convenant],
) -> ReleaseMatrix:
    """What each partner received per category in [start, end), next to what ``convenant`` (the
    version in force) allows. ``versions``: the stored convenant versions by (id, version), to
    tell which releases rested on consent under the version they were made under."""
    _record(reader, convenant, AuditAction.read, ObjectType.release_matrix, None)
    matrix = ReleaseMatrix(start, end, convenant)
    for partner in convenant.partners:
        for category in convenant.categories:
            right = convenant.right(partner.code, category.code, Direction.RECEIVE)
            consent = convenant.consent_requirement(partner.code, category.code)
            matrix.cells[(partner.code, category.code)] = MatrixCell(
                right.article if right else None, consent is not None
            )
    for row in browse.releases(db.session, start, end):
        _count(matrix, row, versions.get((row.convenant_id, row.convenant_version)))
    return matrix


def _count(matrix: ReleaseMatrix, row, then: Convenant | None) -> None:  # type: ignore[no-untyped-def]
    for category in row.categories.split(","):
        cell = matrix.cells.get((row.actor_org, category))
        if cell is None:
            matrix.others[row.actor_org] = matrix.others.get(row.actor_org, 0) + row.count
            continue
        if row.outcome == Outcome.refused.value:
            cell.refused += row.count
            continue
        cell.released += row.count
        if then is not None and then.consent_requirement(row.actor_org, category) is not None:
            cell.on_consent += row.count
        if cell.article is None:
            cell.no_longer_allowed += row.count


def anomaly_signals(reader: User, convenant: Convenant) -> list[Signal]:
    """The triage queue: open signals first, newest first; one search event on the signals."""
    _record(reader, convenant, AuditAction.search, ObjectType.anomaly_signal, None)
    open_first = case((Signal.status == SignalStatus.open.value, 0), else_=1)
    query = select(Signal).order_by(open_first, Signal.occurred_at.desc()).limit(SIGNALS_SHOWN)
    return list(db.session.scalars(query))


def record_report(
    reader: User, convenant: Convenant, action: AuditAction, object_type: ObjectType
) -> None:
    """A report the privacy officer compiles (the processing register): decided, logged."""
    _record(reader, convenant, action, object_type, None)


def _record(
    reader: User,
    convenant: Convenant,
    action: AuditAction,
    object_type: ObjectType,
    object_id: str | None,
) -> None:
    """Decide whether ``reader`` may read the log and record it; refused: logged, then 404."""
    disclosure = Disclosure(reader, Purpose.oversight, convenant, action=action)
    decision = decide_log_reading(reader)
    disclosure.note_object(object_type, object_id, decision)
    if not decision.allowed:
        disclosure.refuse()
    disclosure.record()


__all__ = [
    "EXPORT_LIMIT",
    "PAGE_SIZE",
    "Level",
    "LogFilter",
    "MatrixCell",
    "ReleaseMatrix",
    "anomaly_signals",
    "audit_export",
    "audit_page",
    "case_disclosures",
    "record_report",
    "release_matrix",
]
