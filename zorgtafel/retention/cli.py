"""``zorgtafel retention due``: the due list on the command line (for cron or a systemd timer).

It prints the same list as the page: what is past its term, held or proposed, with counts per
kind, never content. It reads as the privacy officer named by ``--as`` (the dry run is a
disclosure like any other, logged under that user).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from zorgtafel.auth.models import Role, User
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import local_time
from zorgtafel.core.db import db
from zorgtafel.retention.due import due_list
from zorgtafel.retention.models import Kind

retention_group = AppGroup("retention", help="Bewaartermijnen: wat over de termijn is.")


@retention_group.command("due")
@click.option("--as", "email", required=True, help="E-mailadres van de FG of de voorzitter.")
def due_command(email: str) -> None:
    """Casussen en notulen over de bewaartermijn, met aantallen per soort (er gaat niets weg)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.role not in (Role.privacy, Role.chair) or not user.is_active:
        raise click.ClickException("geen actieve FG of voorzitter met dat e-mailadres")
    listing = due_list(user, convenant_in_force())
    db.session.commit()
    kinds = " ".join(f"{kind.value}" for kind in Kind)
    click.echo(f"over de termijn: {len(listing.due)}; met bewaarplicht: {len(listing.held)}")
    click.echo(f"{'casus':16}{'soort':9}{'termijn tot':18}{'status':12}{kinds}")
    for entry in listing.entries:
        status = "bewaarplicht" if entry.held else ("voorgesteld" if entry.proposal else "te doen")
        numbers = " ".join(f"{entry.counts.get(kind, 0):>{len(kind.value)}}" for kind in Kind)
        click.echo(
            f"{entry.case.code:16}{entry.scope.value:9}{local_time(entry.term.ends_at):18}"
            f"{status:12}{numbers}"
        )
    totals = listing.totals()
    click.echo("totaal te verwijderen: " + ", ".join(f"{k.value} {totals[k]}" for k in Kind))
