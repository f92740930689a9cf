"""Queued events (PostgreSQL's way under contention, tried here on both backends): written in the
transaction of the read they record, chained after its commit, oldest first, in batches, and
never lost; and the adaptive mode that chains inline when the head is free."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from tests.fixtures.app import build_app, dispose, in_app, make_instance
from zorgtafel.audit import sequencer
from zorgtafel.audit.log import head, verify_log
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.operations import CLI_ACTOR, event, record
from zorgtafel.audit.sequencer import (
    _LOCK_HEAD,
    GAVE_WAY,
    BackgroundSequencer,
    audit_log,
    enqueue,
    pending,
    sequence_all,
    sequence_batch,
    try_drain,
)
from zorgtafel.audit.vocabulary import AuditAction, ObjectType
from zorgtafel.cli import cli
from zorgtafel.migrate import upgrade


def in_mode(app: Flask, mode: str) -> Iterator[Flask]:
    """The shared app with sequencing ``mode`` for one test."""
    log = audit_log(app)
    before, log.mode = log.mode, mode
    yield app
    log.mode = before


@pytest.fixture
def queued(app: Flask) -> Iterator[Flask]:
    """The shared app, queueing every event (as on PostgreSQL under contention)."""
    yield from in_mode(app, "queued")


def read_event(number: int) -> dict[str, object]:
    return event(
        AuditAction.read,
        actor=CLI_ACTOR,
        object_type=ObjectType.case,
        object_id=f"ZT-2026-{number:04d}",
    )


def chained(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def last_ids(session: Session, count: int) -> list[str | None]:
    query = select(AuditEvent.object_id).order_by(AuditEvent.seq.desc()).limit(count)
    return list(reversed(session.scalars(query).all()))


def test_a_queued_event_is_chained_when_its_transaction_commits(queued: Flask) -> None:
    with in_app(queued) as session:
        before = chained(session.connection())
        record(
            AuditAction.read, actor=CLI_ACTOR, object_type=ObjectType.case, object_id="ZT-2026-0001"
        )
        assert pending(session.connection()) == 1  # written with the read, not yet chained
        assert chained(session.connection()) == before
    with in_app(queued) as session:
        assert pending(session.connection()) == 0
        assert chained(session.connection()) == before + 1
        assert last_ids(session, 1) == ["ZT-2026-0001"]
        assert verify_log(session.connection()).ok


def test_a_rolled_back_event_never_reaches_the_chain(queued: Flask) -> None:
    with in_app(queued) as session:
        before = head(session.connection()).size
        record(
            AuditAction.read, actor=CLI_ACTOR, object_type=ObjectType.case, object_id="ZT-2026-0002"
        )
        session.rollback()
    with in_app(queued) as session:
        assert pending(session.connection()) == 0
        assert head(session.connection()).size == before


def test_queued_events_are_chained_oldest_first_in_batches(app: Flask) -> None:
    with in_app(app) as session:
        connection = session.connection()
        before = head(connection).size
        enqueue(connection, [read_event(n) for n in range(5)])
        assert sequence_batch(connection, batch=2) == 2
        assert pending(connection) == 3
        assert head(connection).size == before + 2
        assert sequence_all(connection, batch=2) == 3
        assert pending(connection) == 0
        assert last_ids(session, 5) == [f"ZT-2026-{n:04d}" for n in range(5)]
        assert verify_log(connection).ok


def test_verify_reports_waiting_events_and_seal_chains_them(app: Flask) -> None:
    with in_app(app) as session:
        enqueue(session.connection(), [read_event(n) for n in range(3)])  # nobody woken
    runner = app.test_cli_runner()
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0
    assert "3 gebeurtenissen wachten in de wachtrij" in verified.output
    sealed = runner.invoke(cli, ["audit", "seal"])
    assert (sealed.exit_code, sealed.output) == (0, "3 gebeurtenissen opgenomen in de keten\n")
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0
    assert "wachten" not in verified.output


def wait_until(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it holds (a correctness check with a generous bound, not a
    speed test: the machine may be busy)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def adaptive(app: Flask) -> Iterator[Flask]:
    """The shared app in adaptive mode (PostgreSQL's default)."""
    yield from in_mode(app, "adaptive")


def test_adaptive_chains_inline_while_the_head_is_free(adaptive: Flask) -> None:
    with in_app(adaptive) as session:
        before = chained(session.connection())
        record(
            AuditAction.read, actor=CLI_ACTOR, object_type=ObjectType.case, object_id="ZT-2026-0011"
        )
        record(
            AuditAction.read, actor=CLI_ACTOR, object_type=ObjectType.case, object_id="ZT-2026-0012"
        )
        # on the chain within the transaction itself: nothing queued, nothing to sequence
        assert pending(session.connection()) == 0
        assert chained(session.connection()) == before + 2
    with in_app(adaptive) as session:
        assert last_ids(session, 2) == ["ZT-2026-0011", "ZT-2026-0012"]
        assert verify_log(session.connection()).ok


def make_background(url: str, instance: Path, mode: str) -> Flask:
    app = build_app(url, instance, audit={"sequencing": mode})
    with app.app_context():
        from zorgtafel.core.db import db

        upgrade(db.engine)
    engine = app.extensions["zorgtafel.db"].engine
    audit_log(app).sequencer = BackgroundSequencer(engine, idle_seconds=0.3)

    def view(number: int) -> str:
        record(AuditAction.read, object_type=ObjectType.case, object_id=f"ZT-2026-{number:04d}")
        return "ok"

    app.add_url_rule("/test/lees/<int:number>", view_func=view)
    return app


@pytest.fixture
def background(own_database: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own database whose requests queue events for a background sequencer."""
    app = make_background(own_database, make_instance(tmp_path / "instance"), "queued")
    yield app
    dispose(app)


def test_adaptive_queues_without_waiting_while_another_holds_the_head(
    backend: str, own_database: str, tmp_path: Path
) -> None:
    """A request whose head is held elsewhere (another worker's commit) neither waits nor
    fails: its event is queued, and its process's sequencer chains it once the head is free
    (the holder, a disclosing transaction, does not look at the queue)."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite a writer holds the whole database, head included")
    app = make_background(own_database, make_instance(tmp_path / "instance"), "adaptive")
    engine = app.extensions["zorgtafel.db"].engine
    client = app.test_client()
    try:
        assert client.get("/test/lees/1").status_code == 200  # head free: chained inline
        assert counts(app) == (1, 0)
        with engine.connect() as holder:
            holder.execute(_LOCK_HEAD)  # another worker's transaction, chaining inline
            started = time.monotonic()
            assert client.get("/test/lees/2").status_code == 200
            assert time.monotonic() - started < 5  # did not wait for the holder's commit
            assert counts(app) == (1, 1)  # durable in the queue
            time.sleep(0.2)  # its sequencer tries meanwhile, and gives way
            assert counts(app) == (1, 1)
            holder.rollback()
        assert wait_until(lambda: counts(app) == (2, 0))
        with in_app(app) as session:
            assert last_ids(session, 2) == ["ZT-2026-0001", "ZT-2026-0002"]
            assert verify_log(session.connection()).ok
    finally:
        dispose(app)


def test_what_a_killed_process_left_queued_is_chained_by_the_next_one(
    own_database: str, tmp_path: Path
) -> None:
    """Events queued by a process killed before its sequencer ran (kill -9 while another held
    the head) are chained after the first commit of a new process, even one that chains its
    own events inline (adaptive, head free) and so never queues: before, they waited for a
    process to queue something, or for ``audit seal``."""
    app = make_background(own_database, make_instance(tmp_path / "instance"), "adaptive")
    try:
        with in_app(app) as session:  # the dead process's: committed, no sequencer woken
            enqueue(session.connection(), [read_event(n) for n in range(1, 3)])
        assert counts(app) == (0, 2)
        assert app.test_client().get("/test/lees/3").status_code == 200  # chained inline
        assert wait_until(lambda: counts(app) == (3, 0))
        with in_app(app) as session:
            assert verify_log(session.connection()).ok
    finally:
        dispose(app)


def counts(app: Flask) -> tuple[int, int]:
    """(chained, queued), read in a transaction of its own."""
    with in_app(app) as session:
        connection = session.connection()
        return chained(connection), pending(connection)


def test_the_background_sequencer_chains_what_requests_queued(background: Flask) -> None:
    sequencer = audit_log(background).sequencer
    client = background.test_client()
    for number in range(3):
        assert client.get(f"/test/lees/{number}").status_code == 200
    assert wait_until(lambda: counts(background) == (3, 0))
    # idle, its thread ends; the next commit starts another, which chains that event too
    assert wait_until(lambda: sequencer._thread is None)  # type: ignore[attr-defined]
    assert client.get("/test/lees/3").status_code == 200
    assert wait_until(lambda: counts(background) == (4, 0))
    with in_app(background) as session:
        assert last_ids(session, 4) == [f"ZT-2026-{n:04d}" for n in range(4)]
        assert verify_log(session.connection()).ok


def test_what_is_still_queued_at_exit_is_chained(
    background: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    sequencer = audit_log(background).sequencer
    # the thread's drain ends with a second look at the queue: events queued before that look
    # are chained by it, so wait for the drain to have returned, not for the count to change
    drained = threading.Event()
    real = sequencer._try_drain_logged  # type: ignore[attr-defined]

    def try_drain_then_signal() -> int | None:
        try:
            return real()
        finally:
            drained.set()

    monkeypatch.setattr(sequencer, "_try_drain_logged", try_drain_then_signal)
    client = background.test_client()
    assert client.get("/test/lees/0").status_code == 200  # this process has queued before
    assert drained.wait(timeout=30)  # a correctness bound, not a speed test
    assert counts(background) == (1, 0)
    with in_app(background) as session:  # queued by a commit whose wake-up never came
        enqueue(session.connection(), [read_event(n) for n in range(1, 3)])
    assert counts(background) == (1, 2)
    sequencer.close()  # what the process does at exit
    assert counts(background) == (3, 0)


@pytest.fixture
def engine_with_queue(own_database: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of its own (real commits from several connections)."""
    app = build_app(own_database, make_instance(tmp_path / "instance"))
    engine = app.extensions["zorgtafel.db"].engine
    upgrade(engine)
    yield engine
    dispose(app)


def queue_committed(engine: Engine, *numbers: int) -> None:
    with engine.begin() as connection:
        enqueue(connection, [read_event(n) for n in numbers])


def test_a_sequencer_gives_way_to_one_holding_the_head(
    backend: str, engine_with_queue: Engine
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite sequencers wait for the database's write lock")
    engine = engine_with_queue
    queue_committed(engine, 1)
    with engine.connect() as holder:
        holder.execute(_LOCK_HEAD)  # another process's sequencer, mid-batch
        assert try_drain(engine) == GAVE_WAY  # at once, instead of queueing behind it
        holder.rollback()
    assert try_drain(engine) == 1


def test_events_committed_while_the_head_was_held_are_not_left_behind(
    backend: str, engine_with_queue: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sequencer that held the head looks again after releasing it: an event committed
    in the meantime, whose own sequencer gave way, is chained by it."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite nobody commits while a sequencer writes")
    engine = engine_with_queue
    queue_committed(engine, 1)
    real = sequencer._sequence_after
    arrivals = [2]

    def batch_while_another_commits(connection, seq, prev_hash, batch):  # type: ignore[no-untyped-def]
        moved = real(connection, seq, prev_hash, batch)
        if arrivals:  # committed by another process after this batch was read
            queue_committed(engine, arrivals.pop())
        return moved

    monkeypatch.setattr(sequencer, "_sequence_after", batch_while_another_commits)
    assert try_drain(engine) == 2
    with engine.connect() as connection:
        assert pending(connection) == 0
        assert verify_log(connection).count == 2
