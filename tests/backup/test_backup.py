"""Backup and restore: a consistent copy under load with a signed checkpoint of the chain, a
restore that verifies against it, keys never in the backup, a wrong master key refused."""

from __future__ import annotations

import base64
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from tests.fixtures.app import dispose, in_app, make_instance, own_app
from tests.fixtures.audit import AuditFactory
from tests.fixtures.backup import fresh_instance, invoke, wrong_password
from tests.fixtures.cases import EXAMPLE_CONVENANT, CaseFactory
from tests.fixtures.server import gunicorn, write_config
from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.log import head, verify_log
from zorgtafel.audit.models import AuditEvent
from zorgtafel.backup.operations import CHECKPOINT, MANIFEST, read_manifest, table_counts
from zorgtafel.convenant.operations import load_version
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db

#: tables whose rows the restore itself adds to (its own audit event)
AUDIT_TABLES = {"audit_events", "audit_queue", "audit_head"}


@contextmanager
def writers(app: Flask, threads: int = 3) -> Iterator[list[int]]:
    """Cases (each with a data key and an audit event) created in threads until the block ends;
    yields the list that counts them."""
    stop, done = threading.Event(), []
    factory = CaseFactory(app)
    factory.create()  # registers the master key once, before the threads race to

    def write() -> None:
        while not stop.is_set():
            factory.create()
            done.append(1)

    workers = [threading.Thread(target=write) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        while len(done) < 10:  # the load is on before the block runs
            threading.Event().wait(0.01)
        yield done
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def test_a_backup_under_load_restores_to_its_counts_and_its_checkpoint(
    backend: str, live: Flask, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    with writers(live) as done:
        before = len(done)
        made = invoke(live, "backup", str(folder))
        during = len(done) - before
    assert made.exit_code == 0, made.output
    assert during > 0, "the writers wrote while the backup ran"
    vkey = _vkey(live)
    origin = live.extensions["zorgtafel.settings"]["audit.origin"]
    manifest, signed = read_manifest(folder, vkey, origin)
    with in_app(live) as session:
        live_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == signed.size))
        assert head(session.connection()).size > signed.size  # writes went on after the copy
    assert live_hash == signed.head_hash == manifest.chain_head
    assert manifest.counts["cases"] >= 10

    with fresh_instance(backend, tmp_path, tmp_path / "instance") as restored:
        result = invoke(restored, "restore", str(folder))
        assert result.exit_code == 0, result.output
        assert "zoals in het manifest" in result.output
        with restored.app_context():
            connection = db.session.connection()
            counts = table_counts(connection)
            verified = verify_log(connection, checkpoint=signed.anchor())
            restore_event = db.session.execute(
                select(AuditEvent.action, AuditEvent.prev_hash).where(
                    AuditEvent.seq == signed.size + 1
                )
            ).one()
    assert {k: v for k, v in counts.items() if k not in AUDIT_TABLES} == {
        k: v for k, v in manifest.counts.items() if k not in AUDIT_TABLES
    }
    assert verified.ok, verified.problem
    assert tuple(restore_event) == ("restore", signed.head_hash)


def test_keys_are_never_in_a_backup(live: Flask, tmp_path: Path) -> None:
    CaseFactory(live).create()
    folder = tmp_path / "backup"
    assert invoke(live, "backup", str(folder)).exit_code == 0
    instance = tmp_path / "instance"
    secrets_ = []
    for name in ("master.key", "lookup.key", "audit-signing.key", "secret_key"):
        text_ = (instance / name).read_bytes().strip()
        secrets_ += (
            [text_, base64.urlsafe_b64decode(text_ + b"==")] if name != "secret_key" else [text_]
        )
    stored = b"".join(path.read_bytes() for path in folder.iterdir())
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [CHECKPOINT, MANIFEST, _database_file(live)]
    )
    assert not any(secret in stored for secret in secrets_)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_restore_without_the_right_master_key_fails_closed_in_one_line(
    backend: str, live: Flask, tmp_path: Path
) -> None:
    CaseFactory(live).create()
    folder = tmp_path / "backup"
    assert invoke(live, "backup", str(folder)).exit_code == 0
    other = make_instance(tmp_path / "other")  # another master key, the same audit key
    shutil.copy(tmp_path / "instance" / "audit-signing.key", other / "audit-signing.key")
    with fresh_instance(backend, tmp_path, other) as stranger:
        refused = invoke(stranger, "restore", str(folder))
        with stranger.app_context():
            tables = inspect(db.session.connection()).get_table_names()
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1
    assert "hoofdsleutel" in refused.output
    assert "herstel geweigerd" in refused.output
    assert tables == []


