"""Backup and restore: a consistent copy of the database while the app serves, with a signed
checkpoint of the audit chain at that very moment; restore only into an empty database.

A backup is a folder (0700) of three files:

- the database: on SQLite a copy made with SQLite's online backup API (one step, so one
  snapshot; writers go on in the WAL meanwhile); on PostgreSQL a ``pg_dump`` (custom format)
  of a snapshot that this process exported and holds open, so that the chain and the row
  counts read here are exactly what the dump holds;
- ``audit-checkpoint.txt``: the chain's head in that snapshot, signed with the audit key;
- ``manifest.json``: backend, schema revision, row counts per table, the chain's base and
  head, the file's SHA-256, and the id and check value of each master key that wraps a data key.

Keys are never in it: master key, lookup key, session key and audit signing key live in files
(or environment variables) outside the database. A restore checks the loaded master key
against the manifest before it writes anything, and fails closed if it is not the right one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import URL, Connection, Engine, create_engine, func, inspect, select

from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.archive import ArchiveError, pruned_base
from zorgtafel.audit.chain import Verification, timestamp
from zorgtafel.audit.log import head, verify_log
from zorgtafel.audit.sequencer import pending
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.privacy.models import CaseKey, MasterKeyRecord
from zorgtafel.privacy.vault import KeyRing

FORMAT = "zorgtafel-backup/1"
MANIFEST = "manifest.json"
CHECKPOINT = "audit-checkpoint.txt"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; one line, and nothing was written."""


@dataclass(frozen=True)
class Manifest:
    values: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        return self.values["counts"]

    @property
    def chain_size(self) -> int:
        return self.values["audit"]["size"]

    @property
    def chain_head(self) -> str:
        return self.values["audit"]["head_hash"]


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    verification: Verification
    counts: dict[str, int]


# --- what a snapshot holds -------------------------------------------------------------------


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table of the app's schema."""
    return {
        table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }


def _master_keys(connection: Connection) -> list[dict[str, Any]]:
    """Each registered master key (id, check value, retired?) and how many data keys it wraps;
    a check value is an HMAC of the key, not the key."""
    wraps = dict(
        connection.execute(
            select(CaseKey.master_key_id, func.count(CaseKey.id))
            .where(CaseKey.wrapped_key.is_not(None))
            .group_by(CaseKey.master_key_id)
        ).all()
    )
    records = connection.execute(
        select(MasterKeyRecord.key_id, MasterKeyRecord.check_value, MasterKeyRecord.retired_at)
    ).all()
    return [
        {
            "key_id": key_id,
            "check_value": check_value,
            "retired": retired_at is not None,
            "wraps": int(wraps.get(key_id, 0)),
        }
        for key_id, check_value, retired_at in records
    ]


def _state(connection: Connection, vkey: str, origin: str) -> dict[str, Any]:
    """Chain, counts and keys as this snapshot sees them; BackupError if the chain is broken."""
    try:
        base = pruned_base(connection, vkey, origin)
    except ArchiveError as exc:
        raise BackupError(f"auditlog NIET intact, geen back-up gemaakt: {exc}") from None
    verified = verify_log(connection, start=base)
    if verified.problem is not None:
        raise BackupError(f"auditlog NIET intact, geen back-up gemaakt: {verified.problem}")
    anchor = head(connection)
    revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return {
        "revision": revision,
        "audit": {
            "base": verified.base,
            "size": anchor.size,
            "head_hash": anchor.head_hash,
            "queued": pending(connection),
        },
        "counts": table_counts(connection),
        "master_keys": _master_keys(connection),
    }


# --- backup ----------------------------------------------------------------------------------


def backup(engine: Engine, folder: Path, *, key: Ed25519PrivateKey, origin: str) -> Manifest:
    """Write a backup of ``engine``'s database into the new folder ``folder``."""
    backend = engine.dialect.name
    _new_folder(folder)
    target = folder / DATABASE_FILE[backend]
    vkey = checkpoints.verifier_key(origin, key)
    try:
        if backend == "sqlite":
            state = _backup_sqlite(engine, target, vkey, origin)
        else:
            state = _backup_postgres(engine, target, vkey, origin)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    audit = state["audit"]
    note = checkpoints.sign(
        checkpoints.Checkpoint(origin, audit["size"], audit["head_hash"]), key, origin
    )
    values = {
        "format": FORMAT,
        "backend": backend,
        "origin": origin,
        "created_at": timestamp(utcnow()),
        "file": target.name,
        "sha256": _sha256(target),
        **state,
    }
    _write_new(folder / CHECKPOINT, note)
    _write_new(folder / MANIFEST, json.dumps(values, indent=2, sort_keys=True) + "\n")
    _fsync(folder)
    return Manifest(values)


def _new_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} bestaat al en is niet leeg")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def _backup_sqlite(engine: Engine, target: Path, vkey: str, origin: str) -> dict[str, Any]:
    """SQLite's online backup API in one step (one read snapshot of the source), then the
    state read from the copy itself: it is what the copy holds, whatever was written since."""
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # type: ignore[union-attr]
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, nothing beside it
        finally:
            copy.close()
    finally:
        raw.close()
    os.chmod(target, 0o600)
    with _read_only_sqlite(target) as connection:
        return _state(connection, vkey, origin)


