"""The local demo: ``zorgtafel demo`` (example convenant, one account per role, fictitious
cases) and ``zorgtafel demo-code`` (a demo account's TOTP code). Demo mode only."""

from __future__ import annotations

import os
import secrets

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from zorgtafel import ROOT
from zorgtafel.auth import operations, totp
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.demo import create_demo_cases
from zorgtafel.convenant.operations import NoConvenant, convenant_in_force, load_version
from zorgtafel.core.db import db

#: the demo set: one account per role, plus partners enough for a meeting
DEMO_ACCOUNTS = (
    ("voorzitter@demo.zorgtafel.test", "Demo Voorzitter", "gemeente", Role.chair),
    ("politie@demo.zorgtafel.test", "Demo Politie", "politie", Role.partner),
    ("veiligthuis@demo.zorgtafel.test", "Demo Veilig Thuis", "veilig-thuis", Role.partner),
    ("fg@demo.zorgtafel.test", "Demo FG", "gemeente", Role.privacy),
    ("beheer@demo.zorgtafel.test", "Demo Beheerder", "gemeente", Role.admin),
    ("beleid@demo.zorgtafel.test", "Demo Beleidsmedewerker", "gemeente", Role.policy),
)


def _require_demo() -> None:
    if not current_app.extensions["zorgtafel.settings"]["app.demo"]:
        raise click.ClickException("alleen in demomodus (zet app.demo = true in de configuratie)")


def _demo_passwords() -> dict[str, str]:
    """Random demo passwords, kept in the instance folder (0600) so reruns print the same."""
    path = current_app.extensions["zorgtafel.settings"].base_dir / "demo-passwords.txt"
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            email, _, password = line.partition(" ")
            known[email] = password
    missing = [email for email, *_ in DEMO_ACCOUNTS if email not in known]
    if missing:
        for email in missing:
            known[email] = "demo-" + secrets.token_urlsafe(12)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(f"{email} {password}\n" for email, password in known.items())
    return known


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Laad het voorbeeldconvenant, maak zijn partners en één demogebruiker per rol (idempotent)."""
    _require_demo()
    _load_demo_convenant()
    passwords = _demo_passwords()
    for email, name, org, role in DEMO_ACCOUNTS:
        if operations.find_user(email) is None:
            operations.create_user(email, name, org, role, passwords[email], is_demo=True)
    _demo_cases()
    db.session.commit()
    click.echo("Demo-accounts (fictief; alleen voor deze lokale demo):")
    for email, _name, org, role in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:8} {org:14} {email:34} {passwords[email]}")
    click.echo("Code voor tweestapsverificatie: zorgtafel demo-code E-MAILADRES")
    click.echo("Democasussen (fictief): zie /casussen als voorzitter of partner")


def _load_demo_convenant() -> None:
    """The example convenants in ``convenants/``; every partner of the one in force, as demo."""
    for path in sorted((ROOT / "convenants").glob("*.toml")):
        load_version(path)
    try:
        convenant = convenant_in_force()
    except NoConvenant:
        raise click.ClickException("geen voorbeeldconvenant van kracht") from None
    for partner in convenant.partners:
        operations.create_organisation(partner.code, f"{partner.name} (demo)", is_demo=True)


def _demo_cases() -> int:
    """Fictitious cases so the demo shows something (only into an empty case list)."""
    users = {email: operations.find_user(email) for email, *_ in DEMO_ACCOUNTS}
    chair = users["voorzitter@demo.zorgtafel.test"]
    partners = {
        user.organisation.code: user
        for user in users.values()
        if user is not None and user.role is Role.partner
    }
    if chair is None:
        return 0
    return create_demo_cases(chair, partners, convenant_in_force())


@click.command("demo-code")
@click.argument("email")
@with_appcontext
def demo_code_command(email: str) -> None:
    """Toon de huidige TOTP-code van een demo-account (alleen in demomodus)."""
    _require_demo()
    user = db.session.scalar(select(User).where(User.email == operations.normalise_email(email)))
    if user is None or not user.is_demo or user.totp_secret is None:
        raise click.ClickException("geen demo-account")
    click.echo(totp.current_code(user.totp_secret))
