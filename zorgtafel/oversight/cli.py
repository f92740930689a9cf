"""``zorgtafel oversight anomalies``: run the anomaly rules (e.g. hourly, from a scheduler)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from zorgtafel.core.db import db
from zorgtafel.oversight import operations

oversight_group = AppGroup("oversight", help="Toezicht door de FG: afwijkend gebruik signaleren.")


@oversight_group.command("anomalies")
def anomalies_command() -> None:
    """Run the anomaly rules over the audit events since the last run."""
    signals = operations.run_rules()
    db.session.commit()
    click.echo(f"{len(signals)} signalen nieuw of bijgewerkt")
