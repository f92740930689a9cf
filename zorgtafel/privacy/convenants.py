"""Which convenant version applies: ``current_convenant()``, the gate's one source for it.

Until convenant versions live in the database, the versions are read from
``app.convenants_dir`` (default: the repository's ``convenants/``) and the one in force today
is used. An app can install its own provider under ``app.extensions["zorgtafel.convenant"]``:
a callable taking a date and returning the version in force on it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app

from zorgtafel import ROOT
from zorgtafel.convenant.loader import load_directory
from zorgtafel.convenant.model import Convenant
from zorgtafel.core.db import utcnow

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class NoConvenant(LookupError):
    """No convenant version is in force: nothing may be disclosed."""


def current_convenant(day: date | None = None) -> Convenant:
    """The convenant version in force on ``day`` (default: today in the Netherlands)."""
    day = day or utcnow().astimezone(AMSTERDAM).date()
    provider = current_app.extensions.get("zorgtafel.convenant")
    if provider is not None:
        return provider(day)
    in_force = [c for c in _versions(_directory()) if c.in_force_on(day)]
    if len(in_force) != 1:
        raise NoConvenant(f"{len(in_force)} convenantversies van kracht op {day.isoformat()}")
    return in_force[0]


def _directory() -> Path:
    configured = current_app.extensions["zorgtafel.settings"]["app.convenants_dir"]
    if not configured:
        return ROOT / "convenants"
    return current_app.extensions["zorgtafel.settings"].path("app.convenants_dir")


def _versions(directory: Path) -> tuple[Convenant, ...]:
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.toml")))
    cache = current_app.extensions.setdefault("zorgtafel.convenant_cache", {})
    key = (str(directory), stamp)
    if key not in cache:
        cache.clear()
        cache[key] = load_directory(directory)
    return cache[key]
