"""A contribution's text, pseudonymised with the case's known names before it is stored.

The known names come through the disclosure gate and go only to the pseudonymiser; the
author sees the result (and what was replaced where in their own text), never the names.
"""

from __future__ import annotations

from collections.abc import Iterable

from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.privacy.gate import identity
from zorgtafel.pseudonymise import PseudonymiserUnavailable, Result, get_pseudonymiser

__all__ = ["PseudonymiserUnavailable", "Result", "marked_words", "pseudonymise_contribution"]

#: at most this many marked words, each at most this long (a form value, not a document)
MAX_MARKED, MAX_MARKED_LENGTH = 50, 100


def pseudonymise_contribution(
    user: User,
    case: Case,
    category_code: str,
    text: str,
    extra_terms: Iterable[str],
    convenant: Convenant,
) -> Result:
    """``text`` with the case's names, what the detectors find and the marked words replaced.

    Raises PseudonymiserUnavailable when the pseudonymiser does not answer: the caller must
    then refuse to store anything.
    """
    known = identity.known_persons(user, case, category_code, convenant)
    return get_pseudonymiser().pseudonymise(text, known, tuple(extra_terms))


def marked_words(text: str) -> tuple[str, ...]:
    """The author's 'missed' words: one per line or comma-separated, stripped, de-duplicated."""
    words = (w.strip() for line in (text or "").splitlines() for w in line.split(","))
    unique = dict.fromkeys(w[:MAX_MARKED_LENGTH] for w in words if w)
    return tuple(unique)[:MAX_MARKED]
