"""Which convenant version applies: ``current_convenant()``, the gate's one source for it.

The versions live in the database (``zorgtafel convenant load``); the one in force on a day is
used. An app can install its own provider under ``app.extensions["zorgtafel.convenant"]``:
a callable taking a date and returning the version in force on it.
"""

from __future__ import annotations

from datetime import date

from flask import current_app

from zorgtafel.convenant.model import Convenant
from zorgtafel.convenant.operations import convenant_in_force, today


class NoConvenant(LookupError):
    """No convenant version is in force: nothing may be disclosed."""


def current_convenant(day: date | None = None) -> Convenant:
    """The convenant version in force on ``day`` (default: today in the Netherlands)."""
    day = day or today()
    provider = current_app.extensions.get("zorgtafel.convenant")
    if provider is not None:
        return provider(day)
    convenant = convenant_in_force(day)
    if convenant is None:
        raise NoConvenant(f"geen convenantversie van kracht op {day.isoformat()}")
    return convenant
