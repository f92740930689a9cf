"""Who may see what of a case: role + need-to-know + convenant, deny by default.

Three levels, as in Dutch practice (``Level``): *exists* (code and stage), *process* (dates,
coordinator, who is involved; no personal content) and *content* (the categories the convenant
lets the organisation receive).

The chair and the privacy officer see *exists* and *process* of every case (the chair runs the
table, the privacy officer audits it). Partners see a case only while their organisation has
need-to-know for it. Content additionally needs need-to-know for the chair's or partner's
organisation and, per category, the convenant's ``may_receive``. Admins see no case data.

These are pure decisions: the disclosure gate asks them, logs the answer and opens what they
allow. Web code never calls them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from zorgtafel.audit.vocabulary import Basis, Level, Refusal
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import InvolvementReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.rights import may_provide, may_receive, needs_consent

#: roles that see exists and process level of every case, and on what basis
OVERSIGHT_ROLES = {Role.chair: Basis.chair, Role.privacy: Basis.privacy_officer}
IDENTITY = "identiteit"


@dataclass(frozen=True)
class LevelDecision:
    level: Level
    #: what an allowed decision rests on; None when refused
    basis: Basis | None
    #: why refused; None when allowed
    refusal: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def reason(self) -> Basis | Refusal:
        """What the audit event records: the basis, or the refusal."""
        return self.basis if self.refusal is None else self.refusal  # type: ignore[return-value]


@dataclass(frozen=True)
class CategoryDecision:
    category: str
    #: why refused (``no_rule``, ``consent_required`` ...); None when allowed
    refusal: Refusal | None
    #: the convenant article relied on (or that refused)
    article: str | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def decide_level(
    reader: User, level: Level, convenant: Convenant, involvement: InvolvementReason | None
) -> LevelDecision:
    """May ``reader`` see a case at ``level``, given its organisation's strongest active
    involvement in the case (None: no need-to-know)?"""
    level = Level(level)
    if not reader.is_active:
        return LevelDecision(level, None, Refusal.inactive_user)
    if reader.role is Role.admin:
        return LevelDecision(level, None, Refusal.role_admin)
    if reader.role is Role.policy:
        return LevelDecision(level, None, Refusal.role_policy_figures_only)
    if reader.role in OVERSIGHT_ROLES and level is not Level.content:
        return LevelDecision(level, OVERSIGHT_ROLES[reader.role])
    if reader.role is Role.privacy:
        return LevelDecision(level, None, Refusal.role_privacy_no_content)
    if reader.role not in (Role.chair, Role.partner):
        raise ValueError(f"no disclosure rule for role {reader.role!r}")
    if not convenant.has_partner(reader.organisation.code):
        return LevelDecision(level, None, Refusal.not_a_party)
    if involvement is None:
        return LevelDecision(level, None, Refusal.no_need_to_know)
    return LevelDecision(level, Basis(InvolvementReason(involvement).value))


def decide_log_reading(reader: User) -> LevelDecision:
    """May ``reader`` read the audit log (browse it, a case's disclosures, the release matrix)?
    Only an active privacy officer: the log is the FG's to audit, nobody else's to study."""
    if not reader.is_active:
        return LevelDecision(Level.process, None, Refusal.inactive_user)
    if reader.role is Role.privacy:
        return LevelDecision(Level.process, Basis.privacy_officer)
    return LevelDecision(Level.process, None, Refusal.not_privacy_officer)


def decide_access_request(reader: User) -> LevelDecision:
    """May ``reader`` compile a data subject's access report (AVG art. 15), the copy of the
    data held included? Only an active privacy officer, who answers the request; nobody
    else reads content for that purpose."""
    if not reader.is_active:
        return LevelDecision(Level.content, None, Refusal.inactive_user)
    if reader.role is Role.privacy:
        return LevelDecision(Level.content, Basis.privacy_officer)
    return LevelDecision(Level.content, None, Refusal.not_privacy_officer)


#: roles that see the figures (counts over cases, suppressed), and on what basis
FIGURES_ROLES = {
    Role.policy: Basis.policy_officer,
    Role.chair: Basis.chair,
    Role.privacy: Basis.privacy_officer,
}


@dataclass(frozen=True)
class FiguresDecision:
    """May a reader see figures counted over cases (never a case itself)?"""

    basis: Basis | None
    refusal: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def reason(self) -> Basis | Refusal:
        return self.basis if self.refusal is None else self.refusal  # type: ignore[return-value]


def decide_figures(reader: User) -> FiguresDecision:
    """The policy officer, the chair and the privacy officer see the figures; no one else."""
    if not reader.is_active:
        return FiguresDecision(None, Refusal.inactive_user)
    if reader.role in FIGURES_ROLES:
        return FiguresDecision(FIGURES_ROLES[reader.role])
    return FiguresDecision(None, Refusal.role_no_figures)


def decide_highest(
    reader: User,
    levels: Sequence[Level],
    convenant: Convenant,
    involvement: InvolvementReason | None,
) -> LevelDecision:
    """The first of ``levels`` (highest first) the reader may see a case at; else the refusal
    at the last of them. One decision, however many levels it tries."""
    if not levels:
        raise ValueError("no level to decide")
    for level in levels:
        decision = decide_level(reader, level, convenant, involvement)
        if decision.allowed:
            return decision
    return decision


def needs_involvement(reader: User, level: Level) -> bool:
    """Whether the decision at ``level`` depends on the organisation's involvement at all (not
    for the chair's or privacy officer's process level): lists need no lookup then."""
    return not (reader.role in OVERSIGHT_ROLES and Level(level) is not Level.content)


def decide_categories(
    reader: User,
    convenant: Convenant,
    categories: Iterable[str],
    consented: Collection[tuple[str, str]] = (),
) -> dict[str, CategoryDecision]:
    """Per category: may the reader's organisation receive it under ``convenant``?

    A category that needs consent is allowed only when ``consented`` holds the pair
    (organisation, category): the case's consent records in force.
    """
    org = reader.organisation.code
    decisions = {}
    for category in sorted(set(categories)):
        decision = may_receive(
            convenant, org, category, consent_recorded=(org, category) in consented
        )
        decisions[category] = CategoryDecision(category, decision.refusal, decision.rule)
    return decisions


def decide_contribution(reader: User, convenant: Convenant, category: str) -> CategoryDecision:
    """May the reader's organisation provide information in ``category``?"""
    decision = may_provide(convenant, reader.organisation.code, category)
    return CategoryDecision(category, decision.refusal, decision.rule)


@dataclass(frozen=True)
class SeatWarning:
    """Why a partner picked for the table may get little out of it (the chair decides)."""

    partner_code: str
    #: ``receives_nothing``: may receive none of the case's categories;
    #: ``consent_missing``: a category needs the subject's consent, which is not recorded
    reason: str
    category: str | None = None


def seat_warnings(
    convenant: Convenant, partner_code: str, case_categories: Iterable[str]
) -> list[SeatWarning]:
    """Warnings for seating ``partner_code`` at a case holding ``case_categories``.

    A case without contributions yet is judged on every category of the convenant. Consent
    records do not exist yet, so every consent the convenant requires counts as missing.
    """
    categories = sorted(set(case_categories)) or [c.code for c in convenant.categories]
    warnings = [
        SeatWarning(partner_code, "consent_missing", category)
        for category in categories
        if needs_consent(convenant, partner_code, category).required
    ]
    if not any(may_receive(convenant, partner_code, category) for category in categories):
        warnings.insert(0, SeatWarning(partner_code, "receives_nothing"))
    return warnings
