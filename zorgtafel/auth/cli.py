"""Account commands: ``zorgtafel user ...``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from zorgtafel.auth import operations
from zorgtafel.auth.models import Role
from zorgtafel.core.db import db

user_group = AppGroup("user", help="Gebruikers beheren.")


@user_group.command("add")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--org", "org_code", required=True, help="Organisatiecode (partnercode).")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.password_option(help="Wachtwoord (wordt gevraagd als het ontbreekt).")
def user_add(email: str, name: str, org_code: str, role: str, password: str) -> None:
    """Voeg een gebruiker toe; bij de eerste login stelt die tweestapsverificatie in."""
    try:
        user = operations.create_user(email, name, org_code, Role(role), password)
    except operations.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"gebruiker {user.id} aangemaakt ({user.role.value}, {user.organisation.code})")


@user_group.command("disable")
@click.argument("email")
def user_disable(email: str) -> None:
    """Blokkeer een gebruiker; alle sessies eindigen direct."""
    user = operations.find_user(email)
    if user is None:
        raise click.ClickException("onbekende gebruiker")
    operations.disable_user(user)
    db.session.commit()
    click.echo(f"gebruiker {user.id} geblokkeerd")


@user_group.command("org-add")
@click.option("--code", required=True)
@click.option("--name", required=True)
def org_add(code: str, name: str) -> None:
    """Voeg een organisatie toe (code = partnercode uit het convenant)."""
    try:
        organisation = operations.create_organisation(code, name)
    except operations.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"organisatie {organisation.code}")
