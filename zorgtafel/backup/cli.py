"""``zorgtafel backup PATH`` and ``zorgtafel restore PATH``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext

from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose
from zorgtafel.backup.operations import BackupError, backup, restore
from zorgtafel.core.db import begin_write, db
from zorgtafel.privacy.vault import key_ring


def _settings():  # type: ignore[no-untyped-def]
    return current_app.extensions["zorgtafel.settings"]


def _signing_key(command: str):  # type: ignore[no-untyped-def]
    try:
        return checkpoints.load_signing_key(_settings().path("audit.signing_key_file"))
    except checkpoints.CheckpointError as exc:
        _fail(command, str(exc))


def _fail(command: str, message: str) -> NoReturn:
    """One line on stderr, exit 1: nothing was written."""
    click.echo(f"zorgtafel {command}: {message}", err=True)
    sys.exit(1)


def _record(action: AuditAction, size: int) -> None:
    begin_write(db.session)
    record(
        action,
        object_type=ObjectType.audit_log,
        object_id=str(size),
        purpose=Purpose.continuity,
    )
    db.session.commit()


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Schrijf een consistente back-up naar de nieuwe map PATH, met een ondertekende checkpoint
    van het auditlog; sleutels gaan er nooit in."""
    origin = _settings()["audit.origin"]
    try:
        manifest = backup(db.engine, path, key=_signing_key("backup"), origin=origin)
    except BackupError as exc:
        _fail("backup", str(exc))
    _record(AuditAction.backup, manifest.chain_size)
    rows = sum(manifest.counts.values())
    click.echo(
        f"back-up geschreven: {path} ({rows} rijen; auditlog {manifest.chain_size} "
        f"gebeurtenissen, kop {manifest.chain_head})"
    )
    click.echo("  sleutels zitten er niet in: bewaar ze apart (zie README, back-up en herstel)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--vkey",
    help="Verificatiesleutel van de checkpoint (tekst of bestand), als de ondertekensleutel "
    "sinds de back-up is vervangen; standaard uit de ondertekensleutel.",
)
@with_appcontext
def restore_command(path: Path, vkey: str | None) -> None:
    """Vul deze (lege) instantie met de back-up in PATH; controleert sleutel, keten en rijen."""
    origin = _settings()["audit.origin"]
    if vkey is None:
        vkey = checkpoints.verifier_key(origin, _signing_key("restore"))
    elif Path(vkey).is_file():
        vkey = Path(vkey).read_text(encoding="utf-8").strip()
    db.session.close()
    try:
        restored = restore(db.engine, path, ring=key_ring(), vkey=vkey, origin=origin)
    except BackupError as exc:
        _fail("restore", str(exc))
    _record(AuditAction.restore, restored.manifest.chain_size)
    size, head = restored.manifest.chain_size, restored.manifest.chain_head
    click.echo(
        f"hersteld uit {path}: {sum(restored.counts.values())} rijen zoals in het manifest; "
        f"auditlog klopt met de checkpoint van de back-up ({size} gebeurtenissen, kop {head})"
    )
