"""The hash chain: canonical encoding of an event, its SHA-256, and verification of the log.

Each event's hash is SHA-256 over a JSON array of a version tag and every column in ``FIELDS``
(``prev_hash`` last), so an event commits to its content, its place (``seq``) and its whole
history. Verification streams the log in ``seq`` order and stops at the first problem, naming
the sequence number and whether an event was altered, removed, inserted or reordered.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

VERSION = "zorgtafel-audit/1"
#: ``prev_hash`` of event 1
GENESIS = "0" * 64
#: the hashed columns, in encoding order; a stored row is these plus ``hash``
FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_org",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "level",
    "categories",
    "convenant_id",
    "convenant_version",
    "convenant_hash",
    "convenant_article",
    "purpose",
    "outcome",
    "reason",
    "client_address",
    "request_id",
    "prev_hash",
)
_SEQ = 0
_TIME = 1
_PREV = len(FIELDS) - 1
#: how far around a bad event verification looks to tell what happened
WINDOW = 256

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
#: what ``_dumps`` writes for one string (``ensure_ascii=False``)
_encode_string = json.encoder.encode_basestring
_sha256 = hashlib.sha256


def timestamp(moment: datetime) -> str:
    """The canonical form of an event time: ISO 8601 in UTC with microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def encode(fields: Sequence[Any]) -> bytes:
    """Canonical bytes of one event (values in ``FIELDS`` order; ``occurred_at`` a datetime;
    anything after ``prev_hash``, such as a stored row's ``hash``, is ignored).

    A JSON array (UTF-8, no spaces) of the version tag and the values: unambiguous for any
    content, including a tampered row's. Built value by value, each exactly as
    ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` writes it (strings,
    integers and null are all a row holds), so the bytes are those of that one call.
    """
    parts = [_VERSION_JSON, _json(fields[_SEQ]), _time_json(fields[_TIME])]
    parts += map(_json, fields[_TIME + 1 : _PREV + 1])
    return ("[" + ",".join(parts) + "]").encode()


_VERSION_JSON = _encode_string(VERSION)


