"""Master-key rotation: a new key, every data key re-wrapped, resumable at any point.

The steps, each safe to be killed after:

1. the new key is written to ``<master_key_file>.next`` (0600, fsynced) and registered by id and
   check value; from then on the app loads both keys, so every data key unwraps whichever key
   wraps it;
2. data keys are re-wrapped in batches, one commit per batch;
3. when none is left under the old key, ``.next`` atomically replaces the key file and the old
   key is marked retired. With the key in ``ZORGTAFEL_MASTER_KEY`` the operator swaps the
   variable instead, and a second run retires the old key.

A second run picks up wherever the first stopped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose
from zorgtafel.config import Settings
from zorgtafel.core.clock import utcnow
from zorgtafel.privacy.models import CaseKey, MasterKeyRecord
from zorgtafel.privacy.vault import (
    MASTER_KEY_ENV,
    KeyRing,
    MasterKey,
    VaultError,
    master_key_path,
    next_key_path,
    register_master_key,
    rewrap,
)


@dataclass(frozen=True)
class RotationReport:
    new_key_id: str
    rewrapped: int
    remaining: int
    finished: bool
    #: what the operator still has to do (only with the key in the environment)
    instruction: str | None = None


def rotate(
    session: Session,
    settings: Settings,
    ring: KeyRing,
    *,
    batch_size: int = 200,
    max_batches: int | None = None,
    commit: Callable[[], None] | None = None,
) -> RotationReport:
    """Run (or resume) a rotation. ``max_batches`` stops early; a later run continues."""
    commit = commit or session.commit
    target = _target_key(session, settings, ring)
    if target is None:
        _retire_others(session, ring.primary)
        _record_rotation(session, ring.primary)
        commit()
        return RotationReport(ring.primary.key_id, 0, 0, True)
    register_master_key(session, target)
    commit()
    keys = KeyRing(ring.primary, target)
    rewrapped = batches = 0
    while max_batches is None or batches < max_batches:
        batch = _batch(session, target, batch_size)
        if not batch:
            break
        rewrapped += sum(rewrap(case_key, keys, target) for case_key in batch)
        commit()
        batches += 1
    remaining = _count_not_under(session, target)
    if remaining:
        return RotationReport(target.key_id, rewrapped, remaining, False)
    return _finish(session, settings, ring, target, rewrapped, commit)


def _target_key(session: Session, settings: Settings, ring: KeyRing) -> MasterKey | None:
    """The key to rotate to: the pending ``.next`` key, a new one, or None when only the
    retiring of old keys is left."""
    pending = next_key_path(settings)
    if pending.exists():
        key = MasterKey.parse(pending.read_bytes(), str(pending))
        if key.key_id != ring.primary.key_id:
            return key
        pending.unlink()  # the operator already made it the primary key
    if _active_others(session, ring.primary):
        return None
    key = MasterKey.generate(str(pending))
    _write_key_file(pending, key.encoded())
    return key


def _finish(
    session: Session,
    settings: Settings,
    ring: KeyRing,
    target: MasterKey,
    rewrapped: int,
    commit: Callable[[], None],
) -> RotationReport:
    pending = next_key_path(settings)
    if ring.from_environment:
        instruction = (
            f"zet {MASTER_KEY_ENV} op de inhoud van {pending}, verwijder dat bestand en draai "
            "'zorgtafel keys rotate' nogmaals om de oude sleutel af te sluiten"
        )
        return RotationReport(target.key_id, rewrapped, 0, False, instruction)
    primary = master_key_path(settings)
    os.replace(pending, primary)
    _fsync_dir(primary.parent)
    _retire_others(session, target)
    _record_rotation(session, target)
    commit()
    return RotationReport(target.key_id, rewrapped, 0, True)


def _record_rotation(session: Session, new_key: MasterKey) -> None:
    record(
        AuditAction.key_rotate,
        object_type=ObjectType.master_key,
        object_id=new_key.key_id,
        purpose=Purpose.key_management,
        session=session,
    )


def _batch(session: Session, target: MasterKey, size: int) -> list[CaseKey]:
    return list(
        session.scalars(
            select(CaseKey)
            .where(CaseKey.wrapped_key.is_not(None), CaseKey.master_key_id != target.key_id)
            .order_by(CaseKey.id)
            .limit(size)
            .with_for_update()
        )
    )


def _count_not_under(session: Session, key: MasterKey) -> int:
    return (
        session.scalar(
            select(func.count(CaseKey.id)).where(
                CaseKey.wrapped_key.is_not(None), CaseKey.master_key_id != key.key_id
            )
        )
        or 0
    )


def _active_others(session: Session, keep: MasterKey) -> list[MasterKeyRecord]:
    return list(
        session.scalars(
            select(MasterKeyRecord).where(
                MasterKeyRecord.key_id != keep.key_id, MasterKeyRecord.retired_at.is_(None)
            )
        )
    )


def _retire_others(session: Session, keep: MasterKey) -> int:
    """Mark every other key retired; refuses while one still wraps a data key."""
    if _count_not_under(session, keep):
        raise VaultError("er zijn nog datasleutels onder een andere hoofdsleutel")
    others = _active_others(session, keep)
    for record_ in others:
        record_.retired_at = utcnow()
    return len(others)


def _write_key_file(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def key_counts(session: Session) -> dict[str | None, int]:
    """Number of data keys per wrapping master-key id (None: destroyed)."""
    rows = session.execute(
        select(CaseKey.master_key_id, func.count(CaseKey.id)).group_by(CaseKey.master_key_id)
    ).all()
    return {key_id: int(count) for key_id, count in rows}
