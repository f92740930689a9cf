"""``zorgtafel pseudonymise`` (JSON lines in, JSON lines out) and ``zorgtafel pseudonymiser``.

``pseudonymise`` reads ``{"text": ..., "known": {...}, "extra_terms": [...]}`` per line on stdin
(``known`` and ``extra_terms`` optional; blank lines are skipped) and writes ``{"text": ...}`` per
line, so output line n answers the n-th non-blank input line. A bad line stops the run: a message
naming the line number on stderr, nothing written for it or after it, exit status 1. It uses the
running service when one answers on the configured socket, else loads the engine itself.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path
from typing import IO

import click

from zorgtafel.pseudonymise import PseudonymiserLike
from zorgtafel.pseudonymise.client import (
    PseudonymiserClient,
    PseudonymiserError,
    PseudonymiserStarting,
)
from zorgtafel.pseudonymise.protocol import RequestError, parse_request

SOCKET = click.Path(dir_okay=False, path_type=Path)


class BadLine(Exception):
    def __init__(self, number: int, reason: str) -> None:
        super().__init__(f"regel {number}: {reason}")


def configured_socket() -> Path | None:
    """The socket from the instance configuration, or None without one."""
    from zorgtafel.config import ConfigError, load_settings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown keys are the app's business, not ours
            return load_settings().path("pseudonymiser.socket")
    except ConfigError:
        return None


def _engine(socket_path: Path | None, in_process: bool) -> PseudonymiserLike:
    if socket_path is not None:
        client = PseudonymiserClient(socket_path)
        if not client.ready():
            raise click.ClickException(f"geen pseudonimiseerder klaar op {socket_path}")
        return client
    if not in_process and (configured := configured_socket()) is not None:
        client = PseudonymiserClient(configured)
        if client.ready():
            return client
    from zorgtafel.pseudonymise.engine import Pseudonymiser

    click.echo("pseudonymise: deduce laden in dit proces…", err=True)
    return Pseudonymiser()


def run_lines(engine: PseudonymiserLike, source: IO[bytes], sink: IO[str], spans: bool) -> None:
    """Pseudonymise each JSON line of ``source`` to ``sink``; BadLine on the first bad one."""
    for number, raw in enumerate(source, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadLine(number, "geen geldige UTF-8") from None
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadLine(number, f"geen geldige JSON ({exc.msg}, kolom {exc.colno})") from None
        try:
            text, known, terms, mask_known = parse_request(data)
        except RequestError as exc:
            raise BadLine(number, str(exc)) from None
        result = engine.pseudonymise(text, known, terms, mask_known=mask_known)
        reply = result.to_dict() if spans else {"text": result.text}
        sink.write(json.dumps(reply, ensure_ascii=False) + "\n")
        sink.flush()


@click.command("pseudonymise")
@click.option("--socket", "socket_path", type=SOCKET, help="Gebruik de dienst op dit socketpad.")
@click.option("--in-process", is_flag=True, help="Laad deduce hier, ook als de dienst draait.")
@click.option("--spans", is_flag=True, help="Schrijf ook de vervangen stukken per regel.")
def pseudonymise_command(socket_path: Path | None, in_process: bool, spans: bool) -> None:
    """Pseudonimiseer JSON-regels van stdin naar stdout ({"text": ..., "known": {...}})."""
    engine = _engine(socket_path, in_process)
    try:
        run_lines(engine, sys.stdin.buffer, sys.stdout, spans)
    except BadLine as exc:
        click.echo(f"zorgtafel pseudonymise: {exc}", err=True)
        sys.exit(1)
    except PseudonymiserError as exc:
        click.echo(f"zorgtafel pseudonymise: {exc}", err=True)
        sys.exit(2)


@click.group("pseudonymiser")
def pseudonymiser_group() -> None:
    """De pseudonimiseerder: één proces met deduce, voor alle webworkers."""


@pseudonymiser_group.command("serve")
@click.option("--socket", "socket_path", type=SOCKET, help="Socketpad (standaard uit de config).")
@click.option("--parent-pid", type=int, hidden=True, help="Stop als dit ouderproces verdwijnt.")
def serve_command(socket_path: Path | None, parent_pid: int | None) -> None:
    """Laad deduce en beantwoord verzoeken op de Unix-socket (0600) tot SIGTERM."""
    from zorgtafel.pseudonymise.service import ServiceError, serve

    path = socket_path or configured_socket()
    if path is None:
        raise click.ClickException("geen configuratie; geef --socket of draai 'zorgtafel init'")
    try:
        serve(path, parent_pid=parent_pid)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None


@pseudonymiser_group.command("status")
@click.option("--socket", "socket_path", type=SOCKET, help="Socketpad (standaard uit de config).")
def status_command(socket_path: Path | None) -> None:
    """Zeg of de pseudonimiseerder draait: klaar (0), start nog (3) of niet bereikbaar (1)."""
    path = socket_path or configured_socket()
    if path is None:
        raise click.ClickException("geen configuratie; geef --socket of draai 'zorgtafel init'")
    client = PseudonymiserClient(path, timeout=5)
    try:
        ready = client.ping()
    except PseudonymiserStarting as exc:
        click.echo(str(exc))
        sys.exit(3)
    except PseudonymiserError as exc:
        click.echo(str(exc))
        sys.exit(1)
    if ready:
        click.echo("klaar")
        sys.exit(0)
    status = client.status()
    about = f" (± {status.remaining_seconds} s)" if status.remaining_seconds else ""
    click.echo(f"start nog{about}: deduce laden")
    sys.exit(3)


def start_service_for(parent_pid: int) -> int | None:
    """Start ``zorgtafel pseudonymiser serve`` in the background; its pid, or None if disabled.

    ``zorgtafel serve`` calls this before it execs gunicorn: the exec keeps the pid, so the
    service watches gunicorn's master and stops when it goes.
    """
    import subprocess

    from zorgtafel.config import load_settings

    settings = load_settings()
    if not settings["pseudonymiser.start_with_app"]:
        return None
    process = subprocess.Popen(  # noqa: S603 - our own command, from the same interpreter
        [
            sys.executable,
            "-m",
            "zorgtafel",
            "pseudonymiser",
            "serve",
            "--socket",
            str(settings.path("pseudonymiser.socket")),
            "--parent-pid",
            str(parent_pid),
        ],
        stdin=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    return process.pid
