"""The pseudonymiser service: one process holds deduce (~1 GB) and answers on a Unix socket.

The socket is bound first and answers ``starting`` while deduce loads, so web workers get a clear
"try again shortly" instead of a refused connection. It is created with mode 0600. The service
never logs texts: only that it started, loaded and stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zorgtafel.pseudonymise.engine import Pseudonymiser
from zorgtafel.pseudonymise.protocol import MAX_LINE, RequestError, parse_request

#: AF_UNIX paths are limited to 108 bytes including the terminating NUL
MAX_SOCKET_PATH = 107


class ServiceError(Exception):
    """The service cannot start (socket in use, path too long)."""


class _Handler(socketserver.StreamRequestHandler):
    server: PseudonymiserServer

    def handle(self) -> None:
        while line := self.rfile.readline(MAX_LINE + 1):
            if len(line) > MAX_LINE:
                self._reply({"ok": False, "error": "too_large", "message": "verzoek te groot"})
                return
            self._reply(self.server.answer(line))

    def _reply(self, reply: dict[str, Any]) -> None:
        self.wfile.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")
        self.wfile.flush()


class PseudonymiserServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Answers requests with ``engine`` (``None`` until loaded: requests get ``starting``)."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, socket_path: str | Path, engine: Pseudonymiser | None = None) -> None:
        self.socket_path = Path(socket_path)
        self.engine = engine
        self._lock = threading.Lock()  # deduce makes no promise about threads; CPU-bound anyway
        _prepare_socket_path(self.socket_path)
        previous = os.umask(0o177)
        try:
            super().__init__(str(self.socket_path), _Handler)
        finally:
            os.umask(previous)
        os.chmod(self.socket_path, 0o600)

    def answer(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
        except ValueError:
            return {"ok": False, "error": "bad_request", "message": "geen geldige JSON"}
        op = request.get("op") if isinstance(request, dict) else None
        if op == "ping":
            return {"ok": True, "ready": self.engine is not None}
        if op != "pseudonymise":
            return {"ok": False, "error": "bad_request", "message": "onbekende opdracht"}
        if self.engine is None:
            return {"ok": False, "error": "starting", "message": "deduce wordt nog geladen"}
        try:
            text, known, terms = parse_request(request)
            with self._lock:
                result = self.engine.pseudonymise(text, known, terms)
        except (RequestError, ValueError) as exc:
            return {"ok": False, "error": "bad_request", "message": str(exc)}
        except Exception as exc:  # answer and go on; the message never echoes the text
            return {"ok": False, "error": "internal", "message": type(exc).__name__}
        return {"ok": True, "result": result.to_dict()}

    def server_close(self) -> None:
        super().server_close()
        self.socket_path.unlink(missing_ok=True)


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


def _yield_cpu_while_loading() -> None:
    """Lower this thread's priority: loading deduce takes seconds of CPU, the web workers that
    start beside us should not wait for it. On Linux niceness is per thread, so the threads that
    answer requests keep theirs."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def serve(
    socket_path: str | Path,
    engine_factory: Callable[[], Pseudonymiser] = Pseudonymiser,
    parent_pid: int | None = None,
    log: Callable[[str], None] | None = None,
) -> None:
    """Bind, load the engine, serve until SIGTERM/SIGINT or until ``parent_pid`` goes away."""
    say = log or (lambda message: print(f"pseudonimiseerder: {message}", file=sys.stderr))
    server = PseudonymiserServer(socket_path)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="pseudonymiser", daemon=True)
    thread.start()
    say(f"luistert op {server.socket_path}; deduce laden")
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
        say(f"klaar ({time.monotonic() - started:.1f} s)")

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
