"""An erased case stays erased in backups: after the erasure run the master key is rotated and
the old one destroyed, so a backup taken before the erasure no longer opens with the keys."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, create_engine, inspect, make_url, select
from sqlalchemy.orm import Session

from tests.fixtures.app import fresh_database, in_app
from tests.fixtures.backup import fresh_instance, invoke
from tests.fixtures.cases import CaseFactory, CaseRecord
from zorgtafel.backup.operations import DATABASE_FILE
from zorgtafel.cases.models import Case
from zorgtafel.core.db import db
from zorgtafel.privacy import vault
from zorgtafel.privacy.models import CaseKey

IDENTITY = "Fictief: Testpersoon, Voorbeeldstraat 1, Voorbeeldland"


def sealed_case(app: Flask) -> CaseRecord:
    """A case with a sealed (fictitious) identity."""
    record = CaseFactory(app).create()
    with in_app(app) as session:
        case = session.get(Case, record.id)
        assert case is not None
        key = vault.data_key(vault.case_key_for(session, case.id))  # type: ignore[arg-type]
        case.identity = vault.seal(key, IDENTITY, table="cases", row_id=case.id, column="identity")
    return record


def test_a_backup_from_before_an_erasure_cannot_open_the_erased_case(
    backend: str, live: Flask, tmp_path: Path
) -> None:
    erased, kept = sealed_case(live), sealed_case(live)
    folder = tmp_path / "before-erasure"
    assert invoke(live, "backup", str(folder)).exit_code == 0
    instance = tmp_path / "instance"
    old_key = (instance / "master.key").read_bytes()

    # the erasure run: the case's data key destroyed, then the master key rotated
    assert invoke(live, "keys", "shred", erased.code, "--yes").exit_code == 0
    rotated = invoke(live, "keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "rotatie voltooid" in rotated.output
    assert (instance / "master.key").read_bytes() != old_key
    assert not any(old_key in path.read_bytes() for path in instance.iterdir() if path.is_file())
    current = vault.load_key_ring(live.extensions["zorgtafel.settings"])
    old_id = vault.MasterKey.parse(old_key, "old").key_id

    # the live instance still opens the kept case and not the erased one
    with in_app(live) as session:
        assert vault.data_key(_case_key(session, kept), current)
        with pytest.raises(vault.KeyDestroyed):
            vault.data_key(_case_key(session, erased), current)

    # restoring the old backup with today's keys is refused, and nothing is written
    with fresh_instance(backend, tmp_path, instance) as restored:
        refused = invoke(restored, "restore", str(folder))
        with restored.app_context():
            assert inspect(db.session.connection()).get_table_names() == []
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1
    assert f"hoofdsleutel {old_id} van deze back-up is niet geladen" in refused.output

    # and read around the restore, the backup's copy of the erased case's key does not open
    with backup_contents(backend, folder, tmp_path) as connection:
        session = Session(bind=connection)
        old_copy = _case_key(session, erased)
        assert old_copy.master_key_id == old_id
        assert old_copy.wrapped_key is not None  # taken before the shredding ...
        with pytest.raises(vault.VaultError, match="niet geladen"):
            vault.data_key(old_copy, current)  # ... yet no loaded key unwraps it
        with pytest.raises(vault.TamperedCiphertext):
            current.primary.unwrap(old_copy.wrapped_key, b"any binding")
        session.close()


def _case_key(session: Session, case: CaseRecord) -> CaseKey:
    found = session.scalar(select(CaseKey).where(CaseKey.case_id == case.id))
    assert found is not None
    return found


@contextmanager
def backup_contents(backend: str, folder: Path, tmp_path: Path) -> Iterator[Connection]:
    """The backup's database opened directly, bypassing ``restore`` and its key check."""
    if backend == "sqlite":
        engine = create_engine(f"sqlite:///{folder / DATABASE_FILE['sqlite']}")
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()
        return
    with fresh_database(backend, tmp_path) as url:
        target = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={target}", str(folder / "database.pgdump")],
            check=True,
            capture_output=True,
        )
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()
