"""Writes to cases: intake, involvement, stage changes, consent, CoMensha, contributions.

Each operation writes its audit event in the same transaction. Reading goes through
``zorgtafel.privacy.gate``, never through here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from zorgtafel.audit import ledger
from zorgtafel.audit.operations import Actor, event, record
from zorgtafel.audit.vocabulary import (
    AuditAction,
    Basis,
    Change,
    Level,
    ObjectType,
    Outcome,
    Purpose,
    Qualified,
    Refusal,
)
from zorgtafel.auth.models import User
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import (
    Case,
    Consent,
    Contribution,
    ContributionSave,
    Involvement,
    InvolvementReason,
    Reporter,
    Stage,
    StageChange,
    StageReason,
)
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.rights import needs_consent
from zorgtafel.core.clock import AMSTERDAM, today, utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.figures.operations import Profile, record_profile
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import decide_contribution
from zorgtafel.privacy.lookup import lookups_for
from zorgtafel.privacy.need_to_know import need_to_know


class ContributionRefused(PermissionError):
    """The convenant does not let this organisation provide this category (logged)."""


class CaseRuleError(ValueError):
    """A write the case's rules do not allow (e.g. consent where none is asked); nothing changed."""


class ReportedBeforeCase(CaseRuleError):
    """A CoMensha report dated before the case was registered."""


class OwnAccessRefused(CaseRuleError):
    """A user tried to give its own organisation need-to-know (refused and logged): access
    comes from someone else's decision or from chairing a meeting, never from oneself."""


@dataclass(frozen=True, repr=False)
class Intake:
    """What the chair records when registering a case."""

    identity: SubjectIdentity
    reported_by: Reporter
    reporter_partner_code: str | None = None
    coordinator_code: str | None = None
    involved: tuple[str, ...] = field(default=())
    stage: Stage = Stage.signaal
    #: the coded fields the figures count (figures.operations.Profile)
    profile: Profile | None = None

    def __repr__(self) -> str:
        return f"<Intake {self.reported_by.value} {self.stage.value}>"


def new_case_code(year: int | None = None) -> str:
    """A free, meaningless code ``ZT-<year>-<4+ random digits>``: no order, no count."""
    year = year or utcnow().year
    for digits in (4, 4, 4, 5, 5, 6, 6, 8):
        code = f"ZT-{year}-{secrets.randbelow(10**digits):0{digits}d}"
        if db.session.scalar(select(Case.id).where(Case.code == code)) is None:
            return code
    raise RuntimeError("no free case code")  # 10**8 codes a year: practically unreachable


def create_case(
    by: User | None, *, stage: Stage = Stage.signaal, coordinator_code: str | None = None
) -> Case:
    """A new case with its own data key; the coordinator (if any) gets involvement."""
    case = Case(code=new_case_code(), stage=stage, coordinator_code=coordinator_code)
    db.session.add(case)
    db.session.flush()
    vault.create_case_key(db.session, case.id)
    if coordinator_code:
        add_involvement(case, coordinator_code, InvolvementReason.coordinator, by=by)
    record(
        AuditAction.create,
        actor=Actor.of(by) if by else None,
        object_type=ObjectType.case,
        object_id=case.code,
        purpose=Purpose.case_work,
    )
    return case


def register_case(chair: User, intake: Intake) -> Case:
    """Intake: a new case with its sealed identity, lookup hashes, partners and first stage."""
    case = create_case(chair, stage=intake.stage, coordinator_code=intake.coordinator_code)
    case.reported_by = intake.reported_by
    if intake.reported_by is Reporter.partner:
        case.reporter_partner_code = intake.reporter_partner_code
    identity = intake.identity
    case.identity = vault.seal(
        _data_key(case), identity.to_json(), table="cases", row_id=case.id, column="identity"
    )
    found = lookups_for(identity.bsn, identity.first_names, identity.surname, identity.birth_date)
    case.bsn_lookup, case.name_lookup = found.bsn, found.name
    if chair.organisation.code in intake.involved:
        _refuse_own_access(chair, case)
    for partner in dict.fromkeys(intake.involved):
        if partner != intake.coordinator_code:
            add_involvement(case, partner, InvolvementReason.invited, by=chair, source="intake")
    case.stage_changes.append(
        StageChange(
            from_stage=None, to_stage=intake.stage, reason=StageReason.intake,
            changed_by_user_id=chair.id,
        )
    )  # fmt: skip
    db.session.flush()
    if intake.profile is not None:
        record_profile(chair, case.id, case.code, intake.profile)
    return case


def change_stage(user: User, case: Case, to_stage: Stage, reason: StageReason) -> StageChange:
    """Move the case to another stage for a coded reason (logged)."""
    to_stage, reason = Stage(to_stage), StageReason(reason)
    if to_stage is case.stage:
        raise CaseRuleError("de casus is al in deze fase")
    change = StageChange(
        from_stage=case.stage, to_stage=to_stage, reason=reason, changed_by_user_id=user.id
    )
    case.stage_changes.append(change)
    case.stage = to_stage
    case.closed_at = utcnow() if to_stage is Stage.afgesloten else None
    db.session.flush()
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.case,
        object_id=case.code,
        reason=Qualified(to_stage, reason),
        purpose=Purpose.case_work,
    )
    return change


