"""Who may see what of a case: role + need-to-know + convenant, deny by default.

Three levels, as in Dutch practice:

- ``exists``: the case's pseudonym code and stage;
- ``process``: dates, coordinator, who is involved, when something was contributed; no
  personal content;
- ``content``: the contributions in the categories the convenant lets the organisation receive.

The chair and the privacy officer see ``exists`` and ``process`` of every case (the chair runs
the table, the privacy officer audits it). Partners see a case only while their organisation
has an active involvement record for it (coordinator, contributor, invited, at the table,
action owner). Content additionally needs need-to-know for the chair's or partner's
organisation and, per category, the convenant's ``may_receive``. Admins see no case data.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Involvement, InvolvementReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.rights import may_provide, may_receive, needs_consent


class Level(enum.StrEnum):
    exists = "exists"
    process = "process"
    content = "content"


class Purpose(enum.StrEnum):
    """Why data is disclosed; recorded with every audit event."""

    #: preparing or holding the case conference
    case_conference = "case_conference"
    #: the coordinator or an action owner working on the plan
    case_work = "case_work"
    #: the privacy officer's oversight
    oversight = "oversight"
    #: answering a data subject's access request (AVG art. 15)
    access_request = "access_request"
    #: the case's known names handed to the pseudonymiser for a contribution (not shown)
    pseudonymisation = "pseudonymisation"
    #: the chair's "already known?" check at intake
    intake = "intake"


#: roles that see exists and process level of every case, and why
OVERSIGHT_ROLES = {Role.chair: "chair", Role.privacy: "privacy_officer"}
#: involvement reasons in order of preference when several are active
REASON_ORDER = tuple(InvolvementReason)


@dataclass(frozen=True)
class LevelDecision:
    level: Level
    allowed: bool
    #: a code: the basis when allowed (``chair``, ``coordinator``, ...), the refusal otherwise
    reason: str


@dataclass(frozen=True)
class CategoryDecision:
    category: str
    allowed: bool
    #: ``allowed`` or the convenant's refusal code (``no-rule``, ``consent-required``, ...)
    reason: str
    #: the convenant article relied on (or that refused)
    article: str | None


def active_involvement(case: Case, partner_code: str, at: datetime) -> Involvement | None:
    """The organisation's strongest active involvement in ``case`` at ``at``, if any."""
    active = [
        involvement
        for involvement in case.involvements
        if involvement.partner_code == partner_code and involvement.active_at(at)
    ]
    return min(active, key=lambda i: REASON_ORDER.index(i.reason), default=None)


def decide_level(
    user: User, case: Case, level: Level, at: datetime, convenant: Convenant
) -> LevelDecision:
    """May ``user`` see ``case`` at ``level`` at moment ``at``, under ``convenant``?"""
    return decide_level_given(
        user,
        level,
        convenant,
        lambda: _reason(active_involvement(case, user.organisation.code, at)),
    )


def strongest(reasons: Iterable[InvolvementReason]) -> InvolvementReason | None:
    """The reason ``decide_level`` would rely on among several active ones."""
    return min(reasons, key=REASON_ORDER.index, default=None)


def decide_level_given(
    user: User,
    level: Level,
    convenant: Convenant,
    active_reason: Callable[[], InvolvementReason | None],
) -> LevelDecision:
    """``decide_level`` for when the caller already looked up the organisation's strongest
    active involvement (e.g. for forty agenda lines in one query); asked only when needed."""
    level = Level(level)
    if not user.is_active:
        return LevelDecision(level, False, "inactive_user")
    if user.role is Role.admin:
        return LevelDecision(level, False, "role_admin")
    if user.role in OVERSIGHT_ROLES and level is not Level.content:
        return LevelDecision(level, True, OVERSIGHT_ROLES[user.role])
    if user.role is Role.privacy:
        return LevelDecision(level, False, "role_privacy_no_content")
    if user.role not in (Role.chair, Role.partner):
        raise ValueError(f"no disclosure rule for role {user.role!r}")
    if not convenant.has_partner(user.organisation.code):
        return LevelDecision(level, False, "not_a_party")
    reason = active_reason()
    if reason is None:
        return LevelDecision(level, False, "no_need_to_know")
    return LevelDecision(level, True, InvolvementReason(reason).value)


def _reason(involvement: Involvement | None) -> InvolvementReason | None:
    return None if involvement is None else involvement.reason


def decide_categories(
    user: User,
    convenant: Convenant,
    categories: Iterable[str],
    consented: Collection[tuple[str, str]] = (),
) -> list[CategoryDecision]:
    """Per category: may the user's organisation receive it under ``convenant``?

    A category that needs consent is allowed only when ``consented`` holds the pair
    (organisation, category): the case's consent records in force.
    """
    org = user.organisation.code
    decisions = []
    for category in sorted(set(categories)):
        decision = may_receive(
            convenant, org, category, consent_recorded=(org, category) in consented
        )
        decisions.append(
            CategoryDecision(category, decision.allowed, decision.reason, decision.rule)
        )
    return decisions


IDENTITY = "identiteit"


def decide_identity(
    user: User, case: Case, convenant: Convenant, at: datetime
) -> tuple[LevelDecision, CategoryDecision]:
    """May ``user`` see the subject's identity: need-to-know at content level and the
    convenant letting the organisation receive ``identiteit`` (with consent where required)?"""
    level = decide_level(user, case, Level.content, at, convenant)
    if not level.allowed:
        return level, CategoryDecision(IDENTITY, False, "no-need-to-know", None)
    (category,) = decide_categories(user, convenant, (IDENTITY,), case.consented(at))
    return level, category


def decide_contribution(user: User, convenant: Convenant, category: str) -> CategoryDecision:
    """May the user's organisation provide information in ``category``?"""
    decision = may_provide(convenant, user.organisation.code, category)
    return CategoryDecision(category, decision.allowed, decision.reason, decision.rule)


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
