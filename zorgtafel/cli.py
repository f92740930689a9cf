"""The ``zorgtafel`` command (also reachable as ``flask --app zorgtafel``)."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from zorgtafel import ROOT, create_app
from zorgtafel.audit.checkpoint import new_signing_seed
from zorgtafel.config import ConfigError, config_path, instance_dir, load_settings
from zorgtafel.privacy.lookup import new_lookup_key


def _app_for_cli():  # type: ignore[no-untyped-def]
    try:
        return create_app()
    except ConfigError as exc:
        click.echo(f"zorgtafel: {exc}", err=True)
        sys.exit(2)


cli = FlaskGroup(
    name="zorgtafel",
    create_app=_app_for_cli,
    help="zorgtafel: beheer, demo en hulpmiddelen.",
    set_debug_flag=False,
    load_dotenv=False,
)


def _write_secret(path: Path, content: bytes) -> bool:
    """Create ``path`` with mode 0600 unless it exists; True when written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return True


@cli.command("init", with_appcontext=False)
@click.option("--demo", is_flag=True, help="Zet demomodus aan in een nieuwe configuratie.")
def init_command(demo: bool) -> None:
    """Maak de instance-map: configuratie, sleutels (0600) en een gemigreerde database."""
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    config = config_path()
    if not config.exists():
        text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
        if demo:
            text = text.replace("demo = false", "demo = true", 1)
        config.write_text(text, encoding="utf-8")
        click.echo(f"configuratie geschreven: {config}")
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if _write_secret(settings.path("app.secret_key_file"), secrets.token_urlsafe(48).encode()):
        click.echo("sessiesleutel aangemaakt")
    master = base64.urlsafe_b64encode(secrets.token_bytes(32)) + b"\n"
    if not os.environ.get("ZORGTAFEL_MASTER_KEY") and _write_secret(
        settings.path("app.master_key_file"), master
    ):
        click.echo(f"hoofdsleutel aangemaakt: {settings.path('app.master_key_file')} (0600)")
    if not os.environ.get("ZORGTAFEL_LOOKUP_KEY") and _write_secret(
        settings.path("app.lookup_key_file"), new_lookup_key()
    ):
        click.echo(f"opzoeksleutel aangemaakt: {settings.path('app.lookup_key_file')} (0600)")
    if _write_secret(settings.path("audit.signing_key_file"), new_signing_seed()):
        click.echo(
            f"ondertekensleutel auditlog aangemaakt: {settings.path('audit.signing_key_file')}"
        )
    app = create_app(settings)
    with app.app_context():
        from zorgtafel.core.db import db
        from zorgtafel.migrate import upgrade
        from zorgtafel.privacy.vault import key_ring, register_master_key

        upgrade(db.engine)
        register_master_key(db.session, key_ring().primary)
        db.session.commit()
        click.echo(f"database bijgewerkt: {db.engine.url.render_as_string(hide_password=True)}")


@cli.group("db")
def db_group() -> None:
    """Databaseschema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Migreer de database naar de nieuwste versie."""
    from zorgtafel.core.db import db
    from zorgtafel.migrate import current_revision, upgrade

    upgrade(db.engine)
    click.echo(f"schema op {current_revision(db.engine)}")


@cli.command("serve", with_appcontext=False)
@click.option("--bind", default="127.0.0.1:5000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve_command(bind: str, workers: int) -> None:
    """Serveer met gunicorn (zonder debug), met de pseudonimiseerder ernaast."""
    app = _app_for_cli()  # fail fast with one line on a bad config
    from zorgtafel.pseudonymise.cli import start_service_for

    argv = gunicorn_argv(app.extensions["zorgtafel.settings"], bind, workers)
    # started before the exec, which keeps our pid: the service stops when gunicorn's master goes
    start_service_for(os.getpid())
    os.execv(argv[0], argv)  # noqa: S606 - replaces this process with gunicorn from the same venv


def gunicorn_argv(settings, bind: str, workers: int) -> list[str]:  # type: ignore[no-untyped-def]
    """gunicorn's command line for ``zorgtafel serve``: it believes forwarded headers from the
    configured proxy only, and only with ``app.proxy_fix`` (its own default is 127.0.0.1)."""
    from zorgtafel.core.forwarding import gunicorn_allow_ips

    executable = str(Path(sys.executable).with_name("gunicorn"))
    allow = gunicorn_allow_ips(settings["app.proxy_fix"], settings["app.trusted_proxies"])
    return [
        executable,
        "--bind",
        bind,
        "--workers",
        str(workers),
        f"--forwarded-allow-ips={allow}",
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(h)s "%(m)s %(U)s" %(s)s %(L)ss',
        "zorgtafel.wsgi:app",
    ]


def register_app_commands() -> None:
    """Domain command groups; imported here so ``zorgtafel --help`` lists them."""
    from zorgtafel.audit.cli import audit_group
    from zorgtafel.auth.cli import user_group
    from zorgtafel.backup.cli import backup_command, restore_command
    from zorgtafel.convenant.cli import convenant_group
    from zorgtafel.demo import demo_code_command, demo_command
    from zorgtafel.oversight.cli import oversight_group
    from zorgtafel.privacy.keys_cli import keys_group
    from zorgtafel.pseudonymise.cli import pseudonymise_command, pseudonymiser_group
    from zorgtafel.retention.cli import retention_group

    for command in (
        user_group,
        demo_command,
        demo_code_command,
        convenant_group,
        keys_group,
        audit_group,
        backup_command,
        restore_command,
        oversight_group,
        pseudonymise_command,
        pseudonymiser_group,
        retention_group,
    ):
        cli.add_command(command)


register_app_commands()
