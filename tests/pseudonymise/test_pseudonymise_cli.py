"""``zorgtafel pseudonymise`` (JSON lines) and ``zorgtafel pseudonymiser serve|status``."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.pseudonymise.pseudonymise_fakes import EchoEngine
from zorgtafel.pseudonymise import PseudonymiserClient
from zorgtafel.pseudonymise.cli import BadLine, run_lines


def zorgtafel(folder: Path, *args: str, input: str = "", **env: str):  # type: ignore[no-untyped-def]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ZORGTAFEL_")}
    environment.update(ZORGTAFEL_INSTANCE=str(folder / "instance"), **env)
    return subprocess.run(
        [sys.executable, "-m", "zorgtafel", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        input=input,
        check=False,
        timeout=120,
    )


def lines(*objects: object) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in objects)


def test_round_trip_through_the_service(serve, short_dir: Path, engine) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", engine)
    given = [
        {"text": "Sanne (15) belde met 06-12345678.", "known": {"first_names": ["Sanne"]}},
        {
            "text": "Haar moeder Petra de Wit belde de school.",
            "known": {"surname": "de Wit", "relatives": {"moeder": ["Petra"]}},
        },
        {"text": "Geen namen hier."},
    ]
    result = zorgtafel(
        short_dir, "pseudonymise", "--socket", str(short_dir / "p.sock"), input=lines(*given) + "\n"
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out == [
        {"text": "[BETROKKENE] ([LEEFTIJD-1]) belde met [TELEFOON-1]."},
        {"text": "Haar moeder [MOEDER] belde de school."},
        {"text": "Geen namen hier."},
    ]


def test_uses_the_configured_service_when_it_runs(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    instance = short_dir / "instance"
    instance.mkdir()
    (instance / "config.toml").write_text(
        '[app]\ndatabase_url = "sqlite:///z.db"\n[pseudonymiser]\nsocket = "p.sock"\n'
    )
    serve(instance / "p.sock", EchoEngine())
    result = zorgtafel(short_dir, "pseudonymise", input=lines({"text": "klein"}))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"text": "KLEIN"}
    status = zorgtafel(short_dir, "pseudonymiser", "status")
    assert (status.returncode, status.stdout.strip()) == (0, "klaar")


def test_bad_line_stops_with_its_number(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", EchoEngine())
    given = lines({"text": "een"}) + '{"text": "twee"\n' + lines({"text": "drie"})
    result = zorgtafel(
        short_dir, "pseudonymise", "--socket", str(short_dir / "p.sock"), input=given
    )
    assert result.returncode == 1
    assert result.stdout == '{"text": "EEN"}\n'
    assert "regel 2: geen geldige JSON" in result.stderr
    assert "twee" not in result.stderr


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'["text"]\n', "verwacht een JSON-object"),
        (b'{"tekst": "x"}\n', "onbekende sleutel(s) tekst"),
        (b'{"text": 3}\n', "'text' ontbreekt"),
        (b'{"text": "x", "known": {"first_name": ["Sanne"]}}\n', "first_name"),
        (b'{"text": "x", "known": {"relatives": {"moeder": "Petra"}}}\n', None),
        (b'{"text": "x", "extra_terms": [["a", "b", "c"]]}\n', "extra_terms"),
        (b"\xff\xfe\n", "geen geldige UTF-8"),
    ],
)
def test_bad_lines(line: bytes, message: str | None) -> None:
    sink = io.StringIO()
    source = io.BytesIO(b'\n{"text": "goed"}\n' + line)
    if message is None:  # a single name where a list is expected is accepted as a list
        run_lines(EchoEngine(), source, sink, spans=False)
        return
    with pytest.raises(BadLine, match=rf"regel 3: .*{message[:10]}"):
        run_lines(EchoEngine(), source, sink, spans=False)
    assert sink.getvalue() == '{"text": "GOED"}\n'


def test_spans_option(annotators_only) -> None:  # type: ignore[no-untyped-def]
    sink = io.StringIO()
    run_lines(annotators_only, io.BytesIO(lines({"text": "Bel 06-12345678."}).encode()), sink, True)
    assert json.loads(sink.getvalue()) == {
        "text": "Bel [TELEFOON-1].",
        "spans": [[4, 15, "TELEFOON", "[TELEFOON-1]"]],
    }


def test_no_service_on_given_socket(short_dir: Path) -> None:
    result = zorgtafel(
        short_dir,
        "pseudonymise",
        "--socket",
        str(short_dir / "none.sock"),
        input=lines({"text": "x"}),
    )
    assert result.returncode == 1
    assert "geen pseudonimiseerder klaar" in result.stderr
    assert result.stdout == ""
    status = zorgtafel(short_dir, "pseudonymiser", "status", "--socket", str(short_dir / "n.s"))
    assert status.returncode == 1
    assert "draait niet" in status.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_starts_the_service_with_the_app(short_dir: Path) -> None:
    """``zorgtafel serve``: gunicorn answers at once, the service once deduce is loaded."""
    assert zorgtafel(short_dir, "init", "--demo").returncode == 0
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ZORGTAFEL_")}
    environment["ZORGTAFEL_INSTANCE"] = str(short_dir / "instance")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zorgtafel",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=short_dir,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket_path = short_dir / "instance" / "pseudonymiser.sock"
    try:
        _wait(lambda: _get(f"http://127.0.0.1:{port}/inloggen") == 200, 30)
        client = PseudonymiserClient(socket_path)
        _wait(client.ready, 400)  # a fresh venv first builds deduce's cache (~140 s)
        result = client.pseudonymise("Ze belde Sanne op 06-12345678.", None, ["Sanne"])
        assert result.text == "Ze belde [HANDMATIG-1] op [TELEFOON-1]."
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    _wait(lambda: not socket_path.exists(), 15)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status
    except OSError:
        return 0


def _wait(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
