"""Benchmark: the figures page's work (issue 18.7) over 100,000 cases, suppression included,
on PostgreSQL.

A scratch database is seeded (fictitious rows, bulk-inserted) with 100,000 cases over five years
of first signals, each with a coded profile drawn from small municipalities and rare codes (so
cells are suppressed and the attacker's programme in ``figures.disclosure`` runs). Then, in this
process, as the page does it: one release (counted through the gate with its export event,
protected against every earlier release, stored) and its seven charts, committed. Measured
twice: releases after new cases came in (a new case before each, so each is audited against
the ones before), and releases of unchanged data (the page looked at again).

Target: median and p95 under 1 s (``ZORGTAFEL_BENCH_FIGURES_CASES`` for another size).
"""

from __future__ import annotations

import json
import os
import statistics
import time

CASES = int(os.environ.get("ZORGTAFEL_BENCH_FIGURES_CASES", "100000"))
REQUESTS = 20
GOAL_MS = 1000.0


def main() -> None:
    from sqlalchemy import select

    from bench.common import bench_app, scratch_database, write_result

    with scratch_database("postgresql") as url, bench_app(url) as app:
        _seed(app, CASES)
        with app.test_request_context():
            from zorgtafel.auth.models import User
            from zorgtafel.convenant.operations import convenant_in_force
            from zorgtafel.core.clock import utcnow
            from zorgtafel.core.db import db
            from zorgtafel.figures import releases
            from zorgtafel.figures.charts import chart

            user = db.session.scalars(select(User)).one()
            convenant = convenant_in_force()
            year = utcnow().year

            def page() -> float:
                started = time.perf_counter()
                view = releases.release(user, convenant, year)
                for table in view.tables:
                    chart(table)
                db.session.commit()
                return 1000 * (time.perf_counter() - started)

            page()  # the first release: nothing earlier
            timings: dict[str, list[float]] = {"changed": [], "unchanged": []}
            for _ in range(REQUESTS):
                _one_more_case()
                timings["changed"].append(page())
            for _ in range(REQUESTS):
                timings["unchanged"].append(page())
    result: dict[str, object] = {"cases": CASES, "database": "postgresql", "goal_ms": GOAL_MS}
    for name, series in timings.items():
        result[f"{name}_median_ms"] = round(statistics.median(series), 1)
        result[f"{name}_p95_ms"] = round(statistics.quantiles(series, n=20)[-1], 1)
    worst = max(statistics.quantiles(series, n=20)[-1] for series in timings.values())
    result["met"] = worst < GOAL_MS
    write_result("figures", result)
    print(json.dumps(result, indent=2))


def _one_more_case() -> None:
    from sqlalchemy import insert

    from zorgtafel.cases.models import Case, Stage
    from zorgtafel.core.clock import utcnow
    from zorgtafel.core.db import db

    now = utcnow()
    row = {"code": f"ZT-N-{time.monotonic_ns() % 10**12}", "stage": Stage.triage}
    db.session.execute(insert(Case), [{**row, "created_at": now, "updated_at": now}])
    db.session.commit()


def _seed(app, size: int) -> None:  # type: ignore[no-untyped-def]
    """A policy officer and ``size`` cases with profiles over five years. Bulk inserts."""
    import random
    import secrets
    from datetime import timedelta

    from sqlalchemy import insert, select, text

    from zorgtafel import ROOT
    from zorgtafel.auth import operations as accounts
    from zorgtafel.auth.models import Role
    from zorgtafel.cases.models import Case, Stage
    from zorgtafel.convenant.operations import load_version
    from zorgtafel.core.clock import utcnow
    from zorgtafel.core.db import db
    from zorgtafel.figures.codes import (
        MUNICIPALITIES,
        AgeBand,
        Exploitation,
        NotRegisteredReason,
    )
    from zorgtafel.figures.models import CaseProfile

    rng = random.Random(18)
    with app.app_context():
        for path in sorted((ROOT / "convenants").glob("*.toml")):
            load_version(path)
        accounts.create_organisation("gemeente", "gemeente (fictief)")
        password = secrets.token_urlsafe(16)
        user = accounts.create_user("policy@bench.test", "Bench", "gemeente", Role.policy, password)
        user.totp_confirmed_at = utcnow()
        db.session.flush()
        now = utcnow()
        stages = list(Stage)
        municipalities = [code for code, _ in MUNICIPALITIES]
        for start in range(0, size, 5000):
            count = min(start + 5000, size) - start
            db.session.execute(
                insert(Case),
                [
                    {
                        "code": f"ZT-B-{n:07d}",
                        "stage": rng.choices(stages, (2, 3, 2, 8, 3, 4)[: len(stages)])[0],
                        "created_at": now - timedelta(days=rng.randrange(5 * 365)),
                        "updated_at": now,
                        "comensha_reported_on": None if rng.random() < 0.7 else now.date(),
                        "comensha_with_identity": rng.random() < 0.2,
                    }
                    for n in range(start, start + count)
                ],
            )
        ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
        for start in range(0, len(ids), 5000):
            db.session.execute(
                insert(CaseProfile),
                [
                    {
                        "case_id": case_id,
                        # small municipalities: nearly all in the centre, a handful elsewhere
                        "municipality": rng.choices(
                            [*municipalities, None],
                            [99_000, 600, 200, 100, 5, 3, 92][: len(municipalities) + 1],
                        )[0],
                        "exploitation": rng.choices([None, *Exploitation], (20, 500, 80, 15, 1))[0],
                        "age_band": rng.choice([None, *AgeBand]),
                        "comensha_reason": rng.choice([None, *NotRegisteredReason]),
                        "updated_at": now,
                    }
                    for case_id in ids[start : start + 5000]
                ],
            )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


if __name__ == "__main__":
    main()
