"""The retention benchmark's core at a tiny size, so that it cannot rot: the seed, the due
list through the gate, proposals and erasures, the chain untouched below its head, the lock
check. (The benchmark itself: ``python -m bench.retention``, on PostgreSQL.)"""

from __future__ import annotations

from flask import Flask

from bench import retention as bench


def test_the_retention_benchmark_runs_at_a_tiny_size(live: Flask) -> None:
    with live.app_context():
        data = bench.seed_retention(60, 2)
    assert data["setup"]["closed"] == 30  # type: ignore[index]
    holds = data["setup"]["holds"]  # type: ignore[index]
    assert holds >= 1
    with live.app_context():
        due = bench.time_due_list(2)
    assert due["due"] > 4
    assert due["held"] == holds  # each hold is on a case past its term
    assert due["events_per_run"] == due["due"] + due["held"]  # type: ignore[operator]
    assert due["totals"]["contributions"] == 2 * due["due"]  # type: ignore[index, operator]
    assert due["due_list"]["count"] == 2  # type: ignore[index]
    with live.app_context():
        ids, took = bench.propose(4)
        before = bench.head()
        rows, digest = bench.chain_digest(before)
        erased = bench.erase(ids, lambda: "erase")
        outcome = bench.erasure_outcome(ids, before)
        after = bench.head()
        check = bench.verified()
    assert len(ids) == len(took) == 4
    assert len(erased["erase"]) == 4
    assert outcome["erased"] == 4
    assert (outcome["rows"], outcome["sha256"]) == (rows, digest)
    assert rows == before
    assert after >= before + 3 * 4  # approval, erasure and its record, per case
    assert check == {"count": after, "ok": True}


def test_the_lock_check_allows_row_exclusive_and_nothing_stronger() -> None:
    reads = {"cases": "AccessShareLock", "meetings": "AccessShareLock"}
    fine = bench.check_locks({"cases": "RowExclusiveLock", "contributions": "ExclusiveLock"}, reads)
    assert fine["ok"]
    assert fine["on_tables_the_agenda_reads"] == {"cases": "RowExclusiveLock"}
    worse = bench.check_locks({"cases": "ShareLock"}, reads)
    assert not worse["ok"]
    assert worse["stronger_than_row_exclusive"] == {"cases": "ShareLock"}
    assert not bench.check_locks({}, reads)["ok"]  # sampled nothing: nothing shown
    assert bench.strongest(["RowShareLock", "AccessShareLock"]) == "RowShareLock"
