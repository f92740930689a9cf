"""Soak: ten minutes of mixed load from 16 clients on PostgreSQL, two gunicorn workers.

A throw-away instance on a scratch PostgreSQL database (fictitious data: 40 cases on one
agenda in session today, 12 partner organisations, politie at the table for 20 items, a pool of
politie accounts with confirmed codes, each pledged) is served by ``zorgtafel serve`` (gunicorn
with 2 sync workers, the pseudonymiser service beside it). 16 clients (coroutines of one asyncio
loop, raw HTTP/1.1, a new connection per request, as ``bench.web``) each log in and then go
round a fixed cycle: the agenda page, a case page, meeting mode polls (``vergadermodus/stand``,
about every other request), a contribution (its form and the pseudonymised preview; saved in
every fourth round) and
a fresh login (the login page, the password, the code page, the code, the start page) with
another account of the pool, whose session it then uses. An account logs in at most once per
code step (codes are single use).

Recorded per minute: throughput, p50/p95/p99 per route, and the RSS of each worker (and of the
pseudonymiser service). The bar: no errors, each route's p95 in the last minute within 20 % of
the second minute's, the workers' RSS growth below 10 % after the first minute. Writes
``bench/results/soak.json`` and two small plots (``soak-p95.svg``, ``soak-rss.svg``, pygal).

``ZORGTAFEL_SOAK_SECONDS`` (default 600) shortens the run, for trying it out.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench import web

SECONDS = float(os.environ.get("ZORGTAFEL_SOAK_SECONDS", "600"))
MINUTE = 60.0
CLIENTS = 16
WORKERS = 2
ITEMS = 40
#: accounts that take turns logging in (each at most once per 30-second code step)
POOL = 160
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
HOST = web.HOST
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TEXT = (
    "Fictief: Sanne (15) was deze week drie dagen niet op school; haar vriend Jamal haalde "
    "haar op met een auto. Bereikbaar via 06-12345678."
)
#: one client's round: poll about every other request
CYCLE = (
    "agenda",
    "poll",
    "case",
    "poll",
    "contribute",
    "poll",
    "case",
    "poll",
    "agenda",
    "poll",
    "login",
    "poll",
)
#: a client's contribution is saved every SAVE_EVERY rounds, previewed only in the others: so
#: many saves a second would give each case hundreds of contributions in ten minutes, and
#: the soak measure the case page's growth rather than the server's staying power
SAVE_EVERY = 4
BAR = {"p95_last_over_second_max": 1.2, "rss_growth_max": 0.10, "errors": 0}


@dataclass
class Sample:
    at: float
    route: str
    seconds: float
    ok: bool


@dataclass
class Client:
    jar: dict[str, str] = field(default_factory=dict)

    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.jar.items())

    def keep(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.jar.pop(key, None)
                    else:
                        self.jar[key] = morsel.value


class Failed(Exception):
    pass


def main() -> int:
    from bench.common import PG_URL

    if not PG_URL:
        print("soak: set ZORGTAFEL_BENCH_DATABASE_URL (PostgreSQL)", file=sys.stderr)
        return 2
    with web.instance("postgresql") as env:
        data = web.seed(env, f"import bench.soak as s; s._seed_here({ITEMS}, {POOL})")
        with _served(env) as (port, server):
            report = asyncio.run(_soak(port, server, data))
    report["setup"] = {
        "database": "postgresql",
        "clients": CLIENTS,
        "gunicorn_workers": WORKERS,
        "seconds": SECONDS,
        "items": ITEMS,
        "login_pool": POOL,
        "contribution_saved_every_rounds": SAVE_EVERY,
        "cycle": list(CYCLE),
        **{k: v for k, v in web.machine().items() if k in ("cpus", "load_generator")},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _plots(report)
    print(json.dumps({k: v for k, v in report.items() if k != "minutes"}, indent=2))
    return 0 if report["met"] else 1


# -- the instance ------------------------------------------------------------------------------


def _seed_here(items: int, pool: int) -> None:  # pragma: no cover - runs in the child process
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
            "chair@soak.test", "Voorzitter", "gemeente", Role.chair, "x" * 16
        )
        for code in PARTNERS:
            accounts.create_organisation(code, f"{code} (fictief)")
        users = []
        for n in range(pool):
            user = accounts.create_user(
                f"politie{n}@soak.test", f"Partner {n}", "politie", Role.partner, password
            )
            user.totp_confirmed_at = utcnow()
            users.append(user)
        meeting = operations.create_meeting(chair, utcnow() + timedelta(hours=1), "Zaal (fictief)")
        codes = []
        for n in range(items):
            case = create_case(chair, coordinator_code=PARTNERS[n % len(PARTNERS)])
            item = operations.add_item(chair, meeting, case)
            others = PARTNERS[1:]
            seats = {others[(n + k) % len(others)] for k in range(3)}
            if n % 2 == 0:
                seats.add("politie")
                codes.append(case.code)
            operations.update_item(
                chair, item, minutes=10, kind=item.kind, partner_codes=sorted(seats)
            )
        operations.publish(chair, meeting)
        operations.step(chair, meeting, operations.Step.start)
        for user in users:
            operations.confirm_pledge(user, meeting)
        db.session.commit()
        accounts_out = [(u.email, u.totp_secret.reveal()) for u in users]  # type: ignore[union-attr]
        print(
            json.dumps(
                {
                    "password": password,
                    "accounts": accounts_out,
                    "meeting_id": meeting.id,
                    "cases": codes,
                }
            )
        )


class _served:
    """``zorgtafel serve`` (gunicorn and the pseudonymiser) until the service is ready."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __enter__(self) -> tuple[int, subprocess.Popen[bytes]]:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.log = open(Path(self.env["ZORGTAFEL_INSTANCE"]) / "serve.log", "wb")
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zorgtafel",
                "serve",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(WORKERS),
            ],
            env=self.env,
            cwd=web.ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        web._wait_until_up(self.port)
        from zorgtafel.pseudonymise import PseudonymiserClient

        service = PseudonymiserClient(Path(self.env["ZORGTAFEL_INSTANCE"]) / "pseudonymiser.sock")
        deadline = time.monotonic() + 600
        while not service.ready():
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise RuntimeError("the pseudonymiser did not become ready")
            time.sleep(0.5)
        return self.port, self.server

    def __exit__(self, *exc: object) -> None:
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.log.close()


