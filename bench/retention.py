"""Benchmark: retention on PostgreSQL (issue 16 point 9): the due list over 100,000 cases, the
erasure of 1,000 of them, the audit log untouched below its head, and the agenda page meanwhile.

A throw-away instance on a scratch PostgreSQL database (``ZORGTAFEL_BENCH_DATABASE_URL``) is
seeded in a child process (fictitious rows, bulk-inserted, then ANALYZE): the agenda of
``bench.meetings`` (40 items, 12 partners, politie at 20) and 100,000 more cases, each with its
own wrapped data key, a sealed identity, two lookup hashes and two sealed contributions; half of
them closed, their closures spread evenly over the last four years, so that with the example
convenant's two years about a quarter of all cases is due (the first run after retention is
switched on at an instance four years in use); a hold on one in fifty of those; politie
has need-to-know for one case in ten and read it once (on the chain: its receipts, so those
erasures send a notice). The chain holds a creation event per case besides.

Then, each in a process of its own:

1. **Due list**: ``due_list`` as the privacy officer's page and ``zorgtafel retention due``
   compute it, through the gate (one process-level decision and one audit event per listed
   case), committed; RUNS runs, median and p95. Also ``find_due`` alone over all cases, and for
   one case (what a proposal and an approval ask since this benchmark was written).
2. **Erasure**: the chair proposes ERASE due cases (``retention.operations.propose``, one
   transaction each), then the privacy officer approves each (``approve``: the erasure, its
   signed record, the notices; one transaction each), timed one by one. Before the first and
   after the last: SHA-256 over every chained row at or below the pre-erasure head (all
   columns), the row count there and the chain's head; afterwards the whole chain verified
   (``zorgtafel audit verify``).
3. **The agenda page during erasure**: gunicorn (2 workers) serves the instance and the load of
   ``bench.web`` takes turns of one second: the trivial page and the agenda page with the eraser
   paused, and both again while it erases (``web.interleaved``, the same run). The eraser
   finishes the erasure in hand before it pauses, so a paused turn can begin with one still
   running. A sampler reads ``pg_locks`` every 20 ms: the table-level locks of the eraser's
   connections and of the web workers', and every lock a web worker waited for.

``ZORGTAFEL_BENCH_RETENTION_CASES`` (default 100000), ``..._ERASE`` (1000) and ``..._RUNS`` (7)
shrink it for trying out. Writes ``bench/results/retention.json``.

Targets: no row at or below the pre-erasure head changed, the chain verifies; the eraser takes
no table lock stronger than ROW EXCLUSIVE on a table the agenda page reads and no web worker
waits for a lock the eraser holds (``pg_blocking_pids``); the agenda page's p95 while erasing
over its p95 paused at most 1.2 times the trivial page's same ratio: the CPUs are shared, so an
erasure run slows every page, the trivial start page too; what the agenda page loses beyond
that would be the erasure's locks. Both raw ratios are reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bench import web

CASES = int(os.environ.get("ZORGTAFEL_BENCH_RETENTION_CASES", "100000"))
ERASE = int(os.environ.get("ZORGTAFEL_BENCH_RETENTION_ERASE", "1000"))
RUNS = int(os.environ.get("ZORGTAFEL_BENCH_RETENTION_RUNS", "7"))
ITEMS = 40
#: closures spread over this many days back from now (the term is two years: about half due)
CLOSED_SPREAD_DAYS = 4 * 365
#: a hold on one case in this many of those past their term; politie involved in (and read)
#: one case in this many
HOLD_EVERY = 50
POLICE_EVERY = 10
P95_MAX = 1.2
ERASER = "zorgtafel-erasure"
WEB = "zorgtafel-web"
#: PostgreSQL's table-level lock modes, weakest first
LOCK_MODES = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)
RESULTS = Path(__file__).resolve().parent / "results" / "retention.json"


def main() -> None:
    from bench.common import PG_URL

    if not PG_URL:
        print("retention: skipped, set ZORGTAFEL_BENCH_DATABASE_URL")
        return
    result = measure()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


def measure() -> dict[str, object]:
    with web.instance("postgresql") as env:
        url = tomllib.loads((Path(env["ZORGTAFEL_INSTANCE"]) / "config.toml").read_text())["app"][
            "database_url"
        ]
        started = time.monotonic()
        data = web.seed(env, f"import bench.retention as m; m._seed_here({CASES}, {ITEMS})")
        seeded = round(time.monotonic() - started, 1)
        due = web.seed(env, f"import bench.retention as m; m._due_here({RUNS})")
        control = Path(env["ZORGTAFEL_INSTANCE"]) / "eraser.control"
        control.write_text("pause")
        with web.served({**env, "PGAPPNAME": WEB}) as port:
            cookie = web.login(port, data["email"], data["password"], data["totp"])  # type: ignore[arg-type]
            agenda = f"/vergaderingen/{data['meeting_id']}"
            status, body = web.get(port, agenda, cookie)
            if status != 200 or body.count(b"Besloten agendapunt") != ITEMS // 2:
                raise RuntimeError(f"agenda page not as seeded: {status}")
            with _child(env, f"m._erase_here({ERASE}, {str(control)!r})", ERASER) as eraser:
                ready = json.loads(eraser.stdout.readline())  # type: ignore[union-attr]
                with _child(env, f"m._locks_here({url!r}, {str(control)!r})", "") as sampler:
                    trivial = web.trivial_page(port, data["idle"])
                    pages = {
                        "trivial": trivial,
                        "agenda": (cookie, agenda),
                        "trivial_erasing": trivial,
                        "agenda_erasing": (cookie, agenda),
                    }

                    def turn(label: str) -> None:
                        control.write_text("load" if label.endswith("_erasing") else "pause")

                    runs = web.interleaved(port, pages, turn)
                    machine = web.machine()
                    control.write_text("erase")  # the rest of the erasures, without the load
                    erased = json.loads(eraser.communicate(timeout=3600)[0].splitlines()[-1])
                    control.write_text("stop")
                    locks = json.loads(sampler.communicate(timeout=60)[0].splitlines()[-1])
        verify = subprocess.run(
            [str(Path(sys.executable).with_name("zorgtafel")), "audit", "verify"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
    return report(data, seeded, due, ready, erased, runs, machine, locks, verify)


@contextmanager
def _child(env: dict[str, str], call: str, appname: str):  # type: ignore[no-untyped-def]
    child = subprocess.Popen(
        [sys.executable, "-c", f"import bench.retention as m; {call}"],
        env={**env, "PGAPPNAME": appname or "zorgtafel-bench"},
        cwd=web.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def report(  # type: ignore[no-untyped-def]
    data, seeded, due, ready, erased, runs, machine, locks, verify
) -> dict[str, object]:
    quiet, busy = runs["agenda"], runs["agenda_erasing"]
    trivial, trivial_busy = runs["trivial"], runs["trivial_erasing"]
    lock_check = check_locks(locks["eraser"], locks["web"])
    p95_ratio = round(busy.p95_ms / quiet.p95_ms, 2) if quiet.p95_ms else None
    trivial_ratio = round(trivial_busy.p95_ms / trivial.p95_ms, 2) if trivial.p95_ms else None
    # the agenda page's p95 while erasing, over paused, against the trivial page's: what the
    # erasure costs beyond the shared CPUs
    relative = round(p95_ratio / trivial_ratio, 2) if p95_ratio and trivial_ratio else None
    chain = {
        "head_before": ready["head"],
        "rows_at_or_below_head_before": ready["rows"],
        "rows_at_or_below_head_after": erased["rows"],
        "sha256_at_or_below_head_before": ready["sha256"],
        "sha256_at_or_below_head_after": erased["sha256"],
        "unchanged": ready["sha256"] == erased["sha256"] and ready["rows"] == erased["rows"],
        "head_after": erased["head"],
        "appended": erased["head"] - ready["head"],
        "verify_in_process": erased["verified"],
        "audit_verify_exit": verify.returncode,
        "audit_verify_output": verify.stdout.strip().splitlines()[:3],
    }
    met = (
        chain["unchanged"]
        and verify.returncode == 0
        and lock_check["ok"]
        and locks["web_waits_on_the_eraser"] == 0
        and relative is not None
        and relative <= P95_MAX
        and busy.errors == 0
    )
    return {
        "benchmark": "retention: due list, erasure, agenda page during erasure",
        "setup": {
            **data["setup"],  # type: ignore[dict-item]
            "seed_seconds": seeded,
            "database": "postgresql",
            **machine,
        },
        "due_list": due,
        "erasure": {
            "proposals": ready["proposals"],
            "propose_ms": ready["propose_ms"],
            **{key: value for key, value in erased.items() if key.startswith("erase")},
            "erased": erased["erased"],
            "notices": erased["notices"],
        },
        "audit_chain": chain,
        "agenda_page": {
            "paused": quiet.as_dict(),
            "erasing": busy.as_dict(),
            "trivial_paused": trivial.as_dict(),
            "trivial_erasing": trivial_busy.as_dict(),
            "erasures_during_load_turns": erased["erase_ms"].get("load", {}).get("count", 0),
            "p95_erasing_over_paused": p95_ratio,
            "throughput_erasing_over_paused": web.ratio(busy, quiet),
            "trivial_p95_erasing_over_paused": trivial_ratio,
            "p95_erasing_over_paused_relative_to_trivial": relative,
            "throughput_ratio_to_trivial_paused": web.ratio(quiet, trivial),
            "throughput_ratio_to_trivial_erasing": web.ratio(busy, trivial_busy),
        },
        "locks": {**locks, "check": lock_check},
        "targets": {
            "chain_unchanged_and_verifies": True,
            "eraser_lock_on_agenda_tables_at_most": "RowExclusiveLock",
            "web_lock_waits_on_the_eraser": 0,
            "agenda_p95_erasing_over_paused_relative_to_trivial_max": P95_MAX,
        },
        "met": met,
    }


def check_locks(eraser: dict[str, str], web_tables: dict[str, str]) -> dict[str, object]:
    """The strongest lock the eraser held on each table the web workers locked (read)."""
    limit = LOCK_MODES.index("RowExclusiveLock")
    shared = {table: eraser[table] for table in sorted(web_tables) if table in eraser}
    stronger = {table: mode for table, mode in shared.items() if LOCK_MODES.index(mode) > limit}
    return {"on_tables_the_agenda_reads": shared, "stronger_than_row_exclusive": stronger,
            "ok": not stronger and bool(eraser)}  # fmt: skip


def strongest(modes: Iterable[str]) -> str:
    return max(modes, key=LOCK_MODES.index)


def summary_ms(seconds: list[float]) -> dict[str, object]:
    """Count, median, p95 and max of durations, in milliseconds."""
    if not seconds:
        return {"count": 0}
    ordered = sorted(seconds)
    return {
        "count": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


# --- the seed --------------------------------------------------------------------------------


def seed_retention(cases: int, items: int) -> dict[str, object]:
    """In an app context: the agenda of ``bench.meetings``, a privacy officer, and ``cases``
    bulk-inserted cases with keys, identities, lookups, contributions, holds and history."""
    from bench import seed
    from bench.meetings import PARTNERS, seed_agenda
    from zorgtafel.audit import sequencer
    from zorgtafel.audit.operations import Actor, EventTemplate
    from zorgtafel.audit.vocabulary import AuditAction, Basis, Level, ObjectType, Purpose
    from zorgtafel.auth.models import Role, User
    from zorgtafel.cases.models import Case, Contribution, Stage
    from zorgtafel.convenant.operations import convenant_in_force
    from zorgtafel.core.clock import utcnow
    from zorgtafel.core.db import db
    from zorgtafel.privacy import vault
    from zorgtafel.privacy.models import CaseKey
    from zorgtafel.retention.models import Hold, HoldKind

    login = seed_agenda(items)
    privacy, _ = seed.login("privacy@bench.test", "gemeente", Role.privacy, new_organisation=False)
    chair = db.session.scalar(select(User).where(User.email == "chair@bench.test"))
    police = db.session.scalar(select(User).where(User.email == "politie@bench.test"))
    db.session.flush()
    convenant = convenant_in_force()
    now = utcnow()
    open_stages = [stage for stage in Stage if stage is not Stage.afgesloten]
    master = vault.key_ring().wrapping
    vault.register_master_key(db.session, master)
    first_case = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
    first_contribution = (db.session.scalar(select(func.max(Contribution.id))) or 0) + 1
    case_rows, key_rows, contribution_rows, holds, history = [], [], [], [], []
    overdue = 0
    created = EventTemplate(Actor.of(chair), Purpose.case_work)  # type: ignore[arg-type]
    read = EventTemplate(Actor.of(police), Purpose.case_conference, convenant)  # type: ignore[arg-type]
    for n in range(cases):
        case_id, code = first_case + n, f"ZT-{2019 + n % 7}-{n:06d}"
        closed = n % 2 == 0
        days = (n * 7919) % CLOSED_SPREAD_DAYS
        closed_at = now - timedelta(days=days, hours=n % 24)
        begun = closed_at - timedelta(days=200)
        key_id, raw = os.urandom(16).hex(), os.urandom(vault.KEY_BYTES)
        # what vault.create_case_key stores, without an ORM object and a flush per case
        wrapped = master.wrap(raw, vault._wrap_binding(key_id, case_id, master.key_id))
        key_rows.append(
            {
                "key_id": key_id,
                "case_id": case_id,
                "created_at": begun,
                "wrapped_key": wrapped,
                "master_key_id": master.key_id,
            }
        )
        key = vault.DataKey(key_id, case_id, raw)
        case_rows.append(
            {
                "id": case_id,
                "code": code,
                "stage": Stage.afgesloten if closed else open_stages[n % len(open_stages)],
                "closed_at": closed_at if closed else None,
                "coordinator_code": PARTNERS[n % len(PARTNERS)],
                "identity": vault.seal(
                    key,
                    f"Fictief: persoon {n}, Verzinsellaan {n % 300}",
                    table="cases",
                    row_id=case_id,
                    column="identity",
                ),
                "bsn_lookup": hashlib.sha256(f"bsn {n}".encode()).hexdigest(),
                "name_lookup": hashlib.sha256(f"naam {n}".encode()).hexdigest(),
            }
        )
        for k in range(2):
            contribution_id = first_contribution + 2 * n + k
            contribution_rows.append(
                {
                    "id": contribution_id,
                    "case_id": case_id,
                    "partner_code": PARTNERS[(n + k) % len(PARTNERS)],
                    "category_code": "signalen",
                    "text": vault.seal(
                        key,
                        f"Fictief: signaal {k} over casus {n}.",
                        table="contributions",
                        row_id=contribution_id,
                        column="text",
                    ),
                    "created_at": begun,
                }
            )
        if closed and days > 2 * 365 + 30 and (overdue := overdue + 1) % HOLD_EVERY == 1:
            holds.append(
                {
                    "case_id": case_id,
                    "kind": HoldKind.complaint,
                    "reason": None,
                    "set_by_user_id": privacy.id,
                    "set_at": now - timedelta(days=30),
                    "ends_at": now + timedelta(days=365),
                }
            )
        history.append(
            {**created.about(code, AuditAction.create, object_type=ObjectType.case),
             "occurred_at": begun}
        )  # fmt: skip
        if n % POLICE_EVERY == 0:
            history.append(
                {**read.about(code, AuditAction.read, object_type=ObjectType.case,
                              level=Level.content, categories=("signalen",),
                              reason=Basis.invited),
                 "occurred_at": begun + timedelta(days=100)}
            )  # fmt: skip
    seed.bulk_cases(case_rows)
    seed.bulk_insert(CaseKey, key_rows)
    seed.bulk_insert(Contribution, contribution_rows)
    seed.bulk_insert(Hold, holds)
    seed.involve((first_case + n for n in range(0, cases, POLICE_EVERY)), "politie")
    history.sort(key=lambda event: event["occurred_at"])  # type: ignore[arg-type,return-value]
    sequencer.chain(db.session.connection(), history)
    if db.engine.dialect.name == "postgresql":  # ids given above: move the sequences on
        for table in ("cases", "contributions"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    seed.analyze()
    return {
        **login,
        "setup": {
            "cases": cases + items,
            "bulk_cases": cases,
            "closed": len(range(0, cases, 2)),
            "closures_spread_days": CLOSED_SPREAD_DAYS,
            "holds": len(holds),
            "contributions": len(contribution_rows),
            "chained_events_seeded": len(history),
            "agenda_items": items,
        },
    }


def _seed_here(cases: int, items: int) -> None:  # pragma: no cover - child process
    from bench import seed

    seed.in_child(lambda: seed_retention(cases, items))


# --- the due list ----------------------------------------------------------------------------


def time_due_list(runs: int) -> dict[str, object]:
    """In an app context: the privacy officer's due list ``runs`` times, each committed; and
    ``find_due`` over all cases and for one."""
    from zorgtafel.auth.models import User
    from zorgtafel.convenant.operations import convenant_in_force
    from zorgtafel.core.clock import utcnow
    from zorgtafel.core.db import db
    from zorgtafel.retention.due import due_list, find_due

    officer = db.session.scalar(select(User).where(User.email == "privacy@bench.test"))
    took, listing = [], None
    for _ in range(runs):
        db.session.expire_all()
        began = time.perf_counter()
        listing = due_list(officer, convenant_in_force())  # type: ignore[arg-type]
        db.session.commit()
        took.append(time.perf_counter() - began)
    assert listing is not None
    whole, one = [], []
    for _ in range(max(1, runs // 2)):
        db.session.expire_all()
        began = time.perf_counter()
        entries = find_due(utcnow())
        whole.append(time.perf_counter() - began)
        db.session.rollback()
    some = entries[0].case.id if entries else 0
    for _ in range(20):
        began = time.perf_counter()
        find_due(utcnow(), some)
        one.append(time.perf_counter() - began)
        db.session.rollback()
    totals = listing.totals()
    return {
        "runs": runs,
        "due": len(listing.due),
        "held": len(listing.held),
        "events_per_run": len(listing.entries),
        "totals": {kind.value: number for kind, number in totals.items()},
        "due_list": summary_ms(took),
        "find_due_all": summary_ms(whole),
        "find_due_one_case": summary_ms(one),
    }


def _due_here(runs: int) -> None:  # pragma: no cover - child process
    from bench import seed

    seed.in_child(lambda: time_due_list(runs))


# --- erasure ---------------------------------------------------------------------------------


def propose(count: int) -> tuple[list[int], list[float]]:
    """The chair proposes ``count`` due cases, spread over the due list (one commit each)."""
    from zorgtafel.auth.models import User
    from zorgtafel.cases.models import Case
    from zorgtafel.core.clock import utcnow
    from zorgtafel.core.db import db
    from zorgtafel.retention import operations
    from zorgtafel.retention.due import find_due
    from zorgtafel.retention.models import Scope

    chair_id = db.session.scalar(select(User.id).where(User.email == "chair@bench.test"))
    due = [e.case.id for e in find_due(utcnow()) if e.scope is Scope.case and not e.held]
    db.session.rollback()
    step = max(1, len(due) // count)
    chosen = due[::step][:count]
    ids, took = [], []
    for case_id in chosen:
        began = time.perf_counter()
        chair = db.session.get(User, chair_id)
        proposal = operations.propose(chair, db.session.get(Case, case_id), Scope.case)  # type: ignore[arg-type]
        db.session.commit()
        took.append(time.perf_counter() - began)
        ids.append(proposal.id)
    return ids, took


def erase(proposal_ids: list[int], state: Callable[[], str]) -> dict[str, list[float]]:
    """The privacy officer approves each proposal (the erasure; one commit each), while
    ``state()`` is not ``pause``; durations by the state each began in."""
    from zorgtafel.auth.models import User
    from zorgtafel.core.db import db
    from zorgtafel.retention import operations
    from zorgtafel.retention.models import ErasureProposal

    officer_id = db.session.scalar(select(User.id).where(User.email == "privacy@bench.test"))
    took: dict[str, list[float]] = {}
    for proposal_id in proposal_ids:
        while (now := state()) == "pause":
            time.sleep(0.005)
        began = time.perf_counter()
        officer = db.session.get(User, officer_id)
        operations.approve(officer, db.session.get(ErasureProposal, proposal_id))  # type: ignore[arg-type]
        db.session.commit()
        took.setdefault(now, []).append(time.perf_counter() - began)
    return took


def chain_digest(up_to: int) -> tuple[int, str]:
    """How many chained rows have ``seq <= up_to``, and SHA-256 over all their columns."""
    from zorgtafel.audit.models import AuditEvent
    from zorgtafel.core.db import db

    table = AuditEvent.__table__
    digest, rows = hashlib.sha256(), 0
    query = (
        select(*table.columns)
        .where(table.c.seq <= up_to)
        .order_by(table.c.seq)
        .execution_options(yield_per=10_000)
    )
    for row in db.session.execute(query):
        digest.update(repr(tuple(row)).encode() + b"\n")
        rows += 1
    db.session.rollback()
    return rows, digest.hexdigest()


def head() -> int:
    from zorgtafel.audit.log import head as read_head
    from zorgtafel.core.db import db

    seq = read_head(db.session.connection()).size
    db.session.rollback()
    return seq


def verified() -> dict[str, object]:
    """The whole chain verified in process (after the queue is chained)."""
    from zorgtafel.audit.log import verify_log
    from zorgtafel.audit.sequencer import audit_log
    from zorgtafel.core.db import db

    audit_log().sequencer.flush()
    result = verify_log(db.session.connection())
    db.session.rollback()
    return {"count": result.count, "ok": result.problem is None}


def erasure_outcome(proposal_ids: list[int], before: int) -> dict[str, object]:
    """Counts of what the erasures left: records and notices, destroyed keys."""
    from zorgtafel.core.db import db
    from zorgtafel.retention.models import ErasureNotice, ErasureProposal, ErasureRecord

    erased = db.session.scalar(
        select(func.count()).select_from(ErasureRecord)
        .join(ErasureProposal, ErasureProposal.id == ErasureRecord.proposal_id)
        .where(ErasureProposal.id.in_(proposal_ids))
    )  # fmt: skip
    notices = db.session.scalar(select(func.count()).select_from(ErasureNotice))
    db.session.rollback()
    rows, digest = chain_digest(before)
    return {"erased": erased, "notices": notices, "rows": rows, "sha256": digest}


def _erase_here(count: int, control: str) -> None:  # pragma: no cover - child process
    from zorgtafel import create_app

    path = Path(control)

    def state() -> str:
        return path.read_text().strip() or "pause"

    with create_app().app_context():
        began = time.perf_counter()
        ids, proposing = propose(count)
        before = head()
        rows, digest = chain_digest(before)
        print(json.dumps({"proposals": len(ids), "propose_ms": summary_ms(proposing),
                          "propose_seconds": round(time.perf_counter() - began, 1),
                          "head": before, "rows": rows, "sha256": digest}), flush=True)  # fmt: skip
        took = erase(ids, state)
        everything = [t for ts in took.values() for t in ts]
        outcome = erasure_outcome(ids, before)
        check = verified()
        print(json.dumps({"erase_ms": {s: summary_ms(t) for s, t in took.items()},
                          "erase_ms_all": summary_ms(everything), **outcome,
                          "head": head(), "verified": check}))  # fmt: skip


# --- locks -----------------------------------------------------------------------------------

_LOCKS = """
SELECT a.application_name, c.relname, l.mode, l.granted, l.locktype,
  CASE WHEN l.granted THEN NULL ELSE (
    SELECT string_agg(DISTINCT b.application_name, ',')
    FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(l.pid))
  ) END
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
LEFT JOIN pg_class c ON c.oid = l.relation
WHERE a.datname = current_database() AND a.application_name IN (:eraser, :web)
  AND (c.relkind IS NULL OR c.relkind IN ('r', 'p'))
