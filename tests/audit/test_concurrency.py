"""50 concurrent appends give one linear chain: threads on SQLite, processes on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from privacy_support import build_app, dispose, in_app, make_instance, own_app
from sqlalchemy import text

from zorgtafel.audit.log import verify_log
from zorgtafel.audit.models import AuditAction
from zorgtafel.audit.operations import Actor, record

WRITERS = 50


def append_one(url: str, instance: str, barrier: object, number: int) -> None:
    """One writer: its own app, engine and transaction; starts when all writers are ready."""
    app = build_app(url, Path(instance))
    with app.app_context():
        from zorgtafel.core.db import db

        db.session.connection()  # connect before the barrier, append after it
        db.session.rollback()
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        record(
            AuditAction.read,
            actor=Actor(number, "politie", "partner"),
            object_type="case",
            object_id=f"ZT-2026-{number:04d}",
            purpose="case_conference",
        )
        db.session.commit()
    dispose(app)


def test_concurrent_appends_make_one_chain(backend: str, own_database: str, tmp_path: Path) -> None:
    instance = make_instance(tmp_path / "instance")
    dispose(own_app(own_database, instance))
    if backend == "sqlite":
        barrier = threading.Barrier(WRITERS)
        workers = [
            threading.Thread(target=append_one, args=(own_database, str(instance), barrier, n))
            for n in range(WRITERS)
        ]
    else:
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(WRITERS)
        workers = [
            context.Process(target=append_one, args=(own_database, str(instance), barrier, n))
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
