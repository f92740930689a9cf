"""The gate's identity surface: "toon identiteit", the case's known names for the
pseudonymiser, and "already known?" at intake."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from zorgtafel.audit.vocabulary import AuditAction, Change, Level, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import IDENTITY, CategoryDecision, decide_contribution
from zorgtafel.privacy.gate.kernel import Disclosure
from zorgtafel.privacy.gate.views import IdentityView, KnownCaseView, OriginalView
from zorgtafel.privacy.lookup import Lookups
from zorgtafel.pseudonymise import KnownPersons


def reveal(reader: User, case: Case, purpose: Purpose, convenant: Convenant) -> IdentityView:
    """'Toon identiteit': the identity and the originals of the categories the reader may
    receive, one reveal event; refused (logged, 404) without need-to-know or the right to
    receive identity."""
    disclosure = Disclosure(reader, purpose, convenant, action=AuditAction.reveal_identity)
    decision = disclosure.highest(case, (Level.content,))
    if not decision.allowed:
        disclosure.queue(
            case, Level.content, allowed=False, reason=decision.reason, categories=(IDENTITY,)
        )
        disclosure.refuse()
    decisions = disclosure.receivable(case.consented(disclosure.at))
    identity = decisions[IDENTITY]
    if not identity.allowed:
        disclosure.queue(
            case, Level.content, allowed=False, reason=identity.refusal,
            categories=(IDENTITY,), article=identity.article,
        )  # fmt: skip
        disclosure.refuse()
    originals = {
        c.category_code for c in case.contributions if _receivable(decisions, c.category_code)
    }
    disclosure.queue(
        case, Level.content, allowed=True, reason=decision.reason,
        categories=(IDENTITY, *originals), article=identity.article,
    )  # fmt: skip
    for category in (IDENTITY, *originals):
        disclosure.grant(case, category)
    disclosure.record()
    if disclosure.key_destroyed(case.id):
        return IdentityView(case.code, None, shredded=True)
    return IdentityView(
        case.code,
        _identity(disclosure, case),
        tuple(
            OriginalView(
                c.id,
                c.category_code,
                disclosure.open(
                    case.id,
                    c.original,
                    category=c.category_code,
                    table="contributions",
                    row_id=c.id,
                    column="original",
                ),
            )
            for c in case.contributions
            if c.category_code in originals and c.original is not None
        ),
    )


@dataclass(frozen=True, repr=False)
class KnownNames:
    """What the pseudonymiser gets of a case for one author's text: the known persons, and
    whether to mask them (the author may not receive identity, so the preview must not tell
    whether a name typed is the subject's)."""

    persons: KnownPersons
    masked: bool

    def __repr__(self) -> str:
        return f"<KnownNames masked={self.masked}>"


def known_persons(reader: User, case: Case, category: str, convenant: Convenant) -> KnownNames:
    """The case's known names for the pseudonymiser, for a contribution the reader may make.

    The names go to the pseudonymiser only, never to the reader: one read event for the
    purpose ``pseudonymisation``; refused (logged, 404) without need-to-know for the case or
    the right to provide ``category``. Masked unless the reader may see the subject's identity
    (need-to-know at content level and the right to receive ``identiteit``, consent included).
    """
    disclosure = Disclosure(reader, Purpose.pseudonymisation, convenant)
    decision = disclosure.highest(case, (Level.content, Level.process))
    provide = decide_contribution(reader, convenant, category)
    allowed = decision.allowed and provide.allowed
    disclosure.queue(
        case, Level.content, allowed=allowed,
        reason=decision.reason if allowed or not decision.allowed else provide.refusal,
        categories=(IDENTITY,), article=provide.article,
    )  # fmt: skip
    if not allowed:
        disclosure.refuse()
    identity_allowed = disclosure.receivable(case.consented(disclosure.at))[IDENTITY].allowed
    masked = not (decision.level is Level.content and identity_allowed)
    disclosure.grant(case, IDENTITY)
    disclosure.record()
    if disclosure.key_destroyed(case.id):
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    subject = _identity(disclosure, case)
    if subject is None:
        return KnownNames(KnownPersons(), masked)
    persons = KnownPersons.create(
        subject.first_names, subject.surname, subject.aliases, subject.relatives_by_relation
    )
    return KnownNames(persons, masked)


def find_known(
    reader: User, lookups: Lookups, convenant: Convenant, *, exclude_case_id: int | None = None
) -> tuple[KnownCaseView, ...]:
    """'Already known?': codes of earlier cases with the same BSN or name + birth date, each
    saying whether the reader may open that case's page (process level).

    Only the chair asks (and sees every case at exists level); each match is one search event
    on that case, and nothing of its identity is opened.
    """
    conditions = []
    if lookups.bsn:
        conditions.append(Case.bsn_lookup == lookups.bsn)
    if lookups.name:
        conditions.append(Case.name_lookup == lookups.name)
    if not conditions:
        return ()
    query = select(Case).where(or_(*conditions)).order_by(Case.code)
    if exclude_case_id is not None:
        query = query.where(Case.id != exclude_case_id)
    disclosure = Disclosure(reader, Purpose.intake, convenant, action=AuditAction.search)
    found = list(db.session.scalars(query))
    involved = disclosure.involvement([case.id for case in found], Level.process)
    known = []
    for case in found:
        if not disclosure.decide(Level.exists, None).allowed:
            continue
        same_bsn = lookups.bsn is not None and case.bsn_lookup == lookups.bsn
        match = Change.possibly_known_bsn if same_bsn else Change.possibly_known_name
        disclosure.queue(case, Level.exists, allowed=True, reason=match)
        may_open = disclosure.decide(Level.process, involved.get(case.id)).allowed
        known.append(KnownCaseView(case.code, may_open))
    disclosure.record()
    return tuple(known)


def _receivable(decisions: dict[str, CategoryDecision], category: str) -> bool:
    decision = decisions.get(category)
    return decision is not None and decision.allowed


def _identity(disclosure: Disclosure, case: Case) -> SubjectIdentity | None:
    if case.identity is None:
        return None
    sealed = disclosure.open(
        case.id, case.identity, category=IDENTITY, table="cases", row_id=case.id,
        column="identity",
    )  # fmt: skip
    return SubjectIdentity.from_json(sealed.reveal())
