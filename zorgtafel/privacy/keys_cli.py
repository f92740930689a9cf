"""``zorgtafel keys status | rotate | shred``: master keys and per-case data keys."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose
from zorgtafel.cases.models import Case
from zorgtafel.core.db import db
from zorgtafel.privacy import rotation
from zorgtafel.privacy.models import MasterKeyRecord
from zorgtafel.privacy.vault import VaultError, case_key_for, destroy_case_key, key_ring

keys_group = AppGroup(
    "keys", help="Sleutels: hoofdsleutel roteren, status, casussleutel vernietigen."
)


@keys_group.command("status")
def status_command() -> None:
    """Welke hoofdsleutel hoeveel datasleutels inpakt."""
    ring = key_ring()
    counts = rotation.key_counts(db.session)
    records = db.session.scalars(select(MasterKeyRecord).order_by(MasterKeyRecord.created_at))
    click.echo(f"{'hoofdsleutel':18}{'status':34}datasleutels")
    seen = set()
    for record_ in records:
        seen.add(record_.key_id)
        click.echo(f"{record_.key_id:18}{_state(record_, ring):34}{counts.get(record_.key_id, 0)}")
    if ring.primary.key_id not in seen:
        click.echo(f"{ring.primary.key_id:18}{'geladen, nog niet geregistreerd':34}0")
    click.echo(f"vernietigde datasleutels: {counts.get(None, 0)}")


def _state(record_: MasterKeyRecord, ring) -> str:  # type: ignore[no-untyped-def]
    if record_.retired_at is not None:
        return "vervangen"
    if record_.key_id == ring.primary.key_id:
        return "in gebruik"
    if ring.next is not None and record_.key_id == ring.next.key_id:
        return "nieuw (rotatie loopt)"
    return "niet geladen"


@keys_group.command("rotate")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000))
@click.option(
    "--max-batches",
    type=click.IntRange(1),
    help="Stop na zoveel batches; een volgende run gaat verder.",
)
def rotate_command(batch_size: int, max_batches: int | None) -> None:
    """Maak een nieuwe hoofdsleutel en pak elke datasleutel opnieuw in (hervatbaar)."""
    settings = current_app.extensions["zorgtafel.settings"]
    try:
        report = rotation.rotate(
            db.session, settings, key_ring(), batch_size=batch_size, max_batches=max_batches
        )
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"nieuwe hoofdsleutel {report.new_key_id}: {report.rewrapped} datasleutels opnieuw ingepakt"
    )
    if report.instruction:
        click.echo(report.instruction)
    elif report.finished:
        click.echo("rotatie voltooid; de oude hoofdsleutel is afgesloten")
    else:
        click.echo(f"nog {report.remaining} te gaan: draai 'zorgtafel keys rotate' opnieuw")


@keys_group.command("shred")
@click.argument("case_code")
@click.option("--yes", is_flag=True, help="Bevestig: de gegevens van de casus zijn daarna weg.")
def shred_command(case_code: str, yes: bool) -> None:
    """Vernietig de datasleutel van een casus: de versleutelde gegevens zijn onherstelbaar weg."""
    case = db.session.scalar(select(Case).where(Case.code == case_code))
    case_key = case_key_for(db.session, case.id) if case else None
    if case is None or case_key is None:
        raise click.ClickException("onbekende casus")
    if not yes:
        raise click.ClickException("bevestig met --yes: dit is onomkeerbaar")
    destroy_case_key(case_key)
    record(
        AuditAction.key_destroy,
        object_type=ObjectType.case,
        object_id=case.code,
        purpose=Purpose.retention,
    )
    db.session.commit()
    click.echo(f"datasleutel van {case.code} vernietigd")
