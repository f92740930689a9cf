"""A contribution's text, pseudonymised with the case's known names before it is stored.

The known names come through the disclosure gate and go only to the pseudonymiser; the
author sees the result (and what was replaced where in their own text), never the names. An
author who may not see the subject's identity gets known persons masked as ``[PERSOON-n]``,
so the preview cannot tell them whether a name they type is the subject's.
"""

from __future__ import annotations

from collections.abc import Iterable

from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.privacy.gate import identity
from zorgtafel.pseudonymise import (
    PseudonymiserError,
    PseudonymiserFailed,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    Result,
    ServiceStatus,
    get_pseudonymiser,
    pseudonymiser_status,
)

__all__ = [
    "PseudonymiserError",
    "PseudonymiserFailed",
    "PseudonymiserStarting",
    "PseudonymiserUnavailable",
    "Result",
    "ServiceStatus",
    "marked_words",
    "pseudonymise_contribution",
    "pseudonymiser_status",
]

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

    The gate decides whether the author may see the subject's identity; if not, known persons
    become ``[PERSOON-n]`` like any name. Raises PseudonymiserUnavailable
    (PseudonymiserStarting while it loads) when the pseudonymiser does not answer,
    PseudonymiserFailed when it failed on this text: the caller must then refuse to store
    anything.
    """
    known = identity.known_persons(user, case, category_code, convenant)
    return get_pseudonymiser().pseudonymise(
        text, known.persons, tuple(extra_terms), mask_known=known.masked
    )


def marked_words(text: str) -> tuple[str, ...]:
    """The author's 'missed' words: one per line or comma-separated, stripped, de-duplicated."""
    words = (w.strip() for line in (text or "").splitlines() for w in line.split(","))
    unique = dict.fromkeys(w[:MAX_MARKED_LENGTH] for w in words if w)
    return tuple(unique)[:MAX_MARKED]