def invite_partner(user: User, case: Case, partner_code: str, convenant: Convenant) -> Involvement:
    """The chair gives a partner of the convenant need-to-know for the case."""
    if not convenant.has_partner(partner_code):
        raise CaseRuleError("onbekende partner")
    if partner_code == user.organisation.code:
        _refuse_own_access(user, case)
    if case.id in need_to_know(partner_code, [case.id], utcnow()):
        raise CaseRuleError("deze partner is al betrokken")
    return add_involvement(case, partner_code, InvolvementReason.invited, by=user, source="chair")


def _refuse_own_access(user: User, case: Case) -> NoReturn:
    """Log the refused self-invitation (kept when the request fails) and refuse it."""
    refused = event(
        AuditAction.create,
        actor=Actor.of(user),
        object_type=ObjectType.involvement,
        object_id=f"{case.code}/{user.organisation.code}",
        outcome=Outcome.refused,
        reason=Refusal.own_organisation,
        purpose=Purpose.case_work,
    )
    ledger.append(db.session, [refused])
    raise OwnAccessRefused("de eigen organisatie uitnodigen kan niet")


def record_consent(
    user: User, case: Case, partner_code: str, category_code: str, convenant: Convenant
) -> Consent:
    """Record the subject's consent where the convenant asks for it (logged)."""
    required = needs_consent(convenant, partner_code, category_code)
    if not required:
        raise CaseRuleError("het convenant vraagt hier geen toestemming")
    if (partner_code, category_code) in case.consented(utcnow()):
        raise CaseRuleError("toestemming is al vastgelegd")
    consent = Consent(
        partner_code=partner_code,
        category_code=category_code,
        article=required.rule,
        recorded_by_user_id=user.id,
    )
    case.consents.append(consent)
    db.session.flush()
    record(
        AuditAction.create,
        actor=Actor.of(user),
        object_type=ObjectType.consent,
        object_id=f"{case.code}/{partner_code}",
        categories=(category_code,),
        convenant=convenant,
        article=required.rule,
        purpose=Purpose.case_work,
    )
    return consent


def withdraw_consent(
    user: User, case: Case, partner_code: str, category_code: str, *, on: date
) -> Consent:
    """The subject withdrew consent (AVG art. 7(3)) on day ``on`` (today or earlier, not before
    it was given): from then on the category is refused to that partner again (logged)."""
    now = utcnow()
    consent = next(
        (
            c
            for c in case.consents
            if (c.partner_code, c.category_code) == (partner_code, category_code)
            and c.active_at(now)
        ),
        None,
    )
    if consent is None:
        raise CaseRuleError("er is geen toestemming in kracht om in te trekken")
    if on > today() or on < consent.recorded_at.astimezone(AMSTERDAM).date():
        raise CaseRuleError("de datum ligt in de toekomst of voor de toestemming")
    start_of_day = datetime.combine(on, time(), tzinfo=AMSTERDAM).astimezone(UTC)
    consent.withdrawn_at = now if on == today() else max(start_of_day, consent.recorded_at)
    consent.withdrawn_by_user_id = user.id
    db.session.flush()
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.consent,
        object_id=f"{case.code}/{partner_code}",
        categories=(category_code,),
        article=consent.article,
        reason=Change.consent_withdrawn,
        purpose=Purpose.case_work,
    )
    return consent


def record_comensha_melding(
    user: User,
    case: Case,
    *,
    on: date,
    by_partner: str,
    with_identity: bool,
    convenant: Convenant,
) -> None:
    """Record that a partner reported the case to CoMensha; with identity only with consent."""
    if not convenant.has_partner(by_partner):
        raise CaseRuleError("onbekende partner")
    if on > utcnow().date():
        raise CaseRuleError("de datum ligt in de toekomst")
    if on < case.created_at.astimezone(AMSTERDAM).date():
        raise ReportedBeforeCase("de datum ligt voor de registratie van de casus")
    if with_identity:
        consented = case.consented(utcnow())
        missing = [
            category
            for category in ("identiteit", "seksuele-uitbuiting")
            if needs_consent(convenant, "comensha", category)
            and ("comensha", category) not in consented
        ]
        if missing:
            raise CaseRuleError("een melding met identiteit vraagt eerst vastgelegde toestemming")
    case.comensha_reported_on = on
    case.comensha_reported_by = by_partner
    case.comensha_with_identity = with_identity
    db.session.flush()
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.case,
        object_id=case.code,
        reason=Change.comensha_with_identity if with_identity else Change.comensha_anonymised,
        convenant=convenant,
        purpose=Purpose.case_work,
    )


