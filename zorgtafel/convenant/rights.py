"""What the convenant allows: pure decisions, deny by default.

Each answer is a :class:`Decision` that names the convenant version and the article it rests
on, so the disclosure gate can write it into the audit event. These functions know only the
convenant; need-to-know (who is at the table for which case) is the gate's other question.
"""

from __future__ import annotations

from dataclasses import dataclass

from zorgtafel.audit.vocabulary import Refusal

from .document import Convenant, Direction


@dataclass(frozen=True, slots=True)
class Decision:
    """The convenant's answer to "may this partner provide/receive this category?"."""

    allowed: bool
    #: why not (``no_rule``, ``consent_required``, ``unknown_partner``, ``unknown_category``);
    #: None when allowed
    refusal: Refusal | None
    convenant_id: str
    convenant_version: str
    #: the convenant article the decision rests on (the right, or the consent rule)
    rule: str | None = None
    legal_ground: str | None = None
    special_ground: str | None = None

    def __bool__(self) -> bool:
        # A dataclass is always truthy; `if may_receive(...)` must mean "allowed".
        return self.allowed


@dataclass(frozen=True, slots=True)
class ConsentDecision:
    """Whether disclosing a category to a partner needs the subject's recorded consent."""

    required: bool
    #: "consent-rule", "no-consent-rule", "unknown-partner", "unknown-category"
    reason: str
    convenant_id: str
    convenant_version: str
    rule: str | None = None
    description: str | None = None

    def __bool__(self) -> bool:
        return self.required


def decide(
    convenant: Convenant,
    direction: Direction | str,
    partner_code: str,
    category_code: str,
    *,
    consent_recorded: bool = False,
) -> Decision:
    """May ``partner_code`` provide or receive ``category_code`` under ``convenant``?

    An unknown partner or category is refused, never an error. Receiving a category that
    needs recorded consent is refused unless ``consent_recorded`` is true. An unknown
    ``direction`` is a programming error and raises ValueError.
    """
    try:
        way = Direction(direction)
    except ValueError:
        raise ValueError(
            f"unknown direction {direction!r}; expected one of "
            f"{', '.join(d.value for d in Direction)}"
        ) from None
    refuse = _refusal(convenant, partner_code, category_code)
    if refuse is not None:
        return refuse
    right = convenant.right(partner_code, category_code, way)
    if right is None:
        return _decision(convenant, refusal=Refusal.no_rule)
    if way is Direction.RECEIVE and not consent_recorded:
        consent = convenant.consent_requirement(partner_code, category_code)
        if consent is not None:
            return _decision(
                convenant,
                refusal=Refusal.consent_required,
                rule=consent.article,
                legal_ground=right.legal_ground,
                special_ground=right.special_ground,
            )
    return _decision(
        convenant,
        refusal=None,
        rule=right.article,
        legal_ground=right.legal_ground,
        special_ground=right.special_ground,
    )


def may_provide(convenant: Convenant, partner_code: str, category_code: str) -> Decision:
    """May the partner add information in this category (inbreng leveren)?"""
    return decide(convenant, Direction.PROVIDE, partner_code, category_code)


def may_receive(
    convenant: Convenant, partner_code: str, category_code: str, *, consent_recorded: bool = False
) -> Decision:
    """May the partner see this category, given whether the subject's consent is recorded?"""
    return decide(
        convenant, Direction.RECEIVE, partner_code, category_code, consent_recorded=consent_recorded
    )


def needs_consent(convenant: Convenant, partner_code: str, category_code: str) -> ConsentDecision:
    """Does disclosing this category to this partner need recorded consent?"""
    ident = (convenant.id, convenant.version)
    if not convenant.has_partner(partner_code):
        return ConsentDecision(False, "unknown-partner", *ident)
    if not convenant.has_category(category_code):
        return ConsentDecision(False, "unknown-category", *ident)
    consent = convenant.consent_requirement(partner_code, category_code)
    if consent is None:
        return ConsentDecision(False, "no-consent-rule", *ident)
    return ConsentDecision(
        True, "consent-rule", *ident, rule=consent.article, description=consent.description
    )


def providable_categories(convenant: Convenant, partner_code: str) -> tuple[str, ...]:
    """Codes of the categories the partner may provide, in the convenant's order."""
    return _categories_for(convenant, partner_code, Direction.PROVIDE)


def receivable_categories(convenant: Convenant, partner_code: str) -> tuple[str, ...]:
    """Codes of the categories the partner may receive (some perhaps only with consent)."""
    return _categories_for(convenant, partner_code, Direction.RECEIVE)


def _categories_for(
    convenant: Convenant, partner_code: str, direction: Direction
) -> tuple[str, ...]:
    return tuple(
        c.code
        for c in convenant.categories
        if convenant.right(partner_code, c.code, direction) is not None
    )


def _refusal(convenant: Convenant, partner_code: str, category_code: str) -> Decision | None:
    if not convenant.has_partner(partner_code):
        return _decision(convenant, refusal=Refusal.unknown_partner)
    if not convenant.has_category(category_code):
        return _decision(convenant, refusal=Refusal.unknown_category)
    return None


def _decision(
    convenant: Convenant,
    *,
    refusal: Refusal | None,
    rule: str | None = None,
    legal_ground: str | None = None,
    special_ground: str | None = None,
) -> Decision:
    return Decision(
        allowed=refusal is None,
        refusal=refusal,
        convenant_id=convenant.id,
        convenant_version=convenant.version,
        rule=rule,
        legal_ground=legal_ground,
        special_ground=special_ground,
    )
