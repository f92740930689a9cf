"""Pseudonymisation of free text before it is stored (design invariant 3).

The engine (``engine.Pseudonymiser``) needs deduce, which takes ~1 GB and seconds to load, so it
lives once, in the pseudonymiser service; web workers reach it through ``get_pseudonymiser()``,
a ``PseudonymiserClient`` on the configured socket. Nothing here imports deduce.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from flask import Flask, current_app

from zorgtafel.pseudonymise.client import (
    PseudonymiserClient,
    PseudonymiserError,
    PseudonymiserFailed,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    ServiceStatus,
)
from zorgtafel.pseudonymise.engine import KnownPersons, Pseudonymiser, Result, Span

__all__ = [
    "KnownPersons",
    "Pseudonymiser",
    "PseudonymiserClient",
    "PseudonymiserError",
    "PseudonymiserFailed",
    "PseudonymiserLike",
    "PseudonymiserStarting",
    "PseudonymiserUnavailable",
    "Result",
    "ServiceStatus",
    "Span",
    "get_pseudonymiser",
    "pseudonymiser_status",
    "use_pseudonymiser",
]

EXTENSION = "zorgtafel.pseudonymiser"


class PseudonymiserLike(Protocol):
    """What callers rely on: the engine in-process, or the client of the service."""

    def pseudonymise(
        self,
        text: str,
        known: KnownPersons | None = None,
        extra_terms: Iterable[str | tuple[str, str]] = (),
        *,
        mask_known: bool = False,
    ) -> Result: ...


def get_pseudonymiser(app: Flask | None = None) -> PseudonymiserLike:
    """The app's pseudonymiser: the client of the configured service, unless one was set."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION)
    if found is None:
        settings = app.extensions["zorgtafel.settings"]
        found = PseudonymiserClient(
            settings.path("pseudonymiser.socket"), settings["pseudonymiser.timeout_seconds"]
        )
        app.extensions[EXTENSION] = found
    return found


def use_pseudonymiser(app: Flask, pseudonymiser: PseudonymiserLike) -> None:
    """Give ``app`` another pseudonymiser (tests: an in-process engine or a stand-in)."""
    app.extensions[EXTENSION] = pseudonymiser


def pseudonymiser_status(app: Flask | None = None) -> ServiceStatus:
    """Ready, starting (± seconds) or down, for pages and the health check; never raises.

    An engine in the same process (tests) is ready by being there."""
    pseudonymiser = get_pseudonymiser(app)
    status = getattr(pseudonymiser, "status", None)
    return status() if callable(status) else ServiceStatus("ready")
