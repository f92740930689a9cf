"""The web benchmarks' harness: a throw-away instance served by gunicorn, a logged-in client,
and closed-loop load from an asyncio load generator, measured against the trivial page.

A benchmark seeds its instance in a child process (so this process never holds the database or
the master key), serves it with 2 sync workers on a loopback port, and measures its pages with
16 concurrent clients: coroutines of one single-threaded asyncio loop speaking raw HTTP/1.1 (a
new connection per request, as gunicorn's sync workers close it), so the load generator takes
little of the CPUs it shares with the server. Pages are compared as ratios against the trivial
logged-in start page measured in the same run: absolute timings say more about the machine.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

CLIENTS = 16
WORKERS = 2
SECONDS = 10.0
WARMUP_SECONDS = 2.0
#: pages measured together take turns in slices of this length, SECONDS each in all
SLICE_SECONDS = 1.0
MAX_REQUESTS = 50_000
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    path: str
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@contextmanager
def instance(backend: str) -> Iterator[dict[str, str]]:
    """The environment of a fresh instance folder, its database created and migrated."""
    from bench.common import scratch_database

    with (
        scratch_database(backend) as url,
        tempfile.TemporaryDirectory(prefix="zorgtafel-bench-") as folder,
    ):
        home = Path(folder) / "instance"
        home.mkdir(mode=0o700)
        env = {**os.environ, "ZORGTAFEL_INSTANCE": str(home)}
        env.pop("ZORGTAFEL_CONFIG", None)
        if backend != "sqlite":  # SQLite: the default, a database file in the instance folder
            example = ROOT / "config.example.toml"
            default = 'database_url = "sqlite:///zorgtafel.db"'
            text = example.read_text(encoding="utf-8")
            if default not in text:
                raise RuntimeError("config.example.toml: no default database_url to replace")
            text = text.replace(default, f"database_url = {json.dumps(url)}", 1)
            (home / "config.toml").write_text(text, encoding="utf-8")
        zorgtafel(env, "init")
        yield env


def zorgtafel(env: dict[str, str], *args: str) -> None:
    executable = Path(sys.executable).with_name("zorgtafel")
    subprocess.run([str(executable), *args], env=env, check=True, capture_output=True)


def seed(env: dict[str, str], code: str) -> dict[str, object]:
    """Run ``code`` in a child process on the instance; it prints one JSON line last."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@contextmanager
def served(env: dict[str, str]) -> Iterator[int]:
    """gunicorn on a free loopback port with the benchmark's workers, until the block ends."""
    port = _free_port()
    executable = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(executable),
            "--workers",
            str(WORKERS),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "zorgtafel.wsgi:app",
        ],
        env=env,
    )
    try:
        _wait_until_up(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    executable = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [
            str(executable),
            "--workers",
            str(WORKERS),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "zorgtafel.wsgi:app",
        ],
        env=env,
    )


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = _request(port, "GET", "/gezondheid")
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def _request(
    port: int, method: str, path: str, *, cookie: str = "", body: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


#: The trivial page is the start page of a partner whose organisation sits at no table and owns
#: no action: the start page as it was before it listed the day's work (issue 14.7). A busy
#: user's start page is no baseline: politie's lists its agenda items and open actions through
#: the gate, so the agenda page once measured 1.02 x "the trivial page".
IDLE_ORGANISATION = "bench-zonder-werk"


def trivial_page(port: int, idle: tuple[str, str, str]) -> tuple[str, str]:
    """(cookie, path) of the trivial page for ``interleaved``, checked to list no work."""
    cookie = login(port, *idle)
    status, body = get(port, "/", cookie)
    if status != 200 or b"/casussen/ZT-" in body:
        raise RuntimeError(f"the trivial page is not trivial: {status}")
    return cookie, "/"


def login(port: int, email: str, password: str, totp_secret: str) -> str:
    import pyotp

    jar: dict[str, str] = {}

    def call(method: str, path: str, body: dict[str, str] | None = None) -> bytes:
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        status, headers, content = _request(port, method, path, cookie=cookie, body=body)
        for name, value in headers.items():
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    jar[key] = morsel.value
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status}")
        return content

    token = _csrf(call("GET", "/inloggen"))
    call("POST", "/inloggen", {"email": email, "password": password, "csrf_token": token})
    token = _csrf(call("GET", "/inloggen/code"))
    call("POST", "/inloggen/code", {"code": pyotp.TOTP(totp_secret).now(), "csrf_token": token})
    # follow the redirect to the start page as a browser does, keeping the cookie it sets (the
    # new session's CSRF token); without it every measured page would store a new token
    call("GET", "/")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _csrf(html: bytes) -> str:
    match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no csrf token")
    return match.group(1).decode()


