"""Benchmark: the case lists with 1,000 and with 100,000 cases, against the trivial page.

For each size a throw-away instance is seeded (fictitious rows, bulk-inserted) with that many
cases; politie has need-to-know for one case in ten. Served and loaded as ``bench.web`` does, in
one run per size, in turns of one second (``web.interleaved``): the trivial logged-in page,
the chair's ``/casussen`` (every case, first page of 50), the chair's page deep in the list
(keyset: after the middle code), and politie's ``/casussen`` (its cases only). Each list page
writes one search event per case it shows (50), appended in one go. SQLite always; PostgreSQL too
when ``ZORGTAFEL_BENCH_DATABASE_URL`` (or ``ZORGTAFEL_TEST_DATABASE_URL``) is set.

The trivial page is the start page of a partner whose organisation sits at no table and owns
no action (``seed.idle_login``, ``web.trivial_page``): it lists nothing and writes nothing. The
chair's start page is no longer trivial: since its work list (issue 14.7) it counts and sorts the
cases waiting for triage and for a CoMensha report over the whole table (in process 6-8 ms at
1,000 cases, 60 ms at 100,000), so against it a list would look better the more cases there are.

Targets: every list page at least 0.35 of the trivial page's throughput, and flat: the 100,000-case
ratio within the run-to-run spread (15 %) of the 1,000-case ratio.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench import web

SIZES = tuple(
    int(n) for n in os.environ.get("ZORGTAFEL_BENCH_LIST_SIZES", "1000,100000").split(",")
)
#: one case in this many has politie involved
POLICE_EVERY = 10
SPREAD = 0.15
RESULTS = Path(__file__).resolve().parent / "results" / "lists.json"


def main() -> None:
    from bench.common import PG_URL

    results: dict[str, object] = {"sqlite": _backend("sqlite")}
    results["postgresql"] = (
        _backend("postgresql") if PG_URL else "skipped: set ZORGTAFEL_BENCH_DATABASE_URL"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


def _backend(backend: str) -> dict[str, object]:
    by_size = {size: _measure(backend, size) for size in SIZES}
    small, large = by_size[min(SIZES)], by_size[max(SIZES)]
    flat = {
        page: round(large["ratios"][page] / small["ratios"][page], 3)  # type: ignore[index]
        for page in small["ratios"]  # type: ignore[union-attr]
    }
    met = all(
        ratio >= 0.35
        for data in by_size.values()
        for ratio in data["ratios"].values()  # type: ignore[union-attr]
    ) and all(value >= 1 - SPREAD for value in flat.values())
    return {
        "sizes": {str(size): data for size, data in by_size.items()},
        "largest_over_smallest": flat,
        "targets": {"throughput_ratio_min": 0.35, "largest_over_smallest_min": 1 - SPREAD},
        "met": met,
    }


def _measure(backend: str, size: int) -> dict[str, object]:
    with web.instance(backend) as env:
        data = web.seed(env, f"import bench.lists as m; m._seed_here({size})")
        with web.served(env) as port:
            chair = web.login(port, *data["chair"])  # type: ignore[misc]
            police = web.login(port, *data["police"])  # type: ignore[misc]
            deep = f"/casussen?na={data['middle']}"
            for cookie, path in ((chair, "/casussen"), (chair, deep), (police, "/casussen")):
                status, body = web.get(port, path, cookie)
                if status != 200 or body.count(b'href="/casussen/ZT-') != 50:
                    raise RuntimeError(f"{path}: {status}, not a full page of 50 cases")
            runs = web.interleaved(
                port,
                {
                    "trivial": web.trivial_page(port, data["idle"]),
                    "chair": (chair, "/casussen"),
                    "chair_deep": (chair, deep),
                    "partner": (police, "/casussen"),
                },
            )
    trivial = runs["trivial"]
    return {
        "cases": size,
        "database": "sqlite (WAL)" if backend == "sqlite" else backend,
        "setup": web.machine(),
        "runs": {name: run.as_dict() for name, run in runs.items()},
        "ratios": {
            name: web.ratio(run, trivial) for name, run in runs.items() if name != "trivial"
        },
        "p95_ratios": {
            name: round(run.p95_ms / trivial.p95_ms, 2)
            for name, run in runs.items()
            if name != "trivial" and trivial.p95_ms
        },
    }


def _seed_here(size: int) -> None:  # pragma: no cover - runs in the child process
    """Organisations, a chair and a politie partner, ``size`` cases; politie involved in one
    case in ten. Bulk inserts: the list reads rows, not keys or contributions."""
    from bench import seed
    from zorgtafel.auth.models import Role
    from zorgtafel.cases.models import Stage

    def body() -> dict[str, object]:
        seed.convenants()
        _, chair = seed.login("chair@bench.test", "gemeente", Role.chair)
        _, police = seed.login("police@bench.test", "politie", Role.partner)
        stages = list(Stage)
        coordinators = ("politie", "veilig-thuis", "jeugd-ggz", "wijkteam", None)
        codes = [f"ZT-{2020 + n % 7}-{n:06d}" for n in range(size)]
        ids = seed.bulk_cases(
            [
                {
                    "code": code,
                    "stage": stages[n % len(stages)],
                    "coordinator_code": coordinators[n % len(coordinators)],
                }
                for n, code in enumerate(codes)
            ]
        )
        seed.involve((ids[code] for code in codes[::POLICE_EVERY]), "politie")
        # without statistics PostgreSQL thinks politie has 10 involvements, not 10,000, and
        # sorts them all instead of walking the index
        idle = seed.idle_login()
        seed.analyze()
        return {
            "chair": chair,
            "police": police,
            "idle": idle,
            "middle": sorted(codes)[size // 2],
        }

    seed.in_child(body)


if __name__ == "__main__":
    main()
