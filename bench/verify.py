"""Verifying the audit log against raw chained SHA-256 over the same rows, in the same run.

Fills a SQLite database with N events (default 1,000,000; chained with the real encoding),
then times, on the same connection and query:

- ``verify_log``: canonical encoding, SHA-256, every check (seq, own hash, link, head);
- raw: the same rows fetched the same way, chained as SHA-256(prev || fields joined).

The goal is verify >= 0.5 of raw speed. Also timed over rows already in memory (CPU only).
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bench.common import bench_app, scratch_database, write_result
from zorgtafel.audit import chain
from zorgtafel.audit.log import chain_rows, verify_log
from zorgtafel.core.db import READ_ONLY, db

COLUMNS = ", ".join((*chain.FIELDS, "hash"))
PLACEHOLDERS = ", ".join("?" * (len(chain.FIELDS) + 1))
INSERT = f"INSERT INTO audit_events ({COLUMNS}) VALUES ({PLACEHOLDERS})"  # noqa: S608 - constants


def fill(connection, count: int) -> str:  # type: ignore[no-untyped-def]
    """``count`` plausible events, chained; returns the head hash."""
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    prev = chain.GENESIS
    batch = []
    for seq in range(1, count + 1):
        moment = start + timedelta(milliseconds=seq * 37)
        case = f"ZT-2026-{seq % 9973:04d}"
        fields = (
            seq, moment, seq % 40, "politie", "partner", "read", "case", case, "content",
            "signalen", "zorgtafel-jpmh-voorbeeldland", "1.1", "ab" * 32, "art. 7.2",
            "case_conference", "allowed", "invited", "192.0.2.10", f"{seq:016x}", prev,
        )  # fmt: skip
        prev = chain.event_hash(fields)
        stored = (*fields[:1], moment.strftime("%Y-%m-%d %H:%M:%S.%f"), *fields[2:], prev)
        batch.append(stored)
        if len(batch) == 50_000:
            connection.exec_driver_sql(INSERT, batch)
            batch.clear()
    if batch:
        connection.exec_driver_sql(INSERT, batch)
    # a bulk fill of a scratch database skips the one-step-at-a-time guard on the head row
    connection.exec_driver_sql("DROP TRIGGER audit_head_forward_only")
    connection.execute(
        text("UPDATE audit_head SET seq = :seq, hash = :hash"), {"seq": count, "hash": prev}
    )
    return prev


def raw_chain(rows) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    prev = chain.GENESIS
    count = 0
    sha256 = hashlib.sha256
    for row in rows:
        prev = sha256((prev + "\x1f".join(map(str, row[:-1]))).encode()).hexdigest()
        count += 1
    return count, prev


def main() -> None:
    events = int(os.environ.get("ZORGTAFEL_BENCH_EVENTS", "1000000"))
    with scratch_database("sqlite") as url, bench_app(url) as app, app.app_context():
        started = time.perf_counter()
        with db.engine.begin() as connection:
            head_hash = fill(connection, events)
        fill_seconds = time.perf_counter() - started

        query = chain_rows()
        with db.engine.connect().execution_options(**READ_ONLY) as connection:
            connection.execute(query).fetchmany(10)  # warm the page cache for both runs
            started = time.perf_counter()
            result = verify_log(connection)
            verify_seconds = time.perf_counter() - started
            assert result.ok
            assert (result.count, result.head_hash) == (events, head_hash)

            started = time.perf_counter()
            count, _ = raw_chain(connection.execute(query))
            raw_seconds = time.perf_counter() - started
            assert count == events

            sample = connection.execute(query.limit(100_000)).all()
        started = time.perf_counter()
        assert chain.verify_rows(sample).ok
        cpu_verify = time.perf_counter() - started
        started = time.perf_counter()
        raw_chain(sample)
        cpu_raw = time.perf_counter() - started

    summary = {
        "backend": "sqlite",
        "events": events,
        "fill_seconds": round(fill_seconds, 2),
        "verify_seconds": round(verify_seconds, 2),
        "raw_seconds": round(raw_seconds, 2),
        "verify_events_per_second": round(events / verify_seconds),
        "raw_events_per_second": round(events / raw_seconds),
        "ratio_verify_to_raw": round(raw_seconds / verify_seconds, 3),
        "cpu_only_sample": len(sample),
        "cpu_only_ratio_verify_to_raw": round(cpu_raw / cpu_verify, 3),
        "goal": "ratio_verify_to_raw >= 0.5",
    }
    summary["goal_met"] = summary["ratio_verify_to_raw"] >= 0.5
    print(write_result("audit_verify", summary).read_text())


if __name__ == "__main__":
    main()