def add_involvement(
    case: Case,
    partner_code: str,
    reason: InvolvementReason,
    *,
    by: User | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    source: str | None = None,
) -> Involvement:
    """Give ``partner_code`` need-to-know for ``case`` for a period, for a reason (logged)."""
    involvement = Involvement(
        partner_code=partner_code,
        reason=InvolvementReason(reason),
        valid_from=valid_from or utcnow(),
        valid_until=valid_until,
        source=source,
        created_by_user_id=by.id if by else None,
    )
    case.involvements.append(involvement)
    db.session.flush()
    record(
        AuditAction.create,
        actor=Actor.of(by) if by else None,
        object_type=ObjectType.involvement,
        object_id=f"{case.code}/{partner_code}",
        reason=Basis(involvement.reason.value),
        purpose=Purpose.case_work,
    )
    return involvement


def end_involvement(involvement: Involvement, *, by: User | None = None) -> None:
    """Stop an involvement now (logged)."""
    now = utcnow()
    if involvement.valid_until is None or involvement.valid_until > now:
        involvement.valid_until = now
    record(
        AuditAction.update,
        actor=Actor.of(by) if by else None,
        object_type=ObjectType.involvement,
        object_id=f"{involvement.case.code}/{involvement.partner_code}",
        reason=Change.involvement_ended,
        purpose=Purpose.case_work,
    )


def add_contribution(
    user: User,
    case: Case,
    category_code: str,
    text: str,
    *,
    convenant: Convenant,
    original: str | None = None,
    replacements: int = 0,
) -> Contribution:
    """The user's organisation adds information in one category, sealed with the case's key.

    ``text`` must already be pseudonymised (see :func:`contribute`); ``original``, the author's
    own words, is sealed beside it for readers entitled to identity.
    Refused (and logged) when the convenant does not let the organisation provide the category.
    A contribution gives no need-to-know of its own: what the author's organisation may
    receive stays what it was (a chair without need-to-know writes, but reads no more).
    """
    decision = decide_contribution(user, convenant, category_code)
    fields = {
        "actor": Actor.of(user),
        "object_type": ObjectType.case,
        "object_id": case.code,
        "level": Level.content,
        "categories": (category_code,),
        "convenant": convenant,
        "article": decision.article,
        "purpose": Purpose.case_conference,
    }
    if not decision.allowed:
        # a refused write is kept like a refused read: it outlives the failing request
        refused = event(
            AuditAction.create, outcome=Outcome.refused, reason=decision.refusal, **fields
        )
        ledger.append(db.session, [refused])
        raise ContributionRefused(category_code)
    org = user.organisation.code
    contribution = Contribution(
        partner_code=org,
        category_code=category_code,
        created_by_user_id=user.id,
        replacements=replacements,
    )
    case.contributions.append(contribution)
    db.session.flush()
    key = _data_key(case)
    contribution.text = vault.seal(
        key, text, table="contributions", row_id=contribution.id, column="text"
    )
    if original is not None:
        contribution.original = vault.seal(
            key, original, table="contributions", row_id=contribution.id, column="original"
        )
    record(AuditAction.create, **fields)
    db.session.flush()
    return contribution


def contribute(
    user: User,
    case: Case,
    category_code: str,
    text: str,
    *,
    convenant: Convenant,
    extra_terms: Iterable[str] = (),
) -> Contribution:
    """Pseudonymise ``text`` (the case's known names, the detectors, the author's marked words)
    and store it with the sealed original. PseudonymiserUnavailable: nothing is stored."""
    from zorgtafel.cases.pseudonymising import pseudonymise_contribution

    result = pseudonymise_contribution(user, case, category_code, text, extra_terms, convenant)
    return add_contribution(
        user,
        case,
        category_code,
        result.text,
        convenant=convenant,
        original=text,
        replacements=len(result.spans),
    )


@dataclass(frozen=True)
class Saved:
    """What a save stored: its contribution, and whether an earlier submit of the same form
    had stored it already (``again``: nothing was stored now)."""

    contribution_id: int
    again: bool


def save_once(user: User, case: Case, nonce: str, store: Callable[[], Contribution]) -> Saved:
    """Store with ``store()`` once per form ``nonce``: the first submit claims the nonce, any
    later one (a double click, a replayed request) gets the contribution the first stored.
    When ``store`` fails the claim is let go with it, so the form can be submitted again."""
    begin_write(db.session)  # the claim and the look-up are one snapshot (SQLite)
    claimed = _claimed(nonce)
    if claimed is not None:
        return Saved(claimed, again=True)
    claim = ContributionSave(nonce=nonce, case_id=case.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        # a concurrent submit of the same form claimed it and has committed (PostgreSQL waits
        # on the key until then)
        claimed = _claimed(nonce)
        if claimed is None:
            raise
        return Saved(claimed, again=True)
    try:
        contribution = store()
    except Exception:
        db.session.delete(claim)
        db.session.flush()
        raise
    claim.contribution_id = contribution.id
    db.session.flush()
    return Saved(contribution.id, again=False)


def _claimed(nonce: str) -> int | None:
    return db.session.scalar(
        select(ContributionSave.contribution_id).where(ContributionSave.nonce == nonce)
    )


def _data_key(case: Case) -> vault.DataKey:
    case_key = vault.case_key_for(db.session, case.id)
    if case_key is None:
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    return vault.data_key(case_key)
