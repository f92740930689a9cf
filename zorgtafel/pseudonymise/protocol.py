"""The wire format between web workers and the pseudonymiser service: one JSON object per line.

Request ``{"op": "pseudonymise", "text": ..., "known": {...}, "extra_terms": [[word, kind]],
"mask_known": bool}`` or ``{"op": "ping"}``. Replies:

- ``{"ok": true, "result": {"text": ..., "spans": [...]}}``;
- ``{"ok": true, "ready": bool, "remaining_seconds": int | null}`` (ping; the estimate while
  deduce loads);
- ``{"ok": false, "error": code, "message": ...}`` with code ``bad_request`` (the request's
  shape), ``starting`` (still loading; with ``remaining_seconds``), ``failed`` (the engine failed
  on this text) or ``too_large``.

Messages name what was wrong, never the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from zorgtafel.pseudonymise.engine import MANUAL, KnownPersons, KnownPersonsError

#: a contribution is at most the app's request limit (2 MiB); JSON escaping can double it
MAX_LINE = 8 * 1024 * 1024
BAD_REQUEST, STARTING, FAILED, TOO_LARGE = "bad_request", "starting", "failed", "too_large"


class RequestError(ValueError):
    """A request of the wrong shape; the message names the field."""


class Request(NamedTuple):
    """A checked pseudonymise request."""

    text: str
    known: KnownPersons
    extra_terms: list[tuple[str, str]]
    mask_known: bool


def extra_terms_to_wire(terms: Iterable[str | tuple[str, str]]) -> list[list[str]]:
    return [[term, MANUAL] if isinstance(term, str) else [term[0], term[1]] for term in terms]


def parse_request(data: Any) -> Request:
    """Check a pseudonymise request (also a CLI line): text, known, extra_terms, mask_known."""
    if not isinstance(data, dict):
        raise RequestError("verwacht een JSON-object")
    unknown = set(data) - {"op", "text", "known", "extra_terms", "mask_known"}
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
    mask_known = data.get("mask_known", False)
    if not isinstance(mask_known, bool):
        raise RequestError("'mask_known' moet true of false zijn")
    return Request(text, known, terms, mask_known)
