"""The disclosure gate (verstrekking): the one way to read case data.

A small kernel (:mod:`.kernel`: decide, record, then open) and one module per surface on top of
it: :mod:`.cases` (case page, lists), :mod:`.identity` ("toon identiteit", known names, "already
known?"), :mod:`.agenda` (agenda lines, meeting mode), :mod:`.oversight` (the privacy officer
reading the audit log) and :mod:`.figures` (counts for the figures, a case's profile). Web code
imports this package, never
the access rules: the views it returns carry what a page may offer.
"""

from zorgtafel.audit.vocabulary import Level, Purpose
from zorgtafel.privacy.gate import agenda, cases, figures, identity, oversight
from zorgtafel.privacy.gate.kernel import DisclosureRefused
from zorgtafel.privacy.gate.views import (
    AgendaLineView,
    AgendaView,
    CaseLine,
    CaseView,
    ContributionView,
    IdentityView,
    Page,
)

__all__ = [
    "AgendaLineView",
    "AgendaView",
    "CaseLine",
    "CaseView",
    "ContributionView",
    "DisclosureRefused",
    "IdentityView",
    "Level",
    "Page",
    "Purpose",
    "agenda",
    "cases",
    "figures",
    "identity",
    "oversight",
]
