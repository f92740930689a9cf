"""Loading convenant versions into the database and finding the one in force.

Two questions, one function each: which convenant is in force on a day
(:func:`convenant_in_force`), and what a stored version says (:func:`convenant_of`, e.g. for
the version a meeting is bound to).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, or_, select

from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.loader import ConvenantError, Problem, load_convenant, parse_convenant
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.core.clock import today
from zorgtafel.core.db import db

log = logging.getLogger("zorgtafel.convenant")


class NoConvenant(LookupError):
    """No convenant version is in force: nothing may be disclosed."""


class ConvenantConflict(Exception):
    """A different file claims an id and version that is already stored."""


def load_version(path: Path) -> tuple[ConvenantVersion, bool]:
    """Validate ``path`` and store it. The same file again is a no-op (False).

    Raises ConvenantError for an invalid file and ConvenantConflict when another file with the
    same id and version, or a version overlapping a stored one in time, is already loaded.
    """
    convenant = load_convenant(path)
    content = path.read_bytes()
    existing = db.session.scalar(
        select(ConvenantVersion).where(
            ConvenantVersion.convenant_id == convenant.id,
            ConvenantVersion.version == convenant.version,
        )
    )
    if existing is not None:
        if existing.content_hash == convenant.content_hash:
            return existing, False
        raise ConvenantConflict(
            f"{convenant.id} {convenant.version} is al geladen met een andere inhoud "
            f"(sha256 {existing.content_hash[:12]}…); geef de nieuwe tekst een nieuw versienummer"
        )
    _refuse_overlap(convenant)
    version = ConvenantVersion(
        convenant_id=convenant.id,
        version=convenant.version,
        title=convenant.title,
        effective_from=convenant.effective_from,
        effective_until=convenant.effective_until,
        content_hash=convenant.content_hash,
        content=content,
        source_name=path.name,
    )
    db.session.add(version)
    db.session.flush()
    log.info("convenant loaded id=%s version=%s", convenant.id, convenant.version)
    return version, True


def _refuse_overlap(convenant: Convenant) -> None:
    for other in versions(convenant.id):
        starts_before_other_ends = (
            other.effective_until is None or convenant.effective_from <= other.effective_until
        )
        ends_after_other_starts = (
            convenant.effective_until is None or other.effective_from <= convenant.effective_until
        )
        if starts_before_other_ends and ends_after_other_starts:
            raise ConvenantConflict(
                f"{convenant.id} {convenant.version} overlapt in tijd met versie {other.version}: "
                "op elke dag geldt hoogstens één versie"
            )


def versions(convenant_id: str | None = None) -> list[ConvenantVersion]:
    """Stored versions, oldest first."""
    query = select(ConvenantVersion).order_by(
        ConvenantVersion.convenant_id, ConvenantVersion.effective_from
    )
    if convenant_id is not None:
        query = query.where(ConvenantVersion.convenant_id == convenant_id)
    return list(db.session.scalars(query))


def version_in_force(day: date | None = None) -> ConvenantVersion | None:
    """The stored version in force on ``day`` (today by default); the latest start wins."""
    day = day or today()
    candidates = [version for version in versions() if version.in_force_on(day)]
    return max(candidates, key=lambda version: version.effective_from, default=None)


def convenant_of(version: ConvenantVersion) -> Convenant:
    """The validated convenant behind a stored version (parsed once per content hash; the
    stored bytes are checked against their hash every time)."""
    if hashlib.sha256(version.content).hexdigest() != version.content_hash:
        raise _altered(version.source_name)
    return _PARSED.get(version.content_hash) or _parse(
        version.content_hash, version.content, version.source_name
    )


def convenant_in_force(day: date | None = None) -> Convenant:
    """The convenant in force on ``day`` (today in the Netherlands by default).

    Raises :class:`NoConvenant` when no stored version is in force: without one nothing may be
    disclosed. Asked on every page that discloses, so the stored bytes are read only for a
    version not parsed yet.
    """
    day = day or today()
    found = db.session.execute(_IN_FORCE, {"day": day}).first()
    if found is None:
        raise NoConvenant(f"geen convenantversie van kracht op {day.isoformat()}")
    parsed = _PARSED.get(found.content_hash)
    if parsed is not None:
        return parsed
    version = db.session.get(ConvenantVersion, found.id)
    assert version is not None  # noqa: S101 - just found in the same transaction
    return convenant_of(version)


#: the version in force on a day, the latest start winning (as ``version_in_force``)
_IN_FORCE = (
    select(ConvenantVersion.id, ConvenantVersion.content_hash)
    .where(
        ConvenantVersion.effective_from <= bindparam("day"),
        or_(
            ConvenantVersion.effective_until.is_(None),
            ConvenantVersion.effective_until >= bindparam("day"),
        ),
    )
    .order_by(ConvenantVersion.effective_from.desc())
    .limit(1)
)
#: parsed versions by content hash: stored versions never change (a hash names one text)
_PARSED: dict[str, Convenant] = {}


def _parse(content_hash: str, content: bytes, source_name: str) -> Convenant:
    convenant = parse_convenant(content, source_name)
    if convenant.content_hash != content_hash:  # the stored bytes were altered
        raise _altered(source_name)
    if len(_PARSED) < 64:
        _PARSED[content_hash] = convenant
    return convenant


def _altered(source_name: str) -> ConvenantError:
    return ConvenantError(
        [Problem(source_name, None, "", "opgeslagen inhoud klopt niet met de hash")]
    )
