"""The disclosure gate for identity: "toon identiteit", "already known?", and the case's known
names handed to the pseudonymiser.

Same rules as :mod:`zorgtafel.privacy.gate`: the policy decides, the audit event is written in
the caller's transaction, and only then is anything decrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import has_app_context
from sqlalchemy import or_, select

from zorgtafel.audit.models import AuditAction, Outcome
from zorgtafel.audit.operations import Actor, record
from zorgtafel.auth.models import User
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import keep_on_error
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import (
    IDENTITY,
    Level,
    Purpose,
    decide_categories,
    decide_contribution,
    decide_identity,
    decide_level,
)
from zorgtafel.privacy.gate import DisclosureRefused, disclosure
from zorgtafel.privacy.lookup import Lookups
from zorgtafel.privacy.sealed import DisclosedText
from zorgtafel.pseudonymise import KnownPersons


@dataclass(frozen=True, repr=False)
class OriginalView:
    """A contribution's text as its author wrote it (before pseudonymisation)."""

    contribution_id: int
    category_code: str
    text: DisclosedText


@dataclass(frozen=True, repr=False)
class IdentityView:
    """The subject's identity and the original contribution texts, released by a reveal."""

    code: str
    identity: SubjectIdentity | None
    originals: tuple[OriginalView, ...] = ()
    #: the case's data key was destroyed
    shredded: bool = False

    def __repr__(self) -> str:
        return f"<IdentityView {self.code}>"


@disclosure
def disclose_identity(
    user: User,
    case: Case,
    purpose: Purpose,
    *,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> IdentityView:
    """'Toon identiteit': the identity and the originals of receivable categories, logged as
    a reveal; refused (logged, 404) without need-to-know or the right to receive identity."""
    convenant = convenant or convenant_in_force()
    at = at or utcnow()
    level, identity = decide_identity(user, case, convenant, at)
    event = {
        "actor": Actor.of(user),
        "object_type": "case",
        "object_id": case.code,
        "level": Level.content.value,
        "convenant": convenant,
        "purpose": Purpose(purpose).value,
    }
    if not identity.allowed:
        record(
            AuditAction.reveal_identity, outcome=Outcome.refused, categories=(IDENTITY,),
            article=identity.article,
            reason=level.reason if not level.allowed else _code(identity.reason), **event,
        )  # fmt: skip
        _keep()
        raise DisclosureRefused()
    allowed = {
        c.category
        for c in decide_categories(
            user, convenant, (c.category_code for c in case.contributions), case.consented(at)
        )
        if c.allowed
    }
    record(
        AuditAction.reveal_identity, categories=(IDENTITY, *allowed), article=identity.article,
        reason=level.reason, **event,
    )  # fmt: skip
    key = _data_key(case)
    if key is None:
        return IdentityView(case.code, None, shredded=True)
    with vault.gate_context(Purpose(purpose).value):
        subject = _open_identity(key, case)
        originals = tuple(
            OriginalView(c.id, c.category_code, DisclosedText(_open_original(key, c)))
            for c in case.contributions
            if c.category_code in allowed and c.original is not None
        )
    return IdentityView(case.code, subject, originals)


@disclosure
def known_persons_for(
    user: User,
    case: Case,
    category_code: str,
    *,
    convenant: Convenant | None = None,
    at: datetime | None = None,
) -> KnownPersons:
    """The case's known names for the pseudonymiser, for a contribution ``user`` may make.

    The names go to the pseudonymiser only, never to the user; logged as a read for the
    purpose ``pseudonymisation``. Refused (logged, 404) without need-to-know for the case.
    """
    convenant = convenant or convenant_in_force()
    at = at or utcnow()
    level = decide_level(user, case, Level.process, at, convenant)
    provide = decide_contribution(user, convenant, category_code)
    allowed = level.allowed and provide.allowed
    reason = level.reason if not level.allowed else _code(provide.reason)
    record(
        AuditAction.read,
        outcome=Outcome.allowed if allowed else Outcome.refused,
        actor=Actor.of(user),
        object_type="case",
        object_id=case.code,
        level=Level.content.value,
        categories=(IDENTITY,),
        convenant=convenant,
        article=provide.article,
        purpose=Purpose.pseudonymisation.value,
        reason=level.reason if allowed else reason,
    )
    if not allowed:
        _keep()
        raise DisclosureRefused()
    key = _data_key(case)
    if key is None:
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    with vault.gate_context(Purpose.pseudonymisation.value):
        subject = _open_identity(key, case)
    if subject is None:
        return KnownPersons()
    return KnownPersons.create(
        subject.first_names, subject.surname, subject.aliases, subject.relatives_by_relation
    )


@disclosure
def find_known_cases(
    user: User,
    lookups: Lookups,
    *,
    convenant: Convenant | None = None,
    exclude_case_id: int | None = None,
) -> tuple[str, ...]:
    """'Already known?': codes of earlier cases with the same BSN or name + birth date.

    Only the chair asks (and sees every case at exists level); each match is logged as a
    search on that case, and nothing of its identity is opened.
    """
    convenant = convenant or convenant_in_force()
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
    at = utcnow()
    codes = []
    for case in db.session.scalars(query):
        decision = decide_level(user, case, Level.exists, at, convenant)
        if not decision.allowed:
            continue
        matched = "bsn" if lookups.bsn and case.bsn_lookup == lookups.bsn else "name_birth_date"
        record(
            AuditAction.search,
            actor=Actor.of(user),
            object_type="case",
            object_id=case.code,
            level=Level.exists.value,
            convenant=convenant,
            purpose=Purpose.intake.value,
            reason=f"possibly_known.{matched}",
        )
        codes.append(case.code)
    return tuple(codes)


def _data_key(case: Case) -> vault.DataKey | None:
    case_key = vault.case_key_for(db.session, case.id)
    if case_key is None or case_key.destroyed:
        return None
    return vault.data_key(case_key)


def _open_identity(key: vault.DataKey, case: Case) -> SubjectIdentity | None:
    if case.identity is None:
        return None
    plain = vault.open_sealed(key, case.identity, table="cases", row_id=case.id, column="identity")
    return SubjectIdentity.from_json(plain)


def _open_original(key: vault.DataKey, contribution: Contribution) -> str:
    assert contribution.original is not None  # noqa: S101 - filtered by the caller
    return vault.open_sealed(
        key, contribution.original, table="contributions", row_id=contribution.id,
        column="original",
    )  # fmt: skip


def _keep() -> None:
    if has_app_context():
        keep_on_error()


def _code(reason: str) -> str:
    return reason.replace("-", "_")