def _processes(server: int) -> dict[str, list[int]]:
    children = web_children(server)
    service = [pid for pid in children if b"pseudonymiser" in _cmdline(pid)]
    return {"workers": [pid for pid in children if pid not in service], "service": service}


def web_children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


# -- the load ----------------------------------------------------------------------------------


async def _http(
    port: int,
    client: Client,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request on a new connection, with the client's cookies; its cookies kept."""
    body = urlencode(form).encode() if form is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n"
    if client.jar:
        head += f"Cookie: {client.cookie()}\r\n"
    if form is not None:
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
        head += f"Content-Length: {len(body)}\r\n"
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(head.encode("latin-1") + b"\r\n" + body)
        await writer.drain()
        status_line = await reader.readline()
        headers: list[tuple[str, str]] = []
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        length = next((int(v) for n, v in headers if n == "content-length"), None)
        content = await (reader.readexactly(length) if length is not None else reader.read())
    finally:
        writer.close()
    parts = status_line.split()
    if len(parts) < 2:
        raise Failed(f"{method} {path}: no status")
    client.keep(headers)
    return int(parts[1]), headers, content


def _csrf(html: bytes) -> str:
    match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        raise Failed("no csrf token")
    return match.group(1).decode()


class Load:
    def __init__(self, port: int, data: dict[str, object]) -> None:
        self.port = port
        self.password = str(data["password"])
        self.accounts = [tuple(pair) for pair in data["accounts"]]  # type: ignore[attr-defined]
        self.meeting = int(data["meeting_id"])  # type: ignore[call-overload]
        self.cases: list[str] = list(data["cases"])  # type: ignore[call-overload]
        self.samples: list[Sample] = []
        self.errors: list[str] = []
        self.start = time.monotonic()
        self.last_step: dict[int, int] = {}
        self.next_account = 0
        self.state: dict[int, str] = {}
        self.category: str | None = None
        #: contributions saved per case
        self.saved: dict[str, int] = {}

    async def call(
        self,
        client: Client,
        route: str,
        method: str,
        path: str,
        expect: tuple[int, ...],
        form: dict[str, str] | None = None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        began = time.perf_counter()
        try:
            async with asyncio.timeout(60):
                status, headers, body = await _http(self.port, client, method, path, form)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, Failed) as error:
            self._sample(route, began, ok=False)
            self.errors.append(f"{route}: {type(error).__name__}")
            raise Failed(route) from None
        ok = status in expect
        self._sample(route, began, ok=ok)
        if not ok:
            self.errors.append(f"{route}: {status}")
            raise Failed(route)
        return status, headers, body

    def _sample(self, route: str, began: float, *, ok: bool) -> None:
        took = time.perf_counter() - began
        self.samples.append(Sample(time.monotonic() - self.start, route, took, ok))

    async def login(self, client: Client, measured: bool = True) -> None:
        """A fresh session for the next account of the pool whose code step is free."""
        import pyotp

        while True:
            step = int(time.time() // 30)
            for _ in range(len(self.accounts)):
                n = self.next_account
                self.next_account = (n + 1) % len(self.accounts)
                if self.last_step.get(n, -1) < step:
                    self.last_step[n] = step
                    break
            else:
                await asyncio.sleep(1)
                continue
            break
        email, secret = self.accounts[n]
        client.jar.clear()
        label = "login" if measured else "first login"
        _, _, page = await self.call(client, label, "GET", "/inloggen", (200,))
        form = {"email": email, "password": self.password, "csrf_token": _csrf(page)}
        await self.call(client, label, "POST", "/inloggen", (302,), form)
        _, _, page = await self.call(client, label, "GET", "/inloggen/code", (200,))
        form = {"code": pyotp.TOTP(secret).at(step * 30), "csrf_token": _csrf(page)}
        await self.call(client, label, "POST", "/inloggen/code", (302,), form)
        await self.call(client, label, "GET", "/", (200,))

    async def contribute(self, client: Client, code: str, *, save: bool) -> None:
        path = f"/casussen/{code}/inbreng"
        _, _, page = await self.call(client, "contribute: form", "GET", path, (200,))
        if self.category is None:
            found = re.search(rb'<option value="([a-z_-]+)"', page)
            if not found:
                raise Failed("no category")
            self.category = found.group(1).decode()
        form = {
            "category": self.category,
            "text": TEXT,
            "marked": "",
            "csrf_token": _csrf(page),
            "preview": "1",
        }
        _, _, page = await self.call(client, "contribute: preview", "POST", path, (200,), form)
        proof = re.search(rb'name="previewed" type="hidden" value="([^"]+)"', page)
        if not proof:
            raise Failed("no preview")
        if not save:
            return
        del form["preview"]
        form.update(previewed=proof.group(1).decode(), save="1")
        await self.call(client, "contribute: save", "POST", path, (302,), form)
        self.saved[code] = self.saved.get(code, 0) + 1

    async def poll(self, client: Client, n: int) -> None:
        path = f"/vergaderingen/{self.meeting}/vergadermodus/stand"
        if n in self.state:
            path += "?" + urlencode({"stand": self.state[n]})
        status, _, body = await self.call(client, "meeting mode poll", "GET", path, (200, 204))
        if status == 200:
            found = re.search(rb'data-state="([^"]+)"', body)
            if found:
                self.state[n] = found.group(1).decode()

    async def client(self, n: int, stop_at: float) -> None:
        client = Client()
        await self.login(client, measured=False)
        turn = n
        while time.monotonic() < stop_at:
            action = CYCLE[turn % len(CYCLE)]
            code = self.cases[(turn * 7 + n) % len(self.cases)]
            save = (turn // len(CYCLE)) % SAVE_EVERY == 0
            turn += 1
            try:
                if action == "agenda":
                    await self.call(
                        client, "agenda", "GET", f"/vergaderingen/{self.meeting}", (200,)
                    )
                elif action == "case":
                    await self.call(client, "case page", "GET", f"/casussen/{code}", (200,))
                elif action == "poll":
                    await self.poll(client, n)
                elif action == "contribute":
                    await self.contribute(client, code, save=save)
                else:
                    await self.login(client)
            except Failed:
                await asyncio.sleep(0.5)
                if not client.jar:
                    await self.login(client, measured=False)


async def _soak(port: int, server: subprocess.Popen[bytes], data: dict[str, object]) -> dict:  # type: ignore[type-arg]
    load = Load(port, data)
    stop_at = load.start + SECONDS
    memory: list[dict[str, object]] = []

    async def sample_memory() -> None:
        minute = 0
        while time.monotonic() < stop_at + 1:
            processes = _processes(server.pid)
            memory.append(
                {
                    "minute": minute,
                    "workers_rss_mb": [_rss_mb(pid) for pid in processes["workers"]],
                    "worker_pids": processes["workers"],
                    "service_rss_mb": [_rss_mb(pid) for pid in processes["service"]],
                    # the machine is shared: what else ran shows in the one-minute load
                    "load_average_1min": round(os.getloadavg()[0], 2),
                }
            )
            minute += 1
            await asyncio.sleep(max(0.0, load.start + minute * MINUTE - time.monotonic()))

    tasks = [load.client(n, stop_at) for n in range(CLIENTS)]
    await asyncio.gather(sample_memory(), *tasks)
    loadavg = [round(n, 2) for n in os.getloadavg()]
    return _report(load, memory, loadavg)


# -- the report --------------------------------------------------------------------------------


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _figures(samples: list[Sample]) -> dict[str, object]:
    times = sorted(s.seconds for s in samples if s.ok)
    if not times:
        return {"requests": 0, "errors": sum(not s.ok for s in samples)}
    return {
        "requests": len(times),
        "errors": sum(not s.ok for s in samples),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(_percentile(times, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(times, 0.99) * 1000, 1),
    }


def _report(load: Load, memory: list[dict[str, object]], loadavg: list[float]) -> dict:  # type: ignore[type-arg]
    measured = [s for s in load.samples if s.route != "first login"]
    minutes = max(1, int(SECONDS // MINUTE))
    by_minute: dict[int, list[Sample]] = defaultdict(list)
    for sample in measured:
        by_minute[min(minutes - 1, int(sample.at // MINUTE))].append(sample)
    routes = sorted({s.route for s in measured})
    table = []
    for minute in range(minutes):
        samples = by_minute[minute]
        table.append(
            {
                "minute": minute + 1,
                "throughput": round(len(samples) / MINUTE, 1),
                "all": _figures(samples),
                "routes": {r: _figures([s for s in samples if s.route == r]) for r in routes},
            }
        )
    errors = len(load.errors)
    second, last = (table[1], table[-1]) if len(table) > 1 else (table[0], table[0])
    p95_ratio = {
        route: round(last["routes"][route]["p95_ms"] / second["routes"][route]["p95_ms"], 3)
        for route in routes
        if second["routes"][route].get("p95_ms") and last["routes"][route].get("p95_ms")
    }
    p95_ratio_all = round(last["all"]["p95_ms"] / second["all"]["p95_ms"], 3)
    rss = [max(row["workers_rss_mb"], default=0.0) for row in memory]  # type: ignore[type-var]
    after_first = rss[1] if len(rss) > 1 else rss[0]
    growth = round(max(rss[1:] or rss) / after_first - 1, 3) if after_first else None
    restarted = len({tuple(row["worker_pids"]) for row in memory}) > 1  # type: ignore[arg-type]
    met_p95 = all(r <= BAR["p95_last_over_second_max"] for r in p95_ratio.values())
    met = errors == 0 and met_p95 and growth is not None and growth < BAR["rss_growth_max"]
    return {
        "benchmark": "soak",
        "requests": len(measured),
        "errors": errors,
        "error_kinds": dict(sorted(_count(load.errors).items())),
        "throughput": round(len(measured) / SECONDS, 1),
        "whole_run": {r: _figures([s for s in measured if s.route == r]) for r in routes},
        "p95_last_over_second": p95_ratio,
        "p95_last_over_second_all_routes": p95_ratio_all,
        "worker_rss_mb_per_minute": rss,
        "rss_growth_after_first_minute": growth,
        "workers_restarted": restarted,
        "contributions_saved": sum(load.saved.values()),
        "most_contributions_on_a_case": max(load.saved.values(), default=0),
        "load_average_after": loadavg,
        "bar": BAR,
        "met": met,
        "memory": memory,
        "minutes": table,
    }


def _count(items: list[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item] += 1
    return counts


def _plots(report: dict) -> None:  # type: ignore[type-arg]
    import pygal

    minutes = [row["minute"] for row in report["minutes"]]
    style = {
        "width": 640,
        "height": 360,
        "explicit_size": True,
        "x_title": "minute",
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "value_formatter": lambda value: f"{value:.0f}",
    }
    chart = pygal.Line(title="soak: p95 per route per minute (ms)", **style)
    chart.x_labels = [str(m) for m in minutes]
    for route in report["whole_run"]:
        chart.add(route, [row["routes"][route].get("p95_ms") for row in report["minutes"]])
    chart.render_to_file(str(RESULTS / "soak-p95.svg"))
    chart = pygal.Line(title="soak: RSS per minute (MB)", **style)
    chart.x_labels = [str(row["minute"]) for row in report["memory"]]
    workers = max(len(row["workers_rss_mb"]) for row in report["memory"])
    for n in range(workers):
        values = [
            row["workers_rss_mb"][n] if n < len(row["workers_rss_mb"]) else None
            for row in report["memory"]
        ]
        chart.add(f"worker {n + 1}", values)
    chart.add(
        "throughput (req/s)",
        [None] + [row["throughput"] for row in report["minutes"]],
        secondary=True,
    )
    chart.render_to_file(str(RESULTS / "soak-rss.svg"))


if __name__ == "__main__":
    sys.exit(main())
