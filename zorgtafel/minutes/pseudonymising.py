"""The chair's minutes, pseudonymised like contributions before anything is stored.

The case's known names come through the gate (``gate.minutes.known_names``) and go only to
the pseudonymiser. When it does not answer, the caller stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from zorgtafel.auth.models import User
from zorgtafel.convenant.document import Convenant
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes.operations import Paragraph
from zorgtafel.privacy.gate import minutes as minutes_surface
from zorgtafel.pseudonymise import Result, get_pseudonymiser


def pseudonymise_paragraphs(
    user: User,
    item: AgendaItem,
    drafts: Sequence[Paragraph],
    marked: tuple[str, ...],
    convenant: Convenant,
) -> list[Result]:
    """Each paragraph's text with the case's names, the detectors' finds and the marked words
    replaced (one gate read of the known names for all of them). Raises the pseudonymiser's
    errors (PseudonymiserUnavailable, PseudonymiserStarting, PseudonymiserFailed)."""
    known = minutes_surface.known_names(user, item, convenant)
    engine = get_pseudonymiser()
    return [
        engine.pseudonymise(draft.text, known.persons, marked, mask_known=known.masked)
        for draft in drafts
    ]


def pseudonymised(drafts: Sequence[Paragraph], results: Sequence[Result]) -> list[Paragraph]:
    """The drafts with their pseudonymised texts, as they will be stored."""
    return [
        Paragraph(draft.part, draft.category_code, result.text)
        for draft, result in zip(drafts, results, strict=True)
    ]


def pseudonymise_text(user: User, item: AgendaItem, text: str, convenant: Convenant) -> str:
    """One decision, action or reason text, pseudonymised like a paragraph."""
    return pseudonymise_one(user, item, text, (), convenant).text


def pseudonymise_one(
    user: User, item: AgendaItem, text: str, marked: tuple[str, ...], convenant: Convenant
) -> Result:
    """One decision, action or reason text with the case's names, the detectors' finds and the
    marked words replaced (the preview shows what was replaced)."""
    known = minutes_surface.known_names(user, item, convenant)
    engine = get_pseudonymiser()
    return engine.pseudonymise(text, known.persons, marked, mask_known=known.masked)
