"""The pseudonymiser service: one process holds deduce (~1 GB) and answers on a Unix socket.

The socket is bound first and answers ``starting`` while deduce loads, with an estimate of the
seconds left (the last load's duration, kept beside the socket), so web pages can say "start
nog (± N s)" instead of failing. It is created with mode 0600. Every answer is plain JSON; an
engine failure on one text is answered as ``failed`` and logged by type and frames only. The
service never logs texts: only that it started, loaded, stopped, and such failures; a client
that hangs up before its answer is one line.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import math
import os
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zorgtafel.pseudonymise.engine import Pseudonymiser
from zorgtafel.pseudonymise.protocol import (
    BAD_REQUEST,
    FAILED,
    MAX_LINE,
    STARTING,
    TOO_LARGE,
    RequestError,
    parse_request,
)

log = logging.getLogger(__name__)

#: AF_UNIX paths are limited to 108 bytes including the terminating NUL
MAX_SOCKET_PATH = 107
#: without a measured load: deduce with its lookup cache built, and without (it builds it)
LOAD_SECONDS_CACHED, LOAD_SECONDS_UNCACHED = 20.0, 180.0
#: said while a load takes longer than expected
LOAD_SECONDS_OVERDUE = 5


class ServiceError(Exception):
    """The service cannot start (socket in use, path too long)."""


class _Handler(socketserver.StreamRequestHandler):
    server: PseudonymiserServer

    def handle(self) -> None:
        try:
            while line := self.rfile.readline(MAX_LINE + 1):
                if len(line) > MAX_LINE:
                    self._reply({"ok": False, "error": TOO_LARGE, "message": "verzoek te groot"})
                    return
                self._reply(self.server.answer(line))
        except (BrokenPipeError, ConnectionResetError):
            # e.g. ``zorgtafel pseudonymiser status`` gave up waiting: ordinary, not an error
            log.info("een client verbrak de verbinding voor het antwoord")

    def _reply(self, reply: dict[str, Any]) -> None:
        self.wfile.write(encode(reply))
        self.wfile.flush()


def encode(reply: dict[str, Any]) -> bytes:
    """One JSON line; a reply that does not serialise is answered as an engine failure."""
    try:
        return json.dumps(reply, ensure_ascii=False).encode() + b"\n"
    except (TypeError, ValueError) as exc:
        _log_failure("antwoord niet te serialiseren", exc)
        failed = {"ok": False, "error": FAILED, "message": f"antwoord: {type(exc).__name__}"}
        return json.dumps(failed).encode() + b"\n"


class PseudonymiserServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Answers requests with ``engine`` (``None`` until loaded: requests get ``starting``)."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(
        self,
        socket_path: str | Path,
        engine: Pseudonymiser | None = None,
        expected_load_seconds: float = LOAD_SECONDS_CACHED,
    ) -> None:
        self.socket_path = Path(socket_path)
        self.engine = engine
        self.expected_load_seconds = expected_load_seconds
        self.loading_since = time.monotonic()
        self._lock = threading.Lock()  # deduce makes no promise about threads; CPU-bound anyway
        _prepare_socket_path(self.socket_path)
        previous = os.umask(0o177)
        try:
            super().__init__(str(self.socket_path), _Handler)
        finally:
            os.umask(previous)
        os.chmod(self.socket_path, 0o600)

    def remaining_seconds(self) -> int | None:
        """While loading: the seconds it is expected to take still; None once loaded."""
        if self.engine is not None:
            return None
        left = self.expected_load_seconds - (time.monotonic() - self.loading_since)
        return max(1, math.ceil(left)) if left > 0 else LOAD_SECONDS_OVERDUE

    def answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
        except ValueError:
            return {"ok": False, "error": BAD_REQUEST, "message": "geen geldige JSON"}
        op = request.get("op") if isinstance(request, dict) else None
        if op == "ping":
            remaining = self.remaining_seconds()
            return {"ok": True, "ready": remaining is None, "remaining_seconds": remaining}
        if op != "pseudonymise":
            return {"ok": False, "error": BAD_REQUEST, "message": "onbekende opdracht"}
        if self.engine is None:
            return {
                "ok": False,
                "error": STARTING,
                "message": "deduce wordt nog geladen",
                "remaining_seconds": self.remaining_seconds(),
            }
        try:
            text, known, terms, mask_known = parse_request(request)
            with self._lock:
                result = self.engine.pseudonymise(text, known, terms, mask_known=mask_known)
        except (RequestError, ValueError) as exc:
            return {"ok": False, "error": BAD_REQUEST, "message": str(exc)}
        except Exception as exc:  # answer and go on; neither message nor log holds the text
            _log_failure("pseudonimiseren mislukt", exc)
            return {"ok": False, "error": FAILED, "message": type(exc).__name__}
        return {"ok": True, "result": result.to_dict()}

    def handle_error(self, request: object, client_address: object) -> None:
        """Whatever else goes wrong in a handler: type and frames, never a message or a value."""
        _log_failure("fout in de verbinding", sys.exc_info()[1])

    def server_close(self) -> None:
        super().server_close()
        self.socket_path.unlink(missing_ok=True)


def _log_failure(what: str, exc: BaseException | None) -> None:
    # frames as file:line only: an exception's message or a source line may quote the text
    frames = (
        ""
        if exc is None
        else " ".join(
            f"{Path(frame.filename).name}:{frame.lineno}"
            for frame in traceback.extract_tb(exc.__traceback__)
        )
    )
    log.error("%s: %s %s", what, type(exc).__name__, frames)


def _prepare_socket_path(path: Path) -> None:
    """Refuse a path that is too long or in use; remove a stale socket file left by a crash."""
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ServiceError(f"socketpad langer dan {MAX_SOCKET_PATH} bytes: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        return
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        path.unlink()  # nobody listens: left over from a crash
    else:
        raise ServiceError(f"er draait al een pseudonimiseerder op {path}")
    finally:
        probe.close()


def _load_record(socket_path: Path) -> Path:
    """Where the last load's duration is kept: beside the socket, in the instance folder."""
    return socket_path.with_name(socket_path.name + ".laadtijd")


