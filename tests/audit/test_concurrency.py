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
    """One writer process: its own app, engine and transaction."""
    append_with(build_app(url, Path(instance)), barrier, number)


def append_with(app, barrier: object, number: int) -> None:  # type: ignore[no-untyped-def]
    """One writer: the app's own engine and transaction; appends when all writers are ready."""
    with app.app_context():
        from zorgtafel.core.db import db

        db.session.connection()  # connect before the barrier, append after it
        db.session.rollback()
        barrier.wait(timeout=120)  # type: ignore[attr-defined]
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
        # apps are built first: fifty create_app calls racing under the GIL could outlast the
        # barrier on a loaded machine, and the race to test is the appends, not the start-up
        apps = [build_app(own_database, instance) for _ in range(WRITERS)]
        workers = [
            threading.Thread(target=append_with, args=(apps[n], barrier, n)) for n in range(WRITERS)
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
