"""The audit log's own term: events past it go to a signed archive file, then off the log.

``zorgtafel audit prune`` runs :func:`prune`:

1. in a read snapshot, the log is verified (from its current base) and the prefix of events
   older than the cutoff is written to an archive file: a header naming where it starts (the
   previous base and its signed checkpoint), the events as their stored values, and a signed
   checkpoint of its last event; the file is read back and verified before anything goes;
2. one write transaction records the prune (``audit_prunes``: the new base, its hash and the
   signed checkpoint) and appends an ``audit_prune`` event to the chain;
3. the archived events are deleted in batches; the database refuses any delete above the
   recorded base, and a run that stopped half-way is finished by the next.

What remains verifies from the signed base (:func:`pruned_base`), so there is never an
unverified gap: the archive files chain from genesis to the base, the log from the base on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.chain import FIELDS, GENESIS, Anchor, Verification, timestamp, verify_rows
from zorgtafel.audit.log import chain_rows, head, last_prune, verify_log
from zorgtafel.audit.models import AuditEvent, AuditPrune
from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write

FORMAT = "zorgtafel-audit-archive/1"
#: events deleted per transaction after a prune is recorded
DELETE_BATCH = 10_000
_EVENTS = AuditEvent.__table__
_TIME = FIELDS.index("occurred_at")


class ArchiveError(Exception):
    """The log cannot be pruned, or an archive file does not verify; one line."""


@dataclass(frozen=True)
class PrunePlan:
    #: the current base (0: never pruned) and the last event the run would archive
    after: int
    up_to: int
    cutoff: datetime

    @property
    def count(self) -> int:
        return self.up_to - self.after


@dataclass(frozen=True)
class ArchiveCheck:
    after: int
    up_to: int
    head_hash: str


def pruned_base(connection: Connection, vkey: str, origin: str) -> Anchor | None:
    """Where the verified chain begins: the last prune's signed base, checked against its
    checkpoint; None when the log was never pruned. ArchiveError if the checkpoint fails."""
    row = last_prune(connection)
    if row is None:
        return None
    try:
        signed = checkpoints.open_checkpoint(row.checkpoint, vkey)
    except checkpoints.CheckpointError as exc:
        raise ArchiveError(f"snoeipunt {row.base_seq}: {exc}") from None
    if (signed.origin, signed.size, signed.head_hash) != (origin, row.base_seq, row.base_hash):
        raise ArchiveError(f"snoeipunt {row.base_seq} klopt niet met zijn checkpoint")
    return Anchor(row.base_seq, row.base_hash, f"snoeipunt ({row.base_seq})")


def plan(connection: Connection, cutoff: datetime, base: Anchor | None) -> PrunePlan:
    """The prefix of the log after ``base`` whose events all happened before ``cutoff``."""
    after = base.size if base is not None else 0
    first_kept = connection.scalar(
        select(func.min(_EVENTS.c.seq)).where(
            _EVENTS.c.seq > after, _EVENTS.c.occurred_at >= cutoff
        )
    )
    up_to = head(connection).size if first_kept is None else int(first_kept) - 1
    return PrunePlan(after, max(up_to, after), cutoff)


def write_archive(
    connection: Connection,
    path: Path,
    *,
    base: Anchor | None,
    base_note: str | None,
    up_to: int,
    note: str,
    origin: str,
) -> str:
    """Write events ``base + 1`` to ``up_to`` to a new file (0600, fsynced); its SHA-256."""
    header = {
        "format": FORMAT,
        "origin": origin,
        "after": base.size if base else 0,
        "after_hash": base.head_hash if base else GENESIS,
        "after_checkpoint": base_note,
        "up_to": up_to,
    }
    digest = hashlib.sha256()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for line in _lines(connection, header, up_to, note):
                digest.update(line.encode())
                handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _lines(connection: Connection, header: dict[str, Any], up_to: int, note: str) -> Iterator[str]:
    yield json.dumps(header, ensure_ascii=False) + "\n"
    rows = connection.execute(chain_rows(header["after"], up_to))
    try:
        for row in rows:
            values = list(row)
            values[_TIME] = timestamp(values[_TIME])
            yield json.dumps(values, ensure_ascii=False) + "\n"
    finally:
        rows.close()
    yield json.dumps({"checkpoint": note}, ensure_ascii=False) + "\n"


def read_archive(path: Path, vkey: str, origin: str) -> ArchiveCheck:
    """Verify an archive file: its signed end, its signed start and every event between."""
    try:
        with path.open(encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        header, events, trailer = json.loads(lines[0]), lines[1:-1], json.loads(lines[-1])
        if header.get("format") != FORMAT or header.get("origin") != origin:
            raise ArchiveError(f"{path}: geen auditarchief van dit log")
        end = checkpoints.open_checkpoint(trailer["checkpoint"], vkey)
        after = int(header["after"])
        start = Anchor(after, header["after_hash"], f"begin van het archief ({after})")
        if after:
            begun = checkpoints.open_checkpoint(header["after_checkpoint"], vkey)
            if (begun.size, begun.head_hash) != (start.size, start.head_hash):
                raise ArchiveError(f"{path}: begin klopt niet met zijn checkpoint")
        rows = (_event_row(line) for line in events)
        result = verify_rows(rows, checkpoint=end.anchor(), start=start)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ArchiveError(f"{path}: onleesbaar ({type(exc).__name__})") from None
    except checkpoints.CheckpointError as exc:
        raise ArchiveError(f"{path}: {exc}") from None
    if result.problem is not None:
        raise ArchiveError(f"{path}: {result.problem}")
    if end.origin != origin or result.count != end.size or end.size != header["up_to"]:
        raise ArchiveError(f"{path}: eindigt niet bij zijn ondertekende checkpoint")
    return ArchiveCheck(after, result.count, result.head_hash)


def _event_row(line: str) -> list[Any]:
    values = json.loads(line)
    values[_TIME] = datetime.fromisoformat(values[_TIME])
    return values


@dataclass(frozen=True)
class PruneResult:
    plan: PrunePlan
    archive_sha256: str
    removed: int


def prune(
    session: Session,
    snapshot: Connection,
    *,
    cutoff: datetime,
    out: Path,
    key: Ed25519PrivateKey,
    origin: str,
) -> PruneResult:
    """Archive the events before ``cutoff`` to ``out``, record the prune, remove them.

    ``snapshot`` is a read-only transaction (the log as it stands; appends go on meanwhile);
    ``session`` makes the writes afterwards. ArchiveError, with nothing removed, when the
    log does not verify, nothing is due or the archive does not read back.
    """
    vkey = checkpoints.verifier_key(origin, key)
    base = pruned_base(snapshot, vkey, origin)
    verified = verify_log(snapshot, start=base)
    if verified.problem is not None:
        raise ArchiveError(f"auditlog NIET intact, er is niets gesnoeid: {verified.problem}")
    due = plan(snapshot, cutoff, base)
    if not due.count:
        raise ArchiveError("geen gebeurtenissen ouder dan de bewaartermijn")
    up_to_hash = snapshot.scalar(select(_EVENTS.c.hash).where(_EVENTS.c.seq == due.up_to))
    note = checkpoints.sign(checkpoints.Checkpoint(origin, due.up_to, up_to_hash), key, origin)
    previous = last_prune(snapshot)
    digest = write_archive(
        snapshot,
        out,
        base=base,
        base_note=previous.checkpoint if previous is not None else None,
        up_to=due.up_to,
        note=note,
        origin=origin,
    )
    read_archive(out, vkey, origin)
    session.rollback()  # ends the snapshot (the session's own read transaction)
    _record_prune(session, due, up_to_hash, digest, note)
    return PruneResult(due, digest, remove_pruned(session))


def _record_prune(
    session: Session, due: PrunePlan, up_to_hash: str, digest: str, note: str
) -> None:
    begin_write(session)
    session.add(
        AuditPrune(
            base_seq=due.up_to,
            base_hash=up_to_hash,
            cutoff=due.cutoff,
            pruned_at=utcnow(),
            removed=due.count,
            archive_sha256=digest,
            checkpoint=note,
        )
    )
    try:
        session.flush()
    except DBAPIError:  # the guard: another prune got there first
        session.rollback()
        raise ArchiveError(
            "een andere snoeiing kwam ertussen; er is niets verwijderd (dit archief is overbodig)"
        ) from None
    record(
        AuditAction.audit_prune,
        object_type=ObjectType.audit_log,
        object_id=str(due.up_to),
        purpose=Purpose.retention,
        session=session,
    )
    session.commit()


def remove_pruned(session: Session, batch: int = DELETE_BATCH) -> int:
    """Delete the events at or below the recorded base, one batch per transaction."""
    row = last_prune(session.connection())
    session.rollback()
    if row is None:
        return 0
    removed = 0
    while True:
        begin_write(session)
        ids = select(_EVENTS.c.seq).where(_EVENTS.c.seq <= row.base_seq).limit(batch)
        result = session.execute(delete(_EVENTS).where(_EVENTS.c.seq.in_(ids.scalar_subquery())))
        session.commit()
        removed += result.rowcount or 0  # type: ignore[attr-defined]
        if (result.rowcount or 0) < batch:  # type: ignore[attr-defined]
            return removed


def describe(verification: Verification) -> str:
    """Where the verified chain begins, in words for the command line."""
    if verification.base == 0:
        return "geverifieerde keten begint bij volgnummer 1 (het begin van het log)"
    return (
        f"geverifieerde keten begint na volgnummer {verification.base}, bij het ondertekende "
        f"snoeipunt; gebeurtenissen 1 t/m {verification.base} staan in de auditarchieven"
    )