@contextmanager
def _read_only_sqlite(path: Path) -> Iterator[Connection]:
    copy = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with copy.connect() as connection:
            yield connection
    finally:
        copy.dispose()


def _backup_postgres(engine: Engine, target: Path, vkey: str, origin: str) -> dict[str, Any]:
    """Export a snapshot, read the state in it and let ``pg_dump`` dump that same snapshot."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        state = _state(connection, vkey, origin)
        _run(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={target}",
            url=engine.url,
        )
        connection.rollback()
    os.chmod(target, 0o600)
    return state


def _run(program: str, *args: str, url: URL) -> None:
    """Run a PostgreSQL client with the database as a URI; the password goes in the
    environment, never on the command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dbname = url.set(drivername="postgresql", password=None).render_as_string()
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} niet gevonden (installeer postgresql-client)")
    result = subprocess.run(  # noqa: S603 - fixed program, arguments built here
        [executable, *args, f"--dbname={dbname}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise BackupError(f"{program} mislukte: {last}")


# --- restore ---------------------------------------------------------------------------------


def read_manifest(folder: Path, vkey: str, origin: str) -> tuple[Manifest, checkpoints.Checkpoint]:
    """The manifest and signed checkpoint of a backup, checked; BackupError if not."""
    try:
        values = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        note = (folder / CHECKPOINT).read_text(encoding="utf-8")
    except (OSError, ValueError):
        raise BackupError(f"{folder}: geen leesbare back-up") from None
    if values.get("format") != FORMAT:
        raise BackupError(f"{folder}: onbekend back-upformaat")
    try:
        signed = checkpoints.open_checkpoint(note, vkey)
    except checkpoints.CheckpointError as exc:
        raise BackupError(f"checkpoint van de back-up: {exc}") from None
    manifest = Manifest(values)
    if (signed.origin, signed.size, signed.head_hash) != (
        origin,
        manifest.chain_size,
        manifest.chain_head,
    ):
        raise BackupError("checkpoint van de back-up klopt niet met het manifest")
    return manifest, signed


def check_keys(manifest: Manifest, ring: KeyRing) -> None:
    """The loaded master key must be the backup's: every key wrapping a data key loaded with
    the same check value, and the primary one of the backup's keys, not retired."""
    keys = manifest.values["master_keys"]
    for entry in keys:
        if entry["wraps"] and not _matches(ring.get(entry["key_id"]), entry):
            raise BackupError(
                f"hoofdsleutel {entry['key_id']} van deze back-up is niet geladen; "
                "herstel geweigerd, er is niets geschreven"
            )
    primary = next((e for e in keys if e["key_id"] == ring.primary.key_id), None)
    if keys and (primary is None or not _matches(ring.primary, primary) or primary["retired"]):
        raise BackupError(
            f"geladen hoofdsleutel {ring.primary.key_id} hoort niet bij deze back-up; "
            "herstel geweigerd, er is niets geschreven"
        )


def _matches(key: Any, entry: dict[str, Any]) -> bool:
    return key is not None and hmac.compare_digest(key.check_value, entry["check_value"])


def restore(engine: Engine, folder: Path, *, ring: KeyRing, vkey: str, origin: str) -> Restored:
    """Fill the empty database of ``engine`` from the backup in ``folder``, then check that
    its chain verifies against the backup's checkpoint and its row counts match."""
    manifest, signed = read_manifest(folder, vkey, origin)
    backend = engine.dialect.name
    if manifest.values["backend"] != backend:
        raise BackupError(
            f"back-up is van {manifest.values['backend']}, deze instantie gebruikt {backend}"
        )
    source = folder / manifest.values["file"]
    if not source.is_file() or _sha256(source) != manifest.values["sha256"]:
        raise BackupError(f"{source}: ontbreekt of is veranderd (sha256 wijkt af)")
    check_keys(manifest, ring)
    with engine.connect() as connection:
        if inspect(connection).get_table_names():
            raise BackupError("de database is niet leeg: herstel alleen in een nieuwe instantie")
    engine.dispose()
    if backend == "sqlite":
        _restore_sqlite(source, engine)
    else:
        _run(
            "pg_restore",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            str(source),
            url=engine.url,
        )
    return _check_restored(engine, manifest, signed, vkey, origin)


def _restore_sqlite(source: Path, engine: Engine) -> None:
    database = engine.url.database
    if not database:
        raise BackupError("herstel naar een SQLite-database in het geheugen kan niet")
    backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(database)
        try:
            backup_copy.backup(target)
        finally:
            target.close()
    finally:
        backup_copy.close()


def _check_restored(
    engine: Engine,
    manifest: Manifest,
    signed: checkpoints.Checkpoint,
    vkey: str,
    origin: str,
) -> Restored:
    with engine.connect() as connection:
        try:
            base = pruned_base(connection, vkey, origin)
        except ArchiveError as exc:
            raise BackupError(f"herstelde keten: {exc}") from None
        verified = verify_log(connection, checkpoint=signed.anchor(), start=base)
        counts = table_counts(connection)
        connection.rollback()
    if verified.problem is not None:
        raise BackupError(f"herstelde keten klopt niet met de checkpoint: {verified.problem}")
    if counts != manifest.counts:
        differ = sorted(name for name in counts if counts[name] != manifest.counts.get(name))
        raise BackupError(f"herstelde rijen wijken af van het manifest: {', '.join(differ)}")
    return Restored(manifest, verified, counts)


# --- files -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
