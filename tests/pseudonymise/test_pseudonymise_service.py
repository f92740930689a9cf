"""The service on a real Unix socket and its client: round trips, errors, socket hygiene."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.pseudonymise.pseudonymise_fakes import EchoEngine, NumpyEngine
from zorgtafel.pseudonymise import (
    KnownPersons,
    PseudonymiserClient,
    PseudonymiserFailed,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    ServiceStatus,
)
from zorgtafel.pseudonymise.client import PseudonymiserError
from zorgtafel.pseudonymise.service import (
    LOAD_SECONDS_CACHED,
    LOAD_SECONDS_UNCACHED,
    PseudonymiserServer,
    ServiceError,
    encode,
    expected_load_seconds,
)


def test_round_trip_with_a_stand_in(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    fake = EchoEngine()
    serve(short_dir / "p.sock", fake)
    client = PseudonymiserClient(short_dir / "p.sock", timeout=5)
    assert client.ready()
    assert client.pseudonymise("één tekst\nmet regels").text == "ÉÉN TEKST\nMET REGELS"
    assert fake.calls == 1


def test_socket_is_private(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", EchoEngine())
    assert stat.S_IMODE((short_dir / "p.sock").stat().st_mode) == 0o600


def test_real_round_trip_same_as_in_process(serve, short_dir: Path, engine) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", engine)
    known = KnownPersons.create(["Sanne"], "de Wit", relatives={"moeder": ["Petra"]})
    text = "Sanne de Wit (15) en haar moeder Petra; vriend Jamal Bakkali, 06-12345678."
    over_socket = PseudonymiserClient(short_dir / "p.sock").pseudonymise(text, known, ["vriend"])
    assert over_socket == engine.pseudonymise(text, known, ["vriend"])
    assert "[BETROKKENE]" in over_socket.text
    assert "Jamal" not in over_socket.text


def test_service_down_is_unavailable(short_dir: Path) -> None:
    client = PseudonymiserClient(short_dir / "none.sock", timeout=2)
    with pytest.raises(PseudonymiserUnavailable, match="draait niet"):
        client.pseudonymise("Sanne belde.")
    assert not client.ready()


def test_stale_socket_file_is_unavailable_then_replaced(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    path = short_dir / "p.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: as after a crash
    with pytest.raises(PseudonymiserUnavailable):
        PseudonymiserClient(path, timeout=2).pseudonymise("tekst")
    serve(path, EchoEngine())
    assert PseudonymiserClient(path).pseudonymise("tekst").text == "TEKST"


def test_second_service_on_the_same_socket_is_refused(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", EchoEngine())
    with pytest.raises(ServiceError, match="draait al"):
        PseudonymiserServer(short_dir / "p.sock", EchoEngine())  # type: ignore[arg-type]


def test_still_loading_is_unavailable(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", None)
    client = PseudonymiserClient(short_dir / "p.sock")
    assert client.ping() is False
    with pytest.raises(PseudonymiserUnavailable, match="start nog"):
        client.pseudonymise("tekst")


def test_failure_inside_is_an_error_without_the_text(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", EchoEngine())
    with pytest.raises(PseudonymiserError) as caught:
        PseudonymiserClient(short_dir / "p.sock").pseudonymise("boem")
    assert not isinstance(caught.value, PseudonymiserUnavailable)
    assert "boem" not in str(caught.value)


def test_bad_requests_get_clear_answers(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    serve(short_dir / "p.sock", EchoEngine())
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(str(short_dir / "p.sock"))
        stream = connection.makefile("rwb")
        for line, expected in [
            (b"niet json\n", b"geen geldige JSON"),
            (b'{"op": "wis alles"}\n', b"onbekende opdracht"),
            (b'{"op": "pseudonymise"}\n', b"'text' ontbreekt"),
            (b'{"op": "pseudonymise", "text": "x", "known": {"voornaam": []}}\n', b"voornaam"),
        ]:
            stream.write(line)
            stream.flush()
            reply = stream.readline()
            assert b'"ok": false' in reply
            assert expected in reply, reply


def test_slow_service_times_out(short_dir: Path) -> None:
    path = short_dir / "slow.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)  # accepts, never answers
    try:
        with pytest.raises(PseudonymiserUnavailable, match="binnen"):
            PseudonymiserClient(path, timeout=0.3).pseudonymise("tekst")
    finally:
        listener.close()


def test_serve_command_starts_and_stops_on_sigterm(short_dir: Path) -> None:
    """The real command with a stand-in engine factory: binds, answers, unlinks on SIGTERM."""
    path = short_dir / "cmd.sock"
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from tests.pseudonymise.pseudonymise_fakes import EchoEngine;"
        "from zorgtafel.pseudonymise.service import serve;"
        "serve(sys.argv[1], EchoEngine)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(Path(__file__).parents[2])],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client = PseudonymiserClient(path, timeout=2)
        deadline = time.monotonic() + 20
        while not client.ready():
            assert time.monotonic() < deadline, "service did not come up"
            time.sleep(0.05)
        assert client.pseudonymise("klaar").text == "KLAAR"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert not path.exists()
    assert "klaar" in stderr
    assert "gestopt" in stderr
    assert float((short_dir / "cmd.sock.laadtijd").read_text()) >= 0  # the next start's estimate


def test_service_stops_when_its_parent_goes(short_dir: Path) -> None:
    path = short_dir / "orphan.sock"
    code = (
        "import os, subprocess, sys;"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import sys; sys.path.insert(0, sys.argv[3]); "
        "from tests.pseudonymise.pseudonymise_fakes import EchoEngine; "
        "from zorgtafel.pseudonymise.service import serve; "
        "serve(sys.argv[1], EchoEngine, parent_pid=int(sys.argv[2]))', "
        "sys.argv[1], str(os.getpid()), sys.argv[2]], stderr=subprocess.DEVNULL);"
        "print(child.pid, flush=True)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), str(Path(__file__).parents[2])],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    child = int(result.stdout.strip())
    deadline = time.monotonic() + 20
    while _alive(child):
        assert time.monotonic() < deadline, "orphaned service kept running"
        time.sleep(0.1)
    assert not path.exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- issue 13: answers that always serialise, failures named as such, start-up, hang-ups --------


def test_numpy_offsets_from_the_engine_reach_the_client(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("numpy")
    serve(short_dir / "p.sock", NumpyEngine())
    result = PseudonymiserClient(short_dir / "p.sock", timeout=5).pseudonymise(
        "Piet bij de Kerkstraat 5."
    )
    assert result.text == "[PERSOON-1] bij de [LOCATIE-1]."
    assert result.spans[0][:2] == (0, 4)


def test_a_reply_that_does_not_serialise_is_answered_as_a_failure(caplog) -> None:  # type: ignore[no-untyped-def]
    line = encode({"ok": True, "result": {"text": "Sanne", "spans": [[object(), 1]]}})
    reply = json.loads(line)
    assert reply["ok"] is False
    assert reply["error"] == "failed"
    assert "Sanne" not in line.decode() + caplog.text


def test_an_engine_failure_is_failed_not_unavailable_and_logged_without_the_text(
    serve,
    short_dir: Path,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    serve(short_dir / "p.sock", EchoEngine())
    with (
        caplog.at_level(logging.INFO, logger="zorgtafel.pseudonymise.service"),
        pytest.raises(PseudonymiserFailed) as caught,
    ):
        PseudonymiserClient(short_dir / "p.sock").pseudonymise("boem")
    assert not isinstance(caught.value, PseudonymiserUnavailable)
    assert "RuntimeError" in caplog.text
    assert "boem" not in caplog.text + str(caught.value)
    assert PseudonymiserClient(short_dir / "p.sock").status() == ServiceStatus("ready")


def test_while_loading_the_service_says_how_long_it_will_take(serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    server = serve(short_dir / "p.sock", None)
    server.expected_load_seconds = 30
    client = PseudonymiserClient(short_dir / "p.sock", timeout=5)
    status = client.status()
    assert status.state == "starting"
    assert status.remaining_seconds is not None
    assert 25 <= status.remaining_seconds <= 30
    with pytest.raises(PseudonymiserStarting) as caught:
        client.pseudonymise("tekst")
    assert caught.value.remaining_seconds == status.remaining_seconds
    assert "± " in str(caught.value)
    server.loading_since -= 60  # longer than expected: a few seconds more, never zero
    client._status = None
    assert client.status().remaining_seconds == 5


def test_the_status_of_a_service_that_is_not_there_is_down(short_dir: Path) -> None:
    assert PseudonymiserClient(short_dir / "none.sock").status() == ServiceStatus("down")


def test_a_client_that_hangs_up_leaves_one_log_line_not_a_traceback(
    serve,
    short_dir: Path,
    caplog,
    capfd,  # type: ignore[no-untyped-def]
) -> None:
    server = serve(short_dir / "p.sock", EchoEngine())
    answered = threading.Event()
    plain = server.answer

    def slow(line: bytes) -> dict[str, object]:
        time.sleep(0.4)  # as when the status call's timeout is shorter than the answer
        try:
            return plain(line)
        finally:
            answered.set()

    server.answer = slow
    with caplog.at_level(logging.INFO, logger="zorgtafel.pseudonymise.service"):
        assert PseudonymiserClient(short_dir / "p.sock", timeout=0.1).status().state == "down"
        assert answered.wait(5)
        deadline = time.monotonic() + 5
        while "verbrak de verbinding" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
    lines = [r for r in caplog.records if r.name == "zorgtafel.pseudonymise.service"]
    assert [r.getMessage() for r in lines] == ["een client verbrak de verbinding voor het antwoord"]
    assert all(r.exc_info is None for r in lines)
    assert "Traceback" not in capfd.readouterr().err


def test_the_expected_load_is_the_last_one_measured(short_dir: Path) -> None:
    path = short_dir / "p.sock"
    assert expected_load_seconds(path) in (LOAD_SECONDS_CACHED, LOAD_SECONDS_UNCACHED)
    (short_dir / "p.sock.laadtijd").write_text("14.2\n")
    assert expected_load_seconds(path) == 14.2
    (short_dir / "p.sock.laadtijd").write_text("onzin\n")
    assert expected_load_seconds(path) in (LOAD_SECONDS_CACHED, LOAD_SECONDS_UNCACHED)