def expected_load_seconds(socket_path: Path) -> float:
    """The last load's duration; without one, whether deduce still has to build its cache."""
    with contextlib.suppress(OSError, ValueError):
        seconds = float(_load_record(socket_path).read_text().strip())
        if 0 < seconds < 3600:
            return seconds
    return LOAD_SECONDS_CACHED if _deduce_cache_built() else LOAD_SECONDS_UNCACHED


def _deduce_cache_built() -> bool:
    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        return False
    cache = Path(spec.origin).parent / "data" / "lookup" / "cache" / "lookup_structs.pickle"
    return cache.exists()


def _yield_cpu_while_loading() -> None:
    """Lower this thread's priority: loading deduce takes seconds of CPU, the web workers that
    start beside us should not wait for it. On Linux niceness is per thread, so the threads that
    answer requests keep theirs."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _log_to_stderr() -> None:
    """The service's lines on stderr, as ``pseudonimiseerder: ...`` (once per process)."""
    if log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("pseudonimiseerder: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def serve(
    socket_path: str | Path,
    engine_factory: Callable[[], Pseudonymiser] = Pseudonymiser,
    parent_pid: int | None = None,
    log_line: Callable[[str], None] | None = None,
) -> None:
    """Bind, load the engine, serve until SIGTERM/SIGINT or until ``parent_pid`` goes away."""
    _log_to_stderr()
    say = log_line or log.info
    path = Path(socket_path)
    server = PseudonymiserServer(path, expected_load_seconds=expected_load_seconds(path))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="pseudonymiser", daemon=True)
    thread.start()
    say(
        f"luistert op {server.socket_path}; deduce laden "
        f"(± {math.ceil(server.expected_load_seconds)} s)"
    )
    failed: list[BaseException] = []

    def load() -> None:
        _yield_cpu_while_loading()
        started = time.monotonic()
        try:
            server.engine = engine_factory()
        except BaseException as exc:  # reported by the main thread, which then stops
            failed.append(exc)
            stop.set()
            return
        seconds = time.monotonic() - started
        with contextlib.suppress(OSError):
            _load_record(path).write_text(f"{seconds:.1f}\n")
        say(f"klaar ({seconds:.1f} s)")

    # loading takes seconds: in a thread, so SIGTERM during the load still stops at once
    threading.Thread(target=load, name="pseudonymiser-load", daemon=True).start()
    try:
        while not stop.wait(1.0):
            if parent_pid is not None and os.getppid() != parent_pid:
                say("ouderproces weg; stoppen")
                break
    finally:
        server.shutdown()
        server.server_close()
        say("gestopt")
    if failed:
        raise ServiceError(f"laden mislukt: {type(failed[0]).__name__}: {failed[0]}")
