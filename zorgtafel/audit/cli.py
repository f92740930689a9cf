"""``zorgtafel audit verify | checkpoint | vkey | seal | prune | verify-archive``: check the log,
sign its head, share the key, chain what waits in the queue, archive what is past its term."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, Engine

from zorgtafel.audit import archive
from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.chain import Anchor, Verification
from zorgtafel.audit.log import last_prune, verify_log
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
    result = verify_log(snapshot, checkpoint=anchor, start=_base(snapshot, vkey))
    queued = pending(snapshot)
    if record:
        _record_check(result, anchor.size if anchor else None, checkpoint_file)
    _report(result, queued)
    if anchor is not None and anchor.size < result.base:
        click.echo(
            f"  checkpoint ({anchor.size}) ligt in het gesnoeide deel: controleer hem met "
            "'zorgtafel audit verify-archive'"
        )


def _base(snapshot: Connection, vkey: str | None) -> Anchor | None:
    """The pruned log's signed base (None if never pruned: no key needed then); a base that
    does not verify fails the check."""
    if last_prune(snapshot) is None:
        return None
    try:
        return archive.pruned_base(snapshot, _verifier_key(vkey), _settings()["audit.origin"])
    except archive.ArchiveError as exc:
        click.echo(f"auditlog NIET intact: {exc}", err=True)
        sys.exit(1)


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
            count=result.count - result.base,
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
    events = result.count - result.base
    click.echo(f"auditlog intact: {events} gebeurtenissen, kop {result.head_hash}")
    click.echo(f"  {archive.describe(result)}")
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
    snapshot = _snapshot()
    result = verify_log(snapshot, start=_base(snapshot, None))
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


@audit_group.command("prune")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Nieuw archiefbestand voor de gebeurtenissen die gaan (bestaat het al: geweigerd).",
)
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Snoei alleen wat vóór deze dag ligt (nooit later dan de bewaartermijn toestaat).",
)
@click.option("--dry-run", is_flag=True, help="Zeg alleen hoeveel er zou gaan.")
def prune_command(out: Path, before: datetime | None, dry_run: bool) -> None:
    """Archiveer gebeurtenissen ouder dan de bewaartermijn van het log en verwijder ze dan."""
    from zorgtafel.audit.term import TermError, audit_cutoff

    try:
        cutoff = audit_cutoff(before.date() if before else None)
    except TermError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.rollback()  # the convenant was read; the log is read in a snapshot of its own
    key, origin = _signing_key(), _settings()["audit.origin"]
    if dry_run:
        snapshot = _snapshot()
        base = _base(snapshot, None)
        due = archive.plan(snapshot, cutoff, base)
        click.echo(f"{due.count} gebeurtenissen vóór {cutoff:%Y-%m-%d} zouden gaan")
        return
    try:
        result = archive.prune(
            db.session, _snapshot(), cutoff=cutoff, out=out, key=key, origin=origin
        )
    except (archive.ArchiveError, FileExistsError) as exc:
        db.session.rollback()
        message = f"{out} bestaat al" if isinstance(exc, FileExistsError) else str(exc)
        raise click.ClickException(message) from None
    due = result.plan
    click.echo(
        f"gearchiveerd: volgnummer {due.after + 1} t/m {due.up_to} ({due.count} gebeurtenissen "
        f"vóór {cutoff:%Y-%m-%d}) naar {out}, sha256 {result.archive_sha256}"
    )
    click.echo(f"verwijderd: {result.removed}; de keten begint nu na {due.up_to}")


@audit_group.command("verify-archive")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--vkey", help="Verificatiesleutel (tekst of bestand).")
def verify_archive_command(files: tuple[Path, ...], vkey: str | None) -> None:
    """Controleer auditarchieven in volgorde: elk sluit aan op het vorige en op zijn checkpoints."""
    origin, key = _settings()["audit.origin"], _verifier_key(vkey)
    expected: int | None = None
    for path in files:
        try:
            checked = archive.read_archive(path, key, origin)
        except archive.ArchiveError as exc:
            click.echo(f"archief NIET intact: {exc}", err=True)
            sys.exit(1)
        if expected is not None and checked.after != expected:
            click.echo(f"{path} begint na {checked.after}, verwacht na {expected}", err=True)
            sys.exit(1)
        expected = checked.up_to
        click.echo(f"{path}: intact, volgnummer {checked.after + 1} t/m {checked.up_to}")
