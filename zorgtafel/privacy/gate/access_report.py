"""The gate's access-request surface (AVG art. 15): the privacy officer finds a data subject's
cases through the keyed lookup hashes, and compiles the report the person receives.

- The search is a reveal (purpose *access request*): each case found is one
  ``reveal_identity`` event, a search that finds nothing one search event on the audit log; no
  plaintext is searched (the lookups are HMACs, :mod:`zorgtafel.privacy.lookup`).
- The report is a content disclosure to the privacy officer for the same purpose: one event
  per case naming every category held; only then are the identity and the contributions
  opened, except what a partner withheld (an ``AccessRefusal``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from zorgtafel.audit import browse
from zorgtafel.audit.vocabulary import AuditAction, Level, ObjectType, Outcome, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db
from zorgtafel.oversight.access_requests import AccessRefusal, AccessRequest, RefusalGround
from zorgtafel.privacy.access_rules import IDENTITY, decide_access_request
from zorgtafel.privacy.gate.kernel import Disclosure
from zorgtafel.privacy.lookup import Lookups
from zorgtafel.privacy.sealed import DisclosedText

#: AVG art. 12(3): one month, extendable by two further months
ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2


def find_subject(reader: User, lookups: Lookups, convenant: Convenant) -> list[Case]:
    """The cases whose keyed hashes match the BSN or the name and birth date: a logged reveal
    (one event per case found, or one search event when none is); refused (logged, 404) to
    anyone but an active privacy officer."""
    disclosure = Disclosure(
        reader, Purpose.access_request, convenant, action=AuditAction.reveal_identity
    )
    decision = decide_access_request(reader)
    found = _matches(lookups) if decision.allowed else []
    if not found:
        disclosure.note_object(ObjectType.audit_log, None, decision, action=AuditAction.search)
    for case in found:
        disclosure.queue(
            case, Level.exists, allowed=True, reason=decision.reason, categories=(IDENTITY,)
        )
    if not decision.allowed:
        disclosure.refuse()
    disclosure.record()
    return found


def _matches(lookups: Lookups) -> list[Case]:
    conditions = []
    if lookups.bsn:
        conditions.append(Case.bsn_lookup == lookups.bsn)
    if lookups.name:
        conditions.append(Case.name_lookup == lookups.name)
    if not conditions:
        return []
    return list(db.session.scalars(select(Case).where(or_(*conditions)).order_by(Case.code)))


@dataclass(frozen=True)
class Release:
    """One release of the subject's data to an organisation: when, which categories."""

    partner_code: str
    occurred_at: datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class HeldItem:
    """One contribution: its category, its source, when, and its text (None if withheld)."""

    category_code: str
    partner_code: str
    created_at: datetime
    text: DisclosedText | None
    withheld: bool = False


@dataclass(frozen=True)
class Withheld:
    partner_code: str
    category_code: str
    ground: RefusalGround
    explanation: str


@dataclass(frozen=True)
class CaseReport:
    code: str
    stage: str
    created_at: datetime
    closed_at: datetime | None
    identity: SubjectIdentity | None
    #: category held -> the partner organisations it came from (its sources)
    sources: dict[str, tuple[str, ...]]
    items: tuple[HeldItem, ...]
    releases: tuple[Release, ...]
    withheld: tuple[Withheld, ...]
    #: the case's data key is gone (crypto-shredded): nothing of it can be copied
    shredded: bool = False


@dataclass(frozen=True)
class AccessReport:
    request_id: int
    received_on: date
    extended: bool
    cases: tuple[CaseReport, ...]
    convenant: Convenant

    @property
    def due_on(self) -> date:
        months = ANSWER_MONTHS + (EXTENSION_MONTHS if self.extended else 0)
        return add_months(self.received_on, months)

    @property
    def extended_due_on(self) -> date:
        return add_months(self.received_on, ANSWER_MONTHS + EXTENSION_MONTHS)


def access_report(
    reader: User,
    request: AccessRequest,
    convenant: Convenant,
    *,
    action: AuditAction = AuditAction.read,
) -> AccessReport:
    """The report for the person: per case its identity and contributions (a copy, except
    what a partner withheld), their categories and sources, every release to an organisation
    from the audit log; one content event per case (``action``: read for the page, export
    for the PDF), refused (logged, 404) to anyone but an active privacy officer."""
    disclosure = Disclosure(reader, Purpose.access_request, convenant, action=action)
    decision = decide_access_request(reader)
    cases = [db.session.get(Case, link.case_id) for link in request.cases]
    cases = [case for case in cases if case is not None]
    if not decision.allowed:
        disclosure.note_object(ObjectType.audit_log, None, decision)
        disclosure.refuse()
    for case in cases:
        held = sorted({c.category_code for c in case.contributions} | {IDENTITY})
        disclosure.queue(case, Level.content, allowed=True, reason=decision.reason, categories=held)
        for category in held:
            disclosure.grant(case, category)
    disclosure.record()
    return AccessReport(
        request.id,
        request.received_on,
        request.extended,
        tuple(_case_report(disclosure, case, request.refusals) for case in cases),
        convenant,
    )


def _case_report(disclosure: Disclosure, case: Case, refusals: list[AccessRefusal]) -> CaseReport:
    mine = [r for r in refusals if r.case_id == case.id]
    refused = {(r.partner_code, r.category_code) for r in mine}
    shredded = disclosure.key_destroyed(case.id)
    sources: dict[str, set[str]] = {}
    for contribution in case.contributions:
        sources.setdefault(contribution.category_code, set()).add(contribution.partner_code)
    items = tuple(
        _item(disclosure, case, c, (c.partner_code, c.category_code) in refused or shredded)
        for c in case.contributions
    )
    return CaseReport(
        case.code,
        case.stage.value,
        case.created_at,
        case.closed_at,
        None if shredded else _identity(disclosure, case),
        {code: tuple(sorted(partners)) for code, partners in sorted(sources.items())},
        items,
        _releases(case),
        tuple(Withheld(r.partner_code, r.category_code, r.ground, r.explanation) for r in mine),
        shredded,
    )


def _item(disclosure: Disclosure, case: Case, c: Contribution, withheld: bool) -> HeldItem:
    # the data as held: the original where one was kept, else the (pseudonymised) text
    sealed, column = (c.original, "original") if c.original is not None else (c.text, "text")
    text = None
    if not withheld and sealed is not None:
        text = disclosure.open(
            case.id, sealed, category=c.category_code, table="contributions",
            row_id=c.id, column=column,
        )  # fmt: skip
    return HeldItem(c.category_code, c.partner_code, c.created_at, text, withheld)


def _identity(disclosure: Disclosure, case: Case) -> SubjectIdentity | None:
    if case.identity is None:
        return None
    sealed = disclosure.open(
        case.id, case.identity, category=IDENTITY, table="cases", row_id=case.id,
        column="identity",
    )  # fmt: skip
    return SubjectIdentity.from_json(sealed.reveal())


def _releases(case: Case) -> tuple[Release, ...]:
    """Every content release of the case's data to a partner organisation, oldest first."""
    return tuple(
        Release(event.actor_org, event.occurred_at, tuple(event.categories.split(",")))
        for event in browse.case_disclosures(db.session, case.code)
        if event.outcome == Outcome.allowed.value
        and event.level == Level.content.value
        and event.actor_org
        and event.categories
        and event.purpose != Purpose.access_request.value
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where that day does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


__all__ = [
    "AccessReport",
    "CaseReport",
    "HeldItem",
    "Release",
    "Withheld",
    "access_report",
    "add_months",
    "find_subject",
]
