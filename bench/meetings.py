"""Benchmark: the agenda page of a 40-item meeting with 12 partners, against a trivial page.

A throw-away instance (own SQLite database in a temporary folder, fictitious data) is seeded
with 40 cases on one published agenda, 12 partner organisations at the table (4 per item,
rotating; the measured partner, politie, sits at 20 of the 40 items, so its page holds 20 open
and 20 closed lines and writes 20 audit events per view). gunicorn serves it with 2 sync
workers on a loopback port. 16 client threads then request, back to back, first the trivial
logged-in start page and then the agenda page, each for a fixed time. Writes
``bench/results/meetings.json``.

Targets (issue 8): agenda throughput at least 0.35 of the trivial page's, p95 below 100 ms.
"""

from __future__ import annotations

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
import threading
import time
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
    with tempfile.TemporaryDirectory(prefix="zorgtafel-bench-") as folder:
        env = {**os.environ, "ZORGTAFEL_INSTANCE": str(Path(folder) / "instance")}
        env.pop("ZORGTAFEL_CONFIG", None)
        _zorgtafel(env, "init")
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
    report = _report(runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


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
    from zorgtafel.core.db import db, utcnow
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
    _hammer(port, cookie, path, WARMUP_SECONDS)
    latencies, errors, elapsed = _hammer(port, cookie, path, SECONDS)
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


def _hammer(port: int, cookie: str, path: str, seconds: float) -> tuple[list[float], int, float]:
    """CLIENTS threads, each request after the previous one, until time or the cap runs out."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + seconds

    def client() -> None:
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            try:
                status, _, _ = _request(port, "GET", path, cookie=cookie)
            except OSError:
                status = 0
            took = time.perf_counter() - began
            with lock:
                if status != 200:
                    errors[0] += 1
                else:
                    latencies.append(took)
                if len(latencies) + errors[0] >= MAX_REQUESTS:
                    return

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.monotonic() - start


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _report(runs: list[Run]) -> dict[str, object]:
    trivial, agenda = runs
    ratio = agenda.throughput / trivial.throughput if trivial.throughput else 0.0
    return {
        "benchmark": "meetings agenda page",
        "setup": {
            "items": ITEMS,
            "partners": len(PARTNERS),
            "open_lines_for_the_measured_partner": ITEMS // 2,
            "clients": CLIENTS,
            "gunicorn_workers": WORKERS,
            "seconds_per_route": SECONDS,
            "database": "sqlite (WAL)",
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
