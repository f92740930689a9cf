"""Benchmark: the agenda page of a 40-item meeting with 12 partners, against a trivial page.

A throw-away instance (fictitious data) is seeded with 40 cases on one published agenda, 12
partner organisations at the table (4 per item, rotating; the measured partner, politie, sits
at 20 of the 40 items, so its page holds 20 open and 20 closed lines and writes 20 audit
events per view). gunicorn serves it with 2 sync workers on a loopback port. 16 concurrent
clients then request, back to back, first the trivial logged-in start page and then the
agenda page, each for a fixed time after a warm-up. The clients are coroutines of one
single-threaded asyncio loop speaking raw HTTP/1.1 (a new connection per request, as gunicorn's
sync workers close it), so the load generator takes little of the CPUs it shares with the
server. The instance runs on its own SQLite database (WAL) and, when
``ZORGTAFEL_BENCH_DATABASE_URL`` (or ``ZORGTAFEL_TEST_DATABASE_URL``) names a PostgreSQL
server, once more on a scratch database there. Writes ``bench/results/meetings.json``: the
SQLite run at the top level, each backend under its own name.

Targets (issue 8): agenda throughput at least 0.35 of the trivial page's, p95 below 100 ms.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

CLIENTS = 16
WORKERS = 2
SECONDS = 10.0
WARMUP_SECONDS = 2.0
MAX_REQUESTS = 50_000
ITEMS = 40
PARTNERS = (
    "politie",
    "om",
    "veilig-thuis",
    "raad",
    "gi",
    "jeugd-ggz",
    "mee",
    "opvang",
    "pmw",
    "wijkteam",
    "ggd",
    "leerplicht",
)
RESULTS = Path(__file__).resolve().parent / "results" / "meetings.json"
HOST = "127.0.0.1"


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


def main() -> None:
    from bench.common import PG_URL

    results: dict[str, object] = {"sqlite": _measure("sqlite")}
    results["postgresql"] = (
        _measure("postgresql") if PG_URL else "skipped: set ZORGTAFEL_BENCH_DATABASE_URL"
    )
    report = {**results["sqlite"], **results}  # type: ignore[dict-item]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


def _measure(backend: str) -> dict[str, object]:
    """Seed an instance on ``backend``, serve it, load both pages; the report of one run."""
    with _instance(backend) as env:
        login, meeting_id = _seed(env)
        port = _free_port()
        server = _gunicorn(env, port)
        try:
            _wait_until_up(port)
            cookie = _login(port, *login)
            agenda = f"/vergaderingen/{meeting_id}"
            _check(port, cookie, agenda)
            runs = [_load(port, cookie, path) for path in ("/", agenda)]
        finally:
            server.terminate()
            server.wait(timeout=10)
    return _report(runs, backend)


@contextmanager
def _instance(backend: str) -> Iterator[dict[str, str]]:
    """The environment of a fresh instance folder, its database created and migrated."""
    from bench.common import scratch_database

    with (
        scratch_database(backend) as url,
        tempfile.TemporaryDirectory(prefix="zorgtafel-bench-") as folder,
    ):
        instance = Path(folder) / "instance"
        instance.mkdir(mode=0o700)
        env = {**os.environ, "ZORGTAFEL_INSTANCE": str(instance)}
        env.pop("ZORGTAFEL_CONFIG", None)
        if backend != "sqlite":  # SQLite: the default, a database file in the instance folder
            example = Path(__file__).resolve().parent.parent / "config.example.toml"
            default = 'database_url = "sqlite:///zorgtafel.db"'
            text = example.read_text(encoding="utf-8")
            if default not in text:
                raise RuntimeError("config.example.toml: no default database_url to replace")
            text = text.replace(default, f"database_url = {json.dumps(url)}", 1)
            (instance / "config.toml").write_text(text, encoding="utf-8")
        _zorgtafel(env, "init")
        yield env


def _zorgtafel(env: dict[str, str], *args: str) -> None:
    executable = Path(sys.executable).with_name("zorgtafel")
    subprocess.run([str(executable), *args], env=env, check=True, capture_output=True)


def _seed(env: dict[str, str]) -> tuple[tuple[str, str, str], int]:
    """Fictitious organisations, users, 40 cases and one published meeting; in a child process
    so this process never holds the database or the master key."""
    code = f"import bench.meetings as m; m._seed_here({ITEMS})"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return (data["email"], data["password"], data["totp"]), data["meeting_id"]


def _seed_here(items: int) -> None:  # pragma: no cover - runs in the child process
    from zorgtafel import ROOT, create_app
    from zorgtafel.auth import operations as accounts
    from zorgtafel.auth.models import Role
    from zorgtafel.cases.operations import create_case
    from zorgtafel.convenant.operations import load_version
    from zorgtafel.core.clock import utcnow
    from zorgtafel.core.db import db
    from zorgtafel.meetings import operations

    password = secrets.token_urlsafe(16)  # a throw-away instance: any password will do
    app = create_app()
    with app.app_context():
        for path in sorted((ROOT / "convenants").glob("*.toml")):
            load_version(path)
        accounts.create_organisation("gemeente", "Gemeente (fictief)")
        chair = accounts.create_user(
            "chair@bench.test", "Voorzitter", "gemeente", Role.chair, "x" * 16
        )
        for code in PARTNERS:
            accounts.create_organisation(code, f"{code} (fictief)")
        user = accounts.create_user(
            "politie@bench.test", "Partner", "politie", Role.partner, password
        )
        user.totp_confirmed_at = utcnow()
        meeting = operations.create_meeting(chair, utcnow() + timedelta(days=1), "Zaal (fictief)")
        for n in range(items):
            case = create_case(chair, coordinator_code=PARTNERS[n % len(PARTNERS)])
            item = operations.add_item(chair, meeting, case)
            others = PARTNERS[1:]
            seats = {others[(n + k) % len(others)] for k in range(3)}
            seats |= {"politie"} if n % 2 == 0 else set()
            operations.update_item(
                chair, item, minutes=10, kind=item.kind, partner_codes=sorted(seats)
            )
        operations.publish(chair, meeting)
        db.session.commit()
        secret = user.totp_secret.reveal()  # type: ignore[union-attr]
        print(
            json.dumps(
                {
                    "email": user.email,
                    "password": password,
                    "totp": secret,
                    "meeting_id": meeting.id,
                }
            )
        )


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


def _login(port: int, email: str, password: str, totp_secret: str) -> str:
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


def _check(port: int, cookie: str, agenda: str) -> None:
    status, _, body = _request(port, "GET", agenda, cookie=cookie)
    if status != 200 or body.count(b"Besloten agendapunt") != ITEMS // 2:
        raise RuntimeError(f"agenda page not as seeded: {status}")


def _load(port: int, cookie: str, path: str) -> Run:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: {cookie}\r\n"
        "Connection: close\r\n\r\n"
    ).encode("latin-1")
    asyncio.run(_hammer(port, request, WARMUP_SECONDS))
    latencies, errors, elapsed = asyncio.run(_hammer(port, request, SECONDS))
    latencies.sort()
    return Run(
        path="/" if path == "/" else "/vergaderingen/<id>",
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


def _report(runs: list[Run], backend: str) -> dict[str, object]:
    trivial, agenda = runs
    ratio = agenda.throughput / trivial.throughput if trivial.throughput else 0.0
    return {
        "benchmark": "meetings agenda page",
        "setup": {
            "items": ITEMS,
            "partners": len(PARTNERS),
            "open_lines_for_the_measured_partner": ITEMS // 2,
            "clients": CLIENTS,
            "load_generator": "one asyncio thread, raw HTTP/1.1, a new connection per request",
            "gunicorn_workers": WORKERS,
            "seconds_per_route": SECONDS,
            "database": "sqlite (WAL)" if backend == "sqlite" else backend,
            "cpus": os.cpu_count(),
            # the load generator shares these CPUs; other work on the machine skews both runs
            "load_average_after": [round(n, 2) for n in os.getloadavg()],
        },
        "trivial": asdict(trivial),
        "agenda": asdict(agenda),
        "throughput_ratio": round(ratio, 3),
        "targets": {"throughput_ratio_min": 0.35, "p95_ms_max": 100},
        "met": ratio >= 0.35 and agenda.p95_ms < 100 and agenda.errors == 0,
    }


if __name__ == "__main__":
    main()
