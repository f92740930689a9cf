"""Benchmark: the figures page (issue 18.7) over 100,000 cases, suppression included.

A throw-away instance on PostgreSQL is seeded (fictitious rows, bulk-inserted) with 100,000
cases over five years of first signals, each with a coded profile drawn from small
municipalities and many rare codes (so cells are suppressed and the attacker's programme in
``figures.disclosure`` runs). Served as ``bench.web`` does; a policy officer asks for the
figures page one request at a time (each one a release: counted through the gate, protected
against every earlier release, stored, logged), and the trivial start page (a redirect to the
figures) in the same run.

Target: the figures page's median and p95 under 1 s (``ZORGTAFEL_BENCH_FIGURES_CASES`` for
another size; ``ZORGTAFEL_BENCH_FIGURES_BACKEND=sqlite`` to try SQLite).
"""

from __future__ import annotations

import json
import os
import statistics
import time

from bench import web

CASES = int(os.environ.get("ZORGTAFEL_BENCH_FIGURES_CASES", "100000"))
BACKEND = os.environ.get("ZORGTAFEL_BENCH_FIGURES_BACKEND", "postgresql")
REQUESTS = 30
GOAL_MS = 1000.0


def main() -> None:
    from bench.common import write_result

    with web.instance(BACKEND) as env:
        data = web.seed(env, f"import bench.figures as m; m._seed_here({CASES})")
        with web.served(env) as port:
            policy = web.login(port, *data["policy"])  # type: ignore[misc]
            status, body = web.get(port, "/cijfers", policy)
            if status != 200 or b"onderdrukt" not in body:
                raise RuntimeError(f"/cijfers: {status}, or no suppressed cell on it")
            timings = {"figures": [], "trivial": []}  # type: dict[str, list[float]]
            for _ in range(REQUESTS):
                for name, path in (("figures", "/cijfers"), ("trivial", "/")):
                    start = time.perf_counter()
                    status, _ = web.get(port, path, policy)
                    timings[name].append(1000 * (time.perf_counter() - start))
                    if status not in (200, 302):  # the policy officer's start page: to /cijfers
                        raise RuntimeError(f"{path}: {status}")
    result = {
        "cases": CASES,
        "database": BACKEND,
        "requests": REQUESTS,
        **{
            f"{name}_{stat}_ms": round(value, 1)
            for name, series in timings.items()
            for stat, value in (
                ("median", statistics.median(series)),
                ("p95", statistics.quantiles(series, n=20)[-1]),
            )
        },
        "goal_ms": GOAL_MS,
    }
    result["met"] = result["figures_p95_ms"] < GOAL_MS  # type: ignore[operator]
    write_result("figures", result)
    print(json.dumps(result, indent=2))


def _seed_here(size: int) -> None:  # pragma: no cover - runs in the child process
    """A policy officer and ``size`` cases with profiles over five years. Bulk inserts."""
    import random
    import secrets
    from datetime import timedelta

    from sqlalchemy import insert, select, text

    from zorgtafel import ROOT, create_app
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
    app = create_app()
    with app.app_context():
        for path in sorted((ROOT / "convenants").glob("*.toml")):
            load_version(path)
        accounts.create_organisation("gemeente", "gemeente (fictief)")
        password = secrets.token_urlsafe(16)
        user = accounts.create_user("policy@bench.test", "Bench", "gemeente", Role.policy, password)
        user.totp_confirmed_at = utcnow()
        login = (user.email, password, user.totp_secret.reveal())  # type: ignore[union-attr]
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
        print(json.dumps({"policy": login}))


if __name__ == "__main__":
    main()