def test_a_restore_only_fills_an_empty_database(live: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    assert invoke(live, "backup", str(folder)).exit_code == 0
    refused = invoke(live, "restore", str(folder))
    assert refused.exit_code == 1
    assert "niet leeg" in refused.output


def test_a_backup_never_writes_into_a_folder_with_files(live: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "earlier").write_text("x")
    refused = invoke(live, "backup", str(folder))
    assert refused.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == ["earlier"]


def test_a_changed_backup_file_is_refused(backend: str, live: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    assert invoke(live, "backup", str(folder)).exit_code == 0
    database = folder / _database_file(live)
    database.write_bytes(database.read_bytes() + b"\0")
    with fresh_instance(backend, tmp_path, tmp_path / "instance") as restored:
        refused = invoke(restored, "restore", str(folder))
    assert refused.exit_code == 1
    assert "sha256" in refused.output


def _vkey(app: Flask) -> str:
    settings = app.extensions["zorgtafel.settings"]
    key = checkpoints.load_signing_key(settings.path("audit.signing_key_file"))
    return checkpoints.verifier_key(settings["audit.origin"], key)


def _database_file(app: Flask) -> str:
    from zorgtafel.backup.operations import DATABASE_FILE

    return DATABASE_FILE[app.extensions["zorgtafel.db"].engine.dialect.name]


def test_a_restore_after_the_audit_key_changed_checks_with_the_old_verifier_key(
    backend: str, live: Flask, tmp_path: Path
) -> None:
    CaseFactory(live).create()
    folder = tmp_path / "backup"
    assert invoke(live, "backup", str(folder)).exit_code == 0
    old_vkey = tmp_path / "audit.vkey"
    old_vkey.write_text(_vkey(live))
    instance = tmp_path / "instance"
    (instance / "audit-signing.key").write_bytes(checkpoints.new_signing_seed())
    with fresh_instance(backend, tmp_path, instance) as restored:
        unchecked = invoke(restored, "restore", str(folder))
        checked = invoke(restored, "restore", str(folder), "--vkey", str(old_vkey))
    assert unchecked.exit_code == 1
    assert "checkpoint van de back-up" in unchecked.output
    assert checked.exit_code == 0, checked.output


@pytest.mark.slow
def test_a_backup_while_gunicorn_serves_restores_to_its_checkpoint(
    backend: str, own_database: str, tmp_path: Path
) -> None:
    """The same under real load: two gunicorn workers take failed logins (each an audit event
    and a throttle count) from four clients while the backup runs in another process."""
    instance = make_instance(tmp_path / "instance")
    many = "100000 per minute"
    write_config(
        instance, own_database, ratelimit={"login_per_account": many, "login_per_ip": many}
    )
    backer = own_app(own_database, instance)
    stop, answered = threading.Event(), []

    def client(number: int) -> None:
        while not stop.is_set():
            answered.append(wrong_password(address, f"onbekend-{number}@example.test"))

    with gunicorn(instance, workers=2) as address:
        clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in clients:
            thread.start()
        try:
            while len(answered) < 8:
                threading.Event().wait(0.05)
            # a backup of this small database can take less time than one answer: back up
            # again (each into a new folder) until answers came in while one of them ran
            for attempt in range(40):
                folder = tmp_path / f"backup-{attempt}"
                before = len(answered)
                made = invoke(backer, "backup", str(folder))
                during = len(answered) - before
                if made.exit_code != 0 or during > 0:
                    break
            after = len(answered)
            while len(answered) < after + 4:  # and the app serves on after it
                threading.Event().wait(0.05)
        finally:
            stop.set()
            for thread in clients:
                thread.join()
    try:
        assert made.exit_code == 0, made.output
        assert set(answered) == {401}
        assert during > 0, "requests were answered while the backup ran"
        manifest, signed = read_manifest(
            folder,
            _vkey(backer),
            backer.extensions["zorgtafel.settings"]["audit.origin"],
        )
        with in_app(backer) as session:
            assert head(session.connection()).size > signed.size
            live_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == signed.size))
        assert live_hash == signed.head_hash
    finally:
        dispose(backer)
    with fresh_instance(backend, tmp_path, instance) as restored:
        result = invoke(restored, "restore", str(folder))
        assert result.exit_code == 0, result.output
        with restored.app_context():
            connection = db.session.connection()
            counts = table_counts(connection)
            assert verify_log(connection, checkpoint=signed.anchor()).ok
    assert {k: v for k, v in counts.items() if k not in AUDIT_TABLES} == {
        k: v for k, v in manifest.counts.items() if k not in AUDIT_TABLES
    }


def test_a_backup_of_a_pruned_log_restores_and_verifies_from_its_signed_base(
    backend: str, live: Flask, tmp_path: Path
) -> None:
    with in_app(live):
        load_version(EXAMPLE_CONVENANT)
    AuditFactory(live).append(3, at=utcnow() - timedelta(days=6 * 366))
    AuditFactory(live).append(2)
    assert invoke(live, "audit", "prune", "--out", str(tmp_path / "a.jsonl")).exit_code == 0
    assert invoke(live, "backup", str(tmp_path / "backup")).exit_code == 0
    with fresh_instance(backend, tmp_path, tmp_path / "instance") as restored:
        assert invoke(restored, "restore", str(tmp_path / "backup")).exit_code == 0
        verified = invoke(restored, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "begint na volgnummer 3" in verified.output
