"""``zorgtafel convenant validate|matrix|diff|load``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from zorgtafel.convenant.compare import diff, render_diff_text, render_matrix_text
from zorgtafel.convenant.loader import ConvenantError, load_convenant

convenant_group = AppGroup("convenant", help="Convenant: controleren, tonen, vergelijken, laden.")
FILE = click.Path(dir_okay=False, path_type=Path)


@convenant_group.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=FILE)
def validate_command(paths: tuple[Path, ...]) -> None:
    """Controleer convenantbestanden: OK per bestand, of elke fout met regel en sleutel."""
    failed = False
    for path in paths:
        try:
            convenant = load_convenant(path)
        except ConvenantError as exc:
            failed = True
            click.echo(str(exc), err=True)
            continue
        click.echo(f"OK {path} ({convenant.id} {convenant.version})")
    if failed:
        raise SystemExit(1)


@convenant_group.command("matrix", with_appcontext=False)
@click.argument("path", type=FILE)
def matrix_command(path: Path) -> None:
    """Toon wie welke categorie levert (L) en ontvangt (O)."""
    click.echo(render_matrix_text(_load(path)), nl=False)


@convenant_group.command("diff", with_appcontext=False)
@click.argument("old", type=FILE)
@click.argument("new", type=FILE)
def diff_command(old: Path, new: Path) -> None:
    """Toon per partner welke rechten erbij komen en vervallen."""
    click.echo(render_diff_text(diff(_load(old), _load(new))), nl=False)


@convenant_group.command("load")
@click.argument("paths", nargs=-1, required=True, type=FILE)
def load_command(paths: tuple[Path, ...]) -> None:
    """Sla convenantversies op in de database (hetzelfde bestand opnieuw laden doet niets)."""
    from zorgtafel.convenant.operations import ConvenantConflict, load_version
    from zorgtafel.core.db import db

    for path in paths:
        try:
            version, created = load_version(path)
        except ConvenantError as exc:
            raise click.ClickException(f"niet geladen:\n{exc}") from None
        except ConvenantConflict as exc:
            raise click.ClickException(f"niet geladen: {exc}") from None
        state = "geladen" if created else "al geladen, niets veranderd"
        click.echo(
            f"{version.convenant_id} {version.version}: {state} (sha256 {version.content_hash})"
        )
    db.session.commit()


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        return load_convenant(path)
    except ConvenantError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