def load(port: int, cookie: str, path: str, label: str | None = None) -> Run:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: {cookie}\r\n"
        "Connection: close\r\n\r\n"
    ).encode("latin-1")
    asyncio.run(_hammer(port, request, WARMUP_SECONDS))
    latencies, errors, elapsed = asyncio.run(_hammer(port, request, SECONDS))
    return _run(label or path, latencies, errors, elapsed)


def interleaved(
    port: int,
    pages: dict[str, tuple[str, str]],
    before_slice: Callable[[str], None] | None = None,
) -> dict[str, Run]:
    """Several pages (label: (cookie, path)) measured in turns of SLICE_SECONDS, SECONDS each
    in all: a machine whose load drifts during the run weighs on each page alike, so their
    ratios hold where back-to-back runs of SECONDS would compare different moments.
    ``before_slice(label)`` is called before each turn (the warm-up's too), e.g. to start or
    pause work in another process for that label's turns."""
    before = before_slice or (lambda label: None)
    requests = {
        label: (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n"
        ).encode("latin-1")
        for label, (cookie, path) in pages.items()
    }
    for label, request in requests.items():
        before(label)
        asyncio.run(_hammer(port, request, WARMUP_SECONDS / 2))
    latencies: dict[str, list[float]] = {label: [] for label in requests}
    errors = dict.fromkeys(requests, 0)
    elapsed = dict.fromkeys(requests, 0.0)
    for _ in range(max(1, round(SECONDS / SLICE_SECONDS))):
        for label, request in requests.items():
            before(label)
            took, failed, seconds = asyncio.run(_hammer(port, request, SLICE_SECONDS))
            latencies[label] += took
            errors[label] += failed
            elapsed[label] += seconds
    return {
        label: _run(f"{pages[label][1]} ({label})", latencies[label], errors[label], elapsed[label])
        for label in requests
    }


def _run(path: str, latencies: list[float], errors: int, elapsed: float) -> Run:
    latencies.sort()
    return Run(
        path=path,
        requests=len(latencies),
        errors=errors,
        seconds=round(elapsed, 2),
        throughput=round(len(latencies) / elapsed, 1),
        p50_ms=round(statistics.median(latencies) * 1000, 1),
        p95_ms=round(_percentile(latencies, 0.95) * 1000, 1),
        p99_ms=round(_percentile(latencies, 0.99) * 1000, 1),
    )


async def _hammer(port: int, request: bytes, seconds: float) -> tuple[list[float], int, float]:
    """CLIENTS coroutines, each request after the previous one, until time or the cap runs out."""
    latencies: list[float] = []
    errors = [0]
    start = time.monotonic()
    stop_at = start + seconds

    async def client() -> None:
        while time.monotonic() < stop_at and len(latencies) + errors[0] < MAX_REQUESTS:
            began = time.perf_counter()
            try:
                async with asyncio.timeout(30):
                    ok = await _get(port, request)
            except OSError:  # refused, reset, or the timeout
                ok = False
            took = time.perf_counter() - began
            if ok:
                latencies.append(took)
            else:
                errors[0] += 1

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return latencies, errors[0], time.monotonic() - start


async def _get(port: int, request: bytes) -> bool:
    """One request on a new connection: a complete 200? The answer is read until its
    Content-Length is in (or to EOF without one), then the connection is closed, as a
    browser closes a connection the server said it will not keep."""
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setblocking(False)
        await loop.sock_connect(sock, (HOST, port))
        await loop.sock_sendall(sock, request)
        answer = b""
        expected: int | None = None
        while chunk := await loop.sock_recv(sock, 65536):
            answer += chunk
            if expected is None:
                expected = _expected_length(answer)
            if expected is not None and len(answer) >= expected:
                break
    return _complete_200(answer)


def _expected_length(answer: bytes) -> int | None:
    """Head plus body length, once the head is in and names a Content-Length."""
    head, separator, _ = answer.partition(b"\r\n\r\n")
    if not separator:
        return None
    match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    return len(head) + len(separator) + int(match.group(1)) if match else None


def _complete_200(answer: bytes) -> bool:
    head, separator, body = answer.partition(b"\r\n\r\n")
    if not separator or not head.startswith(b"HTTP/1.1 200 "):
        return False
    match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    return match is None or int(match.group(1)) == len(body)


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    """One GET as the logged-in client: status and body."""
    status, _, body = _request(port, "GET", path, cookie=cookie)
    return status, body


def machine() -> dict[str, object]:
    """What the run shared its CPUs with (the load generator runs on them too)."""
    return {
        "cpus": os.cpu_count(),
        "load_average_after": [round(n, 2) for n in os.getloadavg()],
        "clients": CLIENTS,
        "gunicorn_workers": WORKERS,
        "seconds_per_route": SECONDS,
        "slice_seconds": SLICE_SECONDS,
        "load_generator": "one asyncio thread, raw HTTP/1.1, a new connection per request",
    }


def ratio(page: Run, trivial: Run) -> float:
    return round(page.throughput / trivial.throughput, 3) if trivial.throughput else 0.0
