"""The wire format between web workers and the pseudonymiser service: one JSON object per line.

Request ``{"op": "pseudonymise", "text": ..., "known": {...}, "extra_terms": [[word, kind]]}``
or ``{"op": "ping"}``; reply ``{"ok": true, "result": {"text": ..., "spans": [...]}}``,
``{"ok": true, "ready": bool}`` or ``{"ok": false, "error": code, "message": ...}``. Messages name
what was wrong, never the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zorgtafel.pseudonymise.engine import MANUAL, KnownPersons, KnownPersonsError

#: a contribution is at most the app's request limit (2 MiB); JSON escaping can double it
MAX_LINE = 8 * 1024 * 1024


class RequestError(ValueError):
    """A request of the wrong shape; the message names the field."""


def extra_terms_to_wire(terms: Iterable[str | tuple[str, str]]) -> list[list[str]]:
    return [[term, MANUAL] if isinstance(term, str) else [term[0], term[1]] for term in terms]


def parse_request(data: Any) -> tuple[str, KnownPersons, list[tuple[str, str]]]:
    """Check a pseudonymise request (also a CLI line): text, known and extra_terms."""
    if not isinstance(data, dict):
        raise RequestError("verwacht een JSON-object")
    unknown = set(data) - {"op", "text", "known", "extra_terms"}
    if unknown:
        raise RequestError(f"onbekende sleutel(s) {', '.join(sorted(unknown))}")
    text = data.get("text")
    if not isinstance(text, str):
        raise RequestError("'text' ontbreekt of is geen tekst")
    try:
        known = KnownPersons.from_dict(data.get("known"))
    except KnownPersonsError as exc:
        raise RequestError(str(exc)) from None
    terms = []
    for term in data.get("extra_terms") or []:
        if isinstance(term, str):
            terms.append((term, MANUAL))
        elif (
            isinstance(term, list)
            and len(term) == 2
            and all(isinstance(part, str) for part in term)
        ):
            terms.append((term[0], term[1]))
        else:
            raise RequestError("'extra_terms' moet een lijst van tekst of [tekst, soort] zijn")
    return text, known, terms
