"""The gate's access-request surface (AVG art. 15): the privacy officer finds a data subject's
cases through the keyed lookup hashes and compiles what the report must say.

The search is a reveal (purpose *access request*): each case found is one ``reveal_identity``
event, a search that finds nothing one search event on the audit log; nothing is decrypted
here and no plaintext is searched (the lookups are HMACs made by :mod:`zorgtafel.privacy.lookup`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from zorgtafel.audit import browse
from zorgtafel.audit.vocabulary import AuditAction, Level, ObjectType, Outcome, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import today
from zorgtafel.core.db import db
from zorgtafel.privacy.access_rules import decide_log_reading
from zorgtafel.privacy.gate.kernel import Disclosure
from zorgtafel.privacy.lookup import Lookups

#: AVG art. 12(3): one month, extendable by two further months
ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2


@dataclass(frozen=True)
class Release:
    """One release of the subject's data to an organisation: when, which categories."""

    partner_code: str
    occurred_at: datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class CaseReport:
    code: str
    stage: str
    created_at: datetime
    closed_at: datetime | None
    #: category held -> the partner organisations it came from (its sources)
    held: dict[str, tuple[str, ...]]
    releases: tuple[Release, ...]


@dataclass(frozen=True)
class AccessReport:
    received_on: date
    cases: tuple[CaseReport, ...]
    purpose: str
    case_data_years_after_closure: int
    minutes_years_after_meeting: int

    @property
    def due_on(self) -> date:
        return _add_months(self.received_on, ANSWER_MONTHS)

    @property
    def extended_due_on(self) -> date:
        return _add_months(self.received_on, ANSWER_MONTHS + EXTENSION_MONTHS)


def access_report(
    reader: User, lookups: Lookups, convenant: Convenant, *, received_on: date | None = None
) -> AccessReport:
    """The subject's cases and, per case, the categories held with their sources and every
    release to an organisation (from the audit log); refused (logged, 404) to anyone but an
    active privacy officer."""
    disclosure = Disclosure(
        reader, Purpose.access_request, convenant, action=AuditAction.reveal_identity
    )
    decision = decide_log_reading(reader)
    found = _matches(lookups) if decision.allowed else []
    if not found:
        disclosure.note_object(ObjectType.audit_log, None, decision, action=AuditAction.search)
    for case in found:
        disclosure.queue(case, Level.process, allowed=True, reason=decision.reason)
    if not decision.allowed:
        disclosure.refuse()
    disclosure.record()
    return AccessReport(
        received_on or today(),
        tuple(_case_report(case) for case in found),
        convenant.purpose,
        convenant.retention.case_data_years_after_closure,
        convenant.retention.minutes_years_after_meeting,
    )


def _matches(lookups: Lookups) -> list[Case]:
    conditions = []
    if lookups.bsn:
        conditions.append(Case.bsn_lookup == lookups.bsn)
    if lookups.name:
        conditions.append(Case.name_lookup == lookups.name)
    if not conditions:
        return []
    return list(db.session.scalars(select(Case).where(or_(*conditions)).order_by(Case.code)))


def _case_report(case: Case) -> CaseReport:
    held: dict[str, set[str]] = {}
    for contribution in case.contributions:
        held.setdefault(contribution.category_code, set()).add(contribution.partner_code)
    releases = tuple(
        Release(event.actor_org, event.occurred_at, tuple(event.categories.split(",")))
        for event in browse.case_disclosures(db.session, case.code)
        if event.outcome == Outcome.allowed.value
        and event.level == Level.content.value
        and event.actor_org
        and event.categories
    )
    return CaseReport(
        case.code,
        case.stage.value,
        case.created_at,
        case.closed_at,
        {code: tuple(sorted(partners)) for code, partners in sorted(held.items())},
        releases,
    )


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where that day does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


__all__ = ["AccessReport", "CaseReport", "Release", "access_report"]
