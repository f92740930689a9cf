"""Benchmark: the agenda page of a 40-item meeting with 12 partners, against a trivial page.

A throw-away instance (fictitious data) is seeded with 40 cases on one published agenda, 12 partner
organisations at the table (4 per item, rotating; the measured partner, politie, sits at 20 of the
40 items, so its page holds 20 open and 20 closed lines and writes 20 audit events per view),
served and loaded as ``bench.web`` does: the trivial logged-in start page and the agenda
page, in turns of one second (``web.interleaved``), in the same run. The instance runs on its own
SQLite database (WAL) and, when ``ZORGTAFEL_BENCH_DATABASE_URL`` (or
``ZORGTAFEL_TEST_DATABASE_URL``) names a PostgreSQL server, once more on a scratch database there.
Writes ``bench/results/meetings.json``: the SQLite run at the top level, each backend under its
name.

Targets: agenda throughput at least 0.35 of the trivial page's, and its p95 at most three times the
trivial page's (ratios: absolute timings vary by machine).
"""

from __future__ import annotations

import json
from pathlib import Path

from bench import web

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
    with web.instance(backend) as env:
        data = web.seed(env, f"import bench.meetings as m; m._seed_here({ITEMS})")
        with web.served(env) as port:
            cookie = web.login(port, data["email"], data["password"], data["totp"])  # type: ignore[arg-type]
            agenda = f"/vergaderingen/{data['meeting_id']}"
            status, body = web.get(port, agenda, cookie)
            if status != 200 or body.count(b"Besloten agendapunt") != ITEMS // 2:
                raise RuntimeError(f"agenda page not as seeded: {status}")
            pages = {"trivial": web.trivial_page(port, data["idle"]), "agenda": (cookie, agenda)}
            runs = list(web.interleaved(port, pages).values())
    return _report(runs, backend)


def _seed_here(items: int) -> None:  # pragma: no cover - runs in the child process
    from bench import seed

    seed.in_child(lambda: seed_agenda(items))


def seed_agenda(items: int) -> dict[str, object]:
    """Convenants, the chair, the 12 organisations, politie's login and the published agenda
    (in an app context); politie's login and the meeting's id."""
    from bench import seed
    from zorgtafel.auth import operations as accounts
    from zorgtafel.auth.models import Role
    from zorgtafel.core.db import db

    seed.convenants()
    accounts.create_organisation("gemeente", "Gemeente (fictief)")
    chair = accounts.create_user("chair@bench.test", "Voorzitter", "gemeente", Role.chair, "x" * 16)
    for code in PARTNERS[1:]:
        accounts.create_organisation(code, f"{code} (fictief)")
    _, (email, password, totp) = seed.login("politie@bench.test", "politie", Role.partner)
    meeting = seed.agenda(chair, PARTNERS, items, "politie")
    idle = seed.idle_login()
    db.session.commit()
    return {
        "email": email,
        "password": password,
        "totp": totp,
        "meeting_id": meeting.id,
        "idle": idle,
    }


def _report(runs: list[web.Run], backend: str) -> dict[str, object]:
    trivial, agenda = runs
    ratio = web.ratio(agenda, trivial)
    return {
        "benchmark": "meetings agenda page",
        "setup": {
            "items": ITEMS,
            "partners": len(PARTNERS),
            "open_lines_for_the_measured_partner": ITEMS // 2,
            "database": "sqlite (WAL)" if backend == "sqlite" else backend,
            **web.machine(),
        },
        "trivial": trivial.as_dict(),
        "agenda": agenda.as_dict(),
        "throughput_ratio": ratio,
        "p95_ratio": round(agenda.p95_ms / trivial.p95_ms, 2) if trivial.p95_ms else None,
        "targets": {"throughput_ratio_min": 0.35, "p95_ratio_max": 3},
        "met": ratio >= 0.35 and agenda.p95_ms <= 3 * trivial.p95_ms and agenda.errors == 0,
    }


if __name__ == "__main__":
    main()