def _json(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        return _encode_string(value)
    if type(value) is int:
        return int.__repr__(value)
    return _dumps(value)  # anything else a tampered row may hold: as json.dumps writes it


@lru_cache(maxsize=256)
def _time_json(moment: datetime) -> str:
    """The canonical time as JSON; a page's events share one moment, so it is cached."""
    return _encode_string(moment.astimezone(UTC).isoformat(timespec="microseconds"))


def event_hash(fields: Sequence[Any]) -> str:
    return _sha256(encode(fields)).hexdigest()


class Tampering(StrEnum):
    altered = "altered"
    removed = "removed"
    inserted = "inserted"
    reordered = "reordered"


#: Dutch wording for the command line
TAMPERING_NL = {
    Tampering.altered: "gewijzigd",
    Tampering.removed: "verwijderd",
    Tampering.inserted: "ingevoegd",
    Tampering.reordered: "van volgorde veranderd",
}


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with the log: at which sequence number, what kind, and why."""

    seq: int
    kind: Tampering
    detail: str

    def __str__(self) -> str:
        return f"volgnummer {self.seq}: {TAMPERING_NL[self.kind]} ({self.detail})"


@dataclass(frozen=True)
class Verification:
    #: the last sequence number verified (events ``base + 1`` to ``count``)
    count: int
    head_hash: str
    problem: Problem | None = None
    #: the event the verified chain starts after: 0 (genesis) or a pruned log's signed base
    base: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Anchor:
    """A trusted (size, head hash) pair: the head row, or a signed checkpoint."""

    size: int
    head_hash: str
    name: str
    #: the log must end exactly here (the head row); a checkpoint only bounds it from below
    is_head: bool = False


def verify_rows(
    rows: Iterable[Sequence[Any]],
    *,
    head: Anchor | None = None,
    checkpoint: Anchor | None = None,
    start: Anchor | None = None,
) -> Verification:
    """Check a log given as rows of ``FIELDS + ("hash",)`` in ``seq`` order.

    ``head`` is the head row (catches events cut off the end when nobody fixed the head);
    ``checkpoint`` a signed checkpoint (catches a cut-back or a re-hashed chain below it);
    ``start`` the signed base of a pruned log: the rows begin right after it and link to its
    hash. A checkpoint at or below ``start`` is checked against the archive, not here.
    """
    iterator = iter(rows)
    recent: deque[tuple[int, str]] = deque(maxlen=WINDOW)
    base = start.size if start is not None else 0
    prev_hash = start.head_hash if start is not None else GENESIS
    expected = base + 1
    if checkpoint is not None and checkpoint.size <= base:
        if checkpoint.size == base and checkpoint.head_hash != prev_hash:
            problem = Problem(base, Tampering.altered, f"hash wijkt af van {checkpoint.name}")
            return Verification(base, prev_hash, problem, base)
        checkpoint = None
    anchor_hash: str | None = None
    for row in iterator:
        seq, stored_prev, stored_hash = row[_SEQ], row[_PREV], row[-1]
        computed = _sha256(encode(row)).hexdigest()
        if seq != expected or computed != stored_hash or stored_prev != prev_hash:
            problem = _diagnose(row, computed, expected, prev_hash, recent, iterator)
            return Verification(expected - 1, prev_hash, problem, base)
        if checkpoint is not None and seq == checkpoint.size:
            anchor_hash = stored_hash
        recent.append((seq, stored_hash))
        prev_hash = stored_hash
        expected += 1
    count = expected - 1
    for anchor in (head, checkpoint):
        if anchor is not None and (
            problem := _against_anchor(anchor, count, prev_hash, anchor_hash)
        ):
            return Verification(count, prev_hash, problem, base)
    return Verification(count, prev_hash, base=base)


def _diagnose(
    row: Sequence[Any],
    computed: str,
    expected: int,
    prev_hash: str,
    recent: deque[tuple[int, str]],
    rest: Iterator[Sequence[Any]],
) -> Problem:
    seq, stored_prev, stored_hash = row[_SEQ], row[_PREV], row[-1]
    if seq != expected:
        last = f"{expected}" if seq == expected + 1 else f"{expected} t/m {seq - 1}"
        return Problem(expected, Tampering.removed, f"volgnummer {last} ontbreekt")
    if computed != stored_hash:
        return _diagnose_own_hash(row, rest)
    earlier = {hash_: number for number, hash_ in recent}
    if stored_prev in earlier:
        first = earlier[stored_prev] + 1
        return Problem(
            first, Tampering.inserted, f"de keten loopt van {first - 1} direct naar {seq}"
        )
    if _later_hash(stored_prev, rest):
        return Problem(seq, Tampering.reordered, "verwijst naar een later opgeslagen voorganger")
    if seq == 1:
        return Problem(1, Tampering.altered, "eerste gebeurtenis begint niet bij het begin")
    return Problem(
        seq - 1,
        Tampering.altered,
        f"hash herberekend; volgnummer {seq} verwijst naar een andere voorganger",
    )


def _diagnose_own_hash(row: Sequence[Any], rest: Iterator[Sequence[Any]]) -> Problem:
    """The event does not match its own hash: changed in place, or moved to another seq."""
    seq, stored_prev = row[_SEQ], row[_PREV]
    written_as = _original_seq(row)
    if written_as is None:
        return Problem(seq, Tampering.altered, "inhoud past niet bij de eigen hash")
    if written_as > seq:
        if _later_hash(stored_prev, rest):
            return Problem(
                seq, Tampering.reordered, f"gebeurtenis {written_as} staat op plaats {seq}"
            )
        return Problem(
            seq,
            Tampering.removed,
            f"gebeurtenis {written_as} is opgeschoven naar {seq}: ervoor is iets weggehaald",
        )
    return Problem(
        written_as,
        Tampering.inserted,
        f"gebeurtenis {written_as} is opgeschoven naar {seq}: ervoor is iets tussengevoegd",
    )


def _original_seq(row: Sequence[Any]) -> int | None:
    """The seq an event was hashed with, if it lies within ``WINDOW`` of where it is now."""
    fields = list(row[:-1])
    seq = fields[_SEQ]
    for candidate in range(max(1, seq - WINDOW), seq + WINDOW + 1):
        if candidate == seq:
            continue
        fields[_SEQ] = candidate
        if event_hash(fields) == row[-1]:
            return candidate
    return None


def _later_hash(wanted: str, rest: Iterator[Sequence[Any]]) -> bool:
    return any(row[-1] == wanted for _, row in zip(range(WINDOW), rest, strict=False))


def _against_anchor(
    anchor: Anchor, count: int, head_hash: str, hash_at_anchor: str | None
) -> Problem | None:
    if anchor.size > count:
        return Problem(
            count + 1,
            Tampering.removed,
            f"log eindigt bij {count}, {anchor.name} zegt {anchor.size}",
        )
    if anchor.size == 0:
        return None
    if anchor.is_head and anchor.size < count:
        return Problem(
            anchor.size + 1,
            Tampering.inserted,
            f"kop staat op {anchor.size}, log loopt tot {count}",
        )
    found = head_hash if anchor.size == count else hash_at_anchor
    if found != anchor.head_hash:
        return Problem(
            anchor.size,
            Tampering.altered,
            f"hash wijkt af van {anchor.name}: op of vóór {anchor.size} herschreven",
        )
    return None
