"""Durable audit appends per second.

SQLite runs with WAL and ``synchronous=FULL`` (every commit fsynced); PostgreSQL with its
defaults (``synchronous_commit=on``, ``fsync=on`` unless the server says otherwise). Measured:

- the storage's ceiling: raw one-row commits through the driver, same settings, same run;
- one event per committed transaction (a single writer in a loop);
- ten events per committed transaction, appended together (a content view logs one event
  per category, appended at once in the request's one transaction);
- several writers at once (threads, each its own connection, one event per commit).

Goal: >= 1,000 appends per second.
"""

from __future__ import annotations

import os
import threading
import time

from sqlalchemy import text

from bench.common import PG_URL, bench_app, scratch_database, write_result
from zorgtafel.audit.log import verify_log
from zorgtafel.audit.models import AuditAction
from zorgtafel.audit.operations import Actor, event, record_all
from zorgtafel.core.db import db


def append_many(app, count: int, writer: int = 0, per_commit: int = 1) -> None:  # type: ignore[no-untyped-def]
    """``count`` events, ``per_commit`` to a transaction (appended together, as the gate does
    for the categories of one content view)."""
    with app.app_context():
        for first in range(0, count, per_commit):
            record_all(
                [
                    event(
                        AuditAction.read,
                        actor=Actor(writer, "politie", "partner"),
                        object_type="case",
                        object_id=f"ZT-2026-{number % 9973:04d}",
                        level="content",
                        categories=("signalen",),
                        purpose="case_conference",
                        reason="invited",
                    )
                    for number in range(first, min(first + per_commit, count))
                ]
            )
            db.session.commit()


def ceiling(app, count: int) -> float:  # type: ignore[no-untyped-def]
    """Raw driver commits of one small row each: what the disk allows, with no app code."""
    with app.app_context():
        engine = db.engine
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE bench_ceiling (n integer)")
        connection.commit()
        raw = connection.connection.dbapi_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        sqlite = engine.dialect.name == "sqlite"
        insert = (
            "INSERT INTO bench_ceiling VALUES (?)"
            if sqlite
            else "INSERT INTO bench_ceiling VALUES (%s)"
        )
        started = time.perf_counter()
        for number in range(count):
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(insert, (number,))
            raw.commit() if not sqlite else cursor.execute("COMMIT")  # type: ignore[union-attr]
        return count / (time.perf_counter() - started)


def measure(backend: str, count: int, writers: int) -> dict[str, object]:
    with scratch_database(backend) as url, bench_app(url) as app:
        append_many(app, 20)  # warm up
        raw_ceiling = ceiling(app, count // 2)
        started = time.perf_counter()
        append_many(app, count)
        single = time.perf_counter() - started
        started = time.perf_counter()
        append_many(app, count, per_commit=10)
        batched = time.perf_counter() - started

        each = count // writers
        threads = [
            threading.Thread(target=append_many, args=(app, each, n)) for n in range(writers)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        concurrent = time.perf_counter() - started

        with app.app_context():
            result = verify_log(db.session.connection())
            settings = {}
            if backend == "postgresql":
                for name in ("synchronous_commit", "fsync", "wal_sync_method"):
                    settings[name] = db.session.execute(text(f"SHOW {name}")).scalar()
            else:
                settings["synchronous"] = db.session.execute(text("PRAGMA synchronous")).scalar()
                settings["journal_mode"] = db.session.execute(text("PRAGMA journal_mode")).scalar()
            db.session.rollback()
        assert result.ok, result
        assert result.count == 20 + 2 * count + each * writers
    return {
        "ceiling_raw_commits_per_second": round(raw_ceiling),
        "appends_single_writer": count,
        "per_second_single_writer": round(count / single),
        "per_second_ten_per_commit": round(count / batched),
        "writers": writers,
        "per_second_concurrent": round(each * writers / concurrent),
        "chain_verified_events": result.count,
        "settings": settings,
    }


def main() -> None:
    appends = int(os.environ.get("ZORGTAFEL_BENCH_APPENDS", "3000"))
    writers = 4
    backends = ["sqlite", *(["postgresql"] if PG_URL else [])]
    summary: dict[str, object] = {"goal": "per_second_single_writer >= 1000"}
    for backend in backends:
        summary[backend] = measure(backend, appends, writers)
        summary[backend]["goal_met"] = summary[backend]["per_second_single_writer"] >= 1000  # type: ignore[index,operator]
    if not PG_URL:
        summary["postgresql"] = "skipped: set ZORGTAFEL_BENCH_DATABASE_URL"
    print(write_result("audit_appends", summary).read_text())


if __name__ == "__main__":
    main()
