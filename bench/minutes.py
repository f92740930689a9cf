"""Benchmark: the minutes excerpt of a 40-item meeting for a partner, and Mijn acties with 500
open actions over 200 cases, against the trivial page (issue 14).

A throw-away instance (fictitious data) is seeded with 200 cases on five published meetings of
40 items; politie sits at the table for every item of the first meeting (the measured excerpt:
40 items, each with minutes in three categories of which politie may receive two, a decision,
and the case's actions) and owns 500 open actions over the 200 cases (2 or 3 a case, due on
spread dates; Mijn acties shows the first 50, soonest due first). Served and loaded as
``bench.web`` does, in turns of one second (``web.interleaved``): the trivial logged-in start
page, the excerpt and Mijn acties, in the same run. SQLite always; PostgreSQL too when
``ZORGTAFEL_BENCH_DATABASE_URL`` (or ``ZORGTAFEL_TEST_DATABASE_URL``) is set. Writes
``bench/results/minutes.json``.

Targets: each page at least 0.35 of the trivial page's throughput, and its p95 at most three
times the trivial page's.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path

from bench import web

ITEMS = 40
MEETINGS = 5
ACTIONS = 500
PARTNERS = ("politie", "om", "veilig-thuis", "raad", "gi", "jeugd-ggz")
RESULTS = Path(__file__).resolve().parent / "results" / "minutes.json"
PAGES = ("excerpt", "my_actions")


def main() -> None:
    from bench.common import PG_URL

    results: dict[str, object] = {"sqlite": _measure("sqlite")}
    results["postgresql"] = (
        _measure("postgresql") if PG_URL else "skipped: set ZORGTAFEL_BENCH_DATABASE_URL"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


def _measure(backend: str) -> dict[str, object]:
    with web.instance(backend) as env:
        data = web.seed(env, f"import bench.minutes as m; m._seed_here({ITEMS}, {MEETINGS})")
        with web.served(env) as port:
            cookie = web.login(port, data["email"], data["password"], data["totp"])  # type: ignore[arg-type]
            excerpt = f"/notulen/vergaderingen/{data['meeting_id']}"
            status, body = web.get(port, excerpt, cookie)
            if status != 200 or body.count(b"data-item=") != ITEMS:
                raise RuntimeError(f"excerpt not as seeded: {status}")
            status, body = web.get(port, "/notulen/mijn-acties", cookie)
            if status != 200 or body.count(b"Gesprek voeren") != 50:
                raise RuntimeError(f"Mijn acties not as seeded: {status}")
            runs = web.interleaved(
                port,
                {
                    "trivial": web.trivial_page(port, data["idle"]),
                    "excerpt": (cookie, excerpt),
                    "my_actions": (cookie, "/notulen/mijn-acties"),
                },
            )
    trivial = runs["trivial"]
    ratios = {page: web.ratio(runs[page], trivial) for page in PAGES}
    p95 = {
        page: round(runs[page].p95_ms / trivial.p95_ms, 2) if trivial.p95_ms else None
        for page in PAGES
    }
    return {
        "benchmark": "minutes excerpt and Mijn acties",
        "setup": {
            "excerpt_items": ITEMS,
            "open_actions": ACTIONS,
            "cases": ITEMS * MEETINGS,
            "database": "sqlite (WAL)" if backend == "sqlite" else backend,
            **web.machine(),
        },
        "runs": {name: run.as_dict() for name, run in runs.items()},
        "throughput_ratios": ratios,
        "p95_ratios": p95,
        "targets": {"throughput_ratio_min": 0.35, "p95_ratio_max": 3},
        "met": all(
            ratios[page] >= 0.35 and (p95[page] or 0) <= 3 and runs[page].errors == 0
            for page in PAGES
        ),
    }


def _seed_here(items: int, meetings: int) -> None:  # pragma: no cover - runs in the child process
    from zorgtafel import ROOT, create_app
    from zorgtafel.auth import operations as accounts
    from zorgtafel.auth.models import Role
    from zorgtafel.cases.operations import create_case
    from zorgtafel.convenant.operations import convenant_in_force, load_version
    from zorgtafel.core.clock import today, utcnow
    from zorgtafel.core.db import db
    from zorgtafel.meetings import operations as meeting_operations
    from zorgtafel.minutes import operations, outcomes
    from zorgtafel.minutes.models import MinutesPart

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
        convenant = convenant_in_force()
        paragraphs = [
            operations.Paragraph(MinutesPart.discussion, "signalen", "Gezien bij het station."),
            operations.Paragraph(MinutesPart.discussion, "school", "Verzuimt sinds september."),
            operations.Paragraph(MinutesPart.conclusion, "veiligheid-risico", "Acuut risico."),
        ]
        actions = 0
        first = None
        for m in range(meetings):
            meeting = meeting_operations.create_meeting(
                chair, utcnow() + timedelta(days=1 + m), "Zaal (fictief)"
            )
            first = first or meeting
            for n in range(items):
                case = create_case(chair, coordinator_code=PARTNERS[n % len(PARTNERS)])
                item = meeting_operations.add_item(chair, meeting, case)
                seats = {"politie", PARTNERS[1 + n % 5], PARTNERS[1 + (n + 2) % 5]}
                meeting_operations.update_item(
                    chair, item, minutes=10, kind=item.kind, partner_codes=sorted(seats)
                )
                if m == 0:
                    operations.save_draft(chair, item, paragraphs, based_on=0, convenant=convenant)
                    outcomes.add_decision(chair, item, "Plan van aanpak.", convenant=convenant)
                for k in range(3 if (m * items + n) % 2 == 0 else 2):
                    if actions < ACTIONS:
                        due = today() + timedelta(days=1 + (7 * n + k + m) % 60)
                        outcomes.add_action(
                            chair, item, "politie", due, "Gesprek voeren.", convenant=convenant
                        )
                        actions += 1
            meeting_operations.publish(chair, meeting)
        from bench import seed

        idle = seed.idle_login()
        db.session.commit()
        secret = user.totp_secret.reveal()  # type: ignore[union-attr]
        print(
            json.dumps(
                {
                    "email": user.email,
                    "password": password,
                    "totp": secret,
                    "meeting_id": first.id,  # type: ignore[union-attr]
                    "actions": actions,
                    "idle": idle,
                }
            )
        )


if __name__ == "__main__":
    main()