"""


def sample_locks(url: str, done: Callable[[], bool], every: float = 0.02) -> dict[str, object]:
    """``pg_locks`` every ``every`` seconds until ``done()``: the strongest table-level lock of
    the eraser's and the web workers' connections per table, and the web's waits."""
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    seen: dict[str, dict[str, set[str]]] = {ERASER: {}, WEB: {}}
    waits: list[dict[str, object]] = []
    samples = with_eraser = 0
    try:
        with engine.connect() as connection:
            while not done():
                rows = connection.execute(text(_LOCKS), {"eraser": ERASER, "web": WEB}).all()
                samples += 1
                with_eraser += any(row[0] == ERASER and row[1] for row in rows)
                for app, table, mode, granted, locktype, blockers in rows:
                    if not granted and app == WEB:
                        waits.append({"table": table, "mode": mode, "locktype": locktype,
                                      "blocked_by": blockers})  # fmt: skip
                    if table and locktype == "relation" and not table.startswith("pg_"):
                        seen[app].setdefault(table, set()).add(mode)
                time.sleep(every)
    finally:
        engine.dispose()
    tables = {app: {t: strongest(m) for t, m in sorted(by.items())} for app, by in seen.items()}
    return {
        "samples": samples,
        "samples_with_an_eraser_lock": with_eraser,
        "eraser": tables[ERASER],
        "web": tables[WEB],
        "web_waits": len(waits),
        "web_waits_on_the_eraser": sum(ERASER in (wait["blocked_by"] or "") for wait in waits),
        "web_wait_examples": waits[:10],
    }


def _locks_here(url: str, control: str) -> None:  # pragma: no cover - child process
    path = Path(control)
    print(json.dumps(sample_locks(url, lambda: path.read_text().strip() == "stop")))


if __name__ == "__main__":
    main()
