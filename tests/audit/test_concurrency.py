"""50 concurrent appends give one linear chain: threads on SQLite, processes on PostgreSQL.

Every way of chaining: inline (each transaction chains its own event under the head lock),
queued (each transaction queues its event, then every writer's sequencer races to chain the
queue), adaptive (inline for whoever finds the head free, queued for the others), and a queue
left behind by writers that died before sequencing.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.fixtures.app import build_app, dispose, in_app, make_instance, own_app
from zorgtafel.audit.log import verify_log
from zorgtafel.audit.operations import Actor, record
from zorgtafel.audit.sequencer import audit_log, pending, sequence_all
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose

WRITERS = 50


def append_one(url: str, instance: str, barrier: object, number: int, mode: str) -> None:
    """One writer process: its own app, engine and transaction."""
    append_with(writer_app(url, Path(instance), mode), barrier, number)


class DiesBeforeSequencing:
    """A writer process that is killed right after its commit, before it chains anything."""

    def committed(self) -> None:
        pass

    def flush(self) -> int:
        return 0

    def close(self) -> None:
        pass


def writer_app(url: str, instance: Path, mode: str):  # type: ignore[no-untyped-def]
    """``mode``: inline, queued, adaptive, or ``crash`` (queued; the writer dies before
    sequencing)."""
    app = build_app(url, instance, audit={"sequencing": "queued" if mode == "crash" else mode})
    if mode == "crash":
        audit_log(app).sequencer = DiesBeforeSequencing()
    return app


def append_with(app, barrier: object, number: int) -> None:  # type: ignore[no-untyped-def]
    """One writer: the app's own engine and transaction; appends when all writers are ready,
    then chains the queue (queued mode; several writers' sequencers race for the head)."""
    with app.app_context():
        from zorgtafel.core.db import db

        db.session.connection()  # connect before the barrier, append after it
        db.session.rollback()
        barrier.wait(timeout=120)  # type: ignore[attr-defined]
        record(
            AuditAction.read,
            actor=Actor(number, "politie", "partner"),
            object_type=ObjectType.case,
            object_id=f"ZT-2026-{number:04d}",
            purpose=Purpose.case_conference,
        )
        db.session.commit()
        audit_log(app).sequencer.flush()
    dispose(app)


@pytest.mark.parametrize("mode", ["inline", "queued", "adaptive", "crash"])
def test_concurrent_appends_make_one_chain(
    backend: str, own_database: str, tmp_path: Path, mode: str
) -> None:
    instance = make_instance(tmp_path / "instance")
    dispose(own_app(own_database, instance))
    if backend == "sqlite":
        barrier = threading.Barrier(WRITERS)
        # apps are built first: fifty create_app calls racing under the GIL could outlast the
        # barrier on a loaded machine, and the race to test is the appends, not the start-up
        apps = [writer_app(own_database, instance, mode) for _ in range(WRITERS)]
        workers = [
            threading.Thread(target=append_with, args=(apps[n], barrier, n)) for n in range(WRITERS)
        ]
    else:
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(WRITERS)
        workers = [
            context.Process(target=append_one, args=(own_database, str(instance), barrier, n, mode))
            for n in range(WRITERS)
        ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    if backend != "sqlite":
        assert [w.exitcode for w in workers] == [0] * WRITERS

    app = build_app(own_database, instance)
    with in_app(app) as session:
        left = pending(session.connection())
        if mode == "crash":
            assert left == WRITERS  # durable in the queue, waiting
            assert sequence_all(session.connection()) == WRITERS  # the next sequencer's work
        else:
            assert left == 0
    with in_app(app) as session:
        result = verify_log(session.connection())
        actors = (
            session.execute(text("SELECT actor_user_id FROM audit_events ORDER BY seq"))
            .scalars()
            .all()
        )
    dispose(app)
    assert result.ok, result.problem
    assert result.count == WRITERS  # one linear chain: no fork, no gap, nobody lost
    assert sorted(actors) == list(range(WRITERS))
