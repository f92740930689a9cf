"""``zorgtafel audit verify | checkpoint | vkey | seal``: check the log, sign its head, share the
key, chain what waits in the queue."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, Engine

from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.chain import Verification
from zorgtafel.audit.log import verify_log
from zorgtafel.audit.models import ChainCheck
from zorgtafel.audit.sequencer import audit_log, pending
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import READ_ONLY, begin_write, db

audit_group = AppGroup("audit", help="Auditlog (NEN 7513): controleren en ondertekenen.")


def _snapshot() -> Connection:
    """A read-only snapshot of the log: appends during the run are not seen and not blocked.

    (A session bound to a connection is already inside its owner's transaction, as in tests.)
    """
    if not isinstance(db.session.bind, Engine):
        return db.session.connection()
    options: dict[str, object] = dict(READ_ONLY)
    if db.engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    return db.session.connection(execution_options=options)


def _settings():  # type: ignore[no-untyped-def]
    return current_app.extensions["zorgtafel.settings"]


def _signing_key():  # type: ignore[no-untyped-def]
    try:
        return checkpoints.load_signing_key(_settings().path("audit.signing_key_file"))
    except checkpoints.CheckpointError as exc:
        raise click.ClickException(str(exc)) from None


def _verifier_key(vkey: str | None) -> str:
    if vkey is None:
        return checkpoints.verifier_key(_settings()["audit.origin"], _signing_key())
    path = Path(vkey)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else vkey


@audit_group.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Ondertekende checkpoint: meldt ook een log dat eronder is ingekort.",
)
@click.option(
    "--vkey", help="Verificatiesleutel (tekst of bestand); standaard uit de ondertekensleutel."
)
@click.option(
    "--record",
    is_flag=True,
    help="Leg de uitkomst vast voor de startpagina van de FG (voor een geplande controle).",
)
def verify_command(checkpoint_file: Path | None, vkey: str | None, record: bool) -> None:
    """Controleer de hashketen; exit 0 als het log intact is, anders 1 met het eerste probleem."""
    anchor = None
    if checkpoint_file is not None:
        try:
            note = checkpoint_file.read_text(encoding="utf-8")
            signed = checkpoints.open_checkpoint(note, _verifier_key(vkey))
        except (checkpoints.CheckpointError, UnicodeDecodeError) as exc:
            click.echo(f"checkpoint {checkpoint_file}: {exc}", err=True)
            sys.exit(1)
        if signed.origin != _settings()["audit.origin"]:
            click.echo(f"checkpoint is van een ander log ({signed.origin})", err=True)
            sys.exit(1)
        anchor = signed.anchor()
    snapshot = _snapshot()
    result = verify_log(snapshot, checkpoint=anchor)
    queued = pending(snapshot)
    if record:
        _record_check(result, anchor.size if anchor else None, checkpoint_file)
    _report(result, queued)


def _record_check(result: Verification, size: int | None, checkpoint_file: Path | None) -> None:
    """Store the outcome in a write transaction of its own, after the read-only snapshot."""
    db.session.commit()
    begin_write(db.session)
    written = None
    if checkpoint_file is not None:
        written = datetime.fromtimestamp(checkpoint_file.stat().st_mtime, UTC)
    db.session.add(
        ChainCheck(
            checked_at=utcnow(),
            ok=result.ok,
            count=result.count,
            problem=str(result.problem)[:300] if result.problem is not None else None,
            checkpoint_size=size,
            checkpoint_at=written,
        )
    )
    db.session.commit()


def _report(result: Verification, queued: int) -> None:
    if result.problem is not None:
        click.echo(f"auditlog NIET intact: {result.problem}", err=True)
        click.echo(f"  {result.count} gebeurtenissen in orde tot aan het probleem", err=True)
        sys.exit(1)
    click.echo(f"auditlog intact: {result.count} gebeurtenissen, kop {result.head_hash}")
    if queued:
        click.echo(
            f"  {queued} gebeurtenissen wachten in de wachtrij op opname in de keten "
            "('zorgtafel audit seal')"
        )


@audit_group.command("checkpoint")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Schrijf de checkpoint naar dit bestand (anders naar standaarduitvoer).",
)
def checkpoint_command(out: Path | None) -> None:
    """Onderteken de kop van het (eerst gecontroleerde) log met de Ed25519-sleutel."""
    key = _signing_key()
    result = verify_log(_snapshot())
    if result.problem is not None:
        click.echo(f"geen checkpoint: auditlog NIET intact: {result.problem}", err=True)
        sys.exit(1)
    origin = _settings()["audit.origin"]
    note = checkpoints.sign(
        checkpoints.Checkpoint(origin, result.count, result.head_hash), key, origin
    )
    if out is None:
        click.echo(note, nl=False)
        return
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(note)
    click.echo(f"checkpoint geschreven: {out} ({result.count} gebeurtenissen)")


@audit_group.command("vkey")
def vkey_command() -> None:
    """Toon de publieke verificatiesleutel; bewaar die buiten bereik van de databasebeheerder."""
    click.echo(checkpoints.verifier_key(_settings()["audit.origin"], _signing_key()))


@audit_group.command("seal")
def seal_command() -> None:
    """Neem wachtende gebeurtenissen op in de keten (doet de app zelf ook, vlak na elke commit)."""
    chained = audit_log().sequencer.flush()
    click.echo(f"{chained} gebeurtenissen opgenomen in de keten")
