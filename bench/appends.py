"""Durable audit appends per second, counted until every event is on the verified chain.

SQLite runs with WAL and ``synchronous=FULL`` (every commit fsynced); PostgreSQL with its
defaults (``synchronous_commit=on``, ``fsync=on`` unless the server says otherwise). Each
backend uses the app's own way of chaining (``audit.sequencing = "auto"``: inline on SQLite;
adaptive on PostgreSQL: inline while the head is free, else queued and sequenced after
commit). Measured, in the same run:

- the storage's ceiling: raw one-row commits through the driver, same settings;
- one writer, one event per committed transaction, in a loop;
- one writer, ten events per transaction (a content view logs one per category);
- ``WRITERS`` writer processes at once (as gunicorn's workers), each with its own app,
  engine and sequencer, one event per transaction.

A run's clock stops when the last event is on the chain (queued events included: each
writer chains what is left before it stops), and the chain is verified afterwards.

Goal: >= 1,000 durable appends per second.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from bench.common import (
    PG_URL,
    bench_app,
    instance_dir,
    scratch_database,
    settings_for,
    write_result,
)
from zorgtafel import create_app
from zorgtafel.audit.log import verify_log
from zorgtafel.audit.operations import Actor, event, record_all
from zorgtafel.audit.sequencer import audit_log, pending
from zorgtafel.audit.vocabulary import AuditAction, Basis, Level, ObjectType, Purpose
from zorgtafel.core.db import db

WRITERS = 8
GOAL = 1000


def append_many(app: Flask, count: int, writer: int = 0, per_commit: int = 1) -> None:
    """``count`` events, ``per_commit`` to a transaction, then chain what is still queued."""
    with app.app_context():
        for first in range(0, count, per_commit):
            record_all(
                [
                    event(
                        AuditAction.read,
                        actor=Actor(writer, "politie", "partner"),
                        object_type=ObjectType.case,
                        object_id=f"ZT-2026-{number % 9973:04d}",
                        level=Level.content,
                        categories=("signalen",),
                        purpose=Purpose.case_conference,
                        reason=Basis.invited,
                    )
                    for number in range(first, min(first + per_commit, count))
                ]
            )
            db.session.commit()
    audit_log(app).sequencer.flush()


def ceiling(app: Flask, count: int) -> float:
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


def _writer_process(url: str, instance: str, count: int, number: int, ready: object) -> None:
    app = create_app(settings_for(url, Path(instance)))
    with app.app_context():
        db.session.connection()  # connected before the start signal
        db.session.rollback()
    ready.wait(timeout=120)  # type: ignore[attr-defined]
    append_many(app, count, writer=number)
    audit_log(app).sequencer.close()
    app.extensions["zorgtafel.db"].engine.dispose()


def concurrent(url: str, instance: Path, count: int, writers: int) -> float:
    """``writers`` processes appending ``count`` events between them; events per second."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(writers + 1)
    each = count // writers
    processes = [
        context.Process(target=_writer_process, args=(url, str(instance), each, n, ready))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=120)
    started = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    if any(process.exitcode for process in processes):
        raise RuntimeError("a writer process failed")
    return each * writers / elapsed


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
        per_second_concurrent = concurrent(url, instance_dir(app), count, writers)

        with app.app_context():
            connection = db.session.connection()
            result = verify_log(connection)
            left = pending(connection)
            settings = _settings(backend)
            db.session.rollback()
        assert result.ok, result
        assert left == 0, f"{left} events still queued"
        assert result.count == 20 + 2 * count + (count // writers) * writers
        mode = audit_log(app).mode
    return {
        "sequencing": mode,
        "ceiling_raw_commits_per_second": round(raw_ceiling),
        "appends_per_run": count,
        "per_second_single_writer": round(count / single),
        "per_second_ten_per_commit": round(count / batched),
        "writers": writers,
        "per_second_concurrent": round(per_second_concurrent),
        "chain_verified_events": result.count,
        "settings": settings,
    }


def _settings(backend: str) -> dict[str, object]:
    if backend == "postgresql":
        return {
            name: db.session.execute(text(f"SHOW {name}")).scalar()
            for name in ("synchronous_commit", "fsync", "wal_sync_method")
        }
    return {
        "synchronous": db.session.execute(text("PRAGMA synchronous")).scalar(),
        "journal_mode": db.session.execute(text("PRAGMA journal_mode")).scalar(),
    }


def main() -> None:
    appends = int(os.environ.get("ZORGTAFEL_BENCH_APPENDS", "4000"))
    backends = ["sqlite", *(["postgresql"] if PG_URL else [])]
    summary: dict[str, object] = {
        "goal": f"durable appends per second >= {GOAL}, one event per transaction, "
        f"{WRITERS} writer processes (and one writer alone)",
    }
    for backend in backends:
        data = measure(backend, appends, WRITERS)
        data["goal_met_concurrent"] = data["per_second_concurrent"] >= GOAL  # type: ignore[operator]
        data["goal_met_single_writer"] = data["per_second_single_writer"] >= GOAL  # type: ignore[operator]
        summary[backend] = data
    if not PG_URL:
        summary["postgresql"] = "skipped: set ZORGTAFEL_BENCH_DATABASE_URL"
    print(write_result("audit_appends", summary).read_text())


if __name__ == "__main__":
    main()
