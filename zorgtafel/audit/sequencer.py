"""Putting events on the chain: inline in the disclosing transaction, or queued and sequenced.

Every event is written in the transaction of the read it records: no event, no read. Where
it gets its place on the chain (``seq``, ``prev_hash``, ``hash``) depends on the database:

- **inline** (SQLite): a write transaction already holds the database's only write lock, so
  the event is chained at once, under that lock, at no extra cost.
- **queued**: chaining inside the disclosing transaction holds the head row's lock until
  that transaction commits; if every disclosing request of every worker waited for that
  lock, the log could take no more appends per second than the disk takes commits. A
  queued event goes into ``audit_queue`` instead (rows that only a sequencer deletes), the
  transaction commits without any shared lock, so the database flushes concurrent commits
  together, and a sequencer then chains what is queued, oldest first, in batches: many
  events under one lock and one commit (Trillian's queue, then sequence). Every queued
  event is chained within moments; one left behind by a process that died is chained by
  the next sequencer to run, or by ``zorgtafel audit seal``.
- **adaptive** (PostgreSQL): inline when the head is free, queued when another transaction
  holds it. The disclosing transaction tries the head's lock without waiting (``SKIP
  LOCKED``): got it, it chains at once and keeps the lock to its commit; the usual case of
  a few workers, and half the work of queueing (no second write, no read back, no
  delete). Held by another, it queues for the rest of the transaction and never waits:
  under a crowd of concurrent writers most events are queued and chained in batches
  (the variants measured and not kept are in bench/README.md).

A queued event is not yet protected by the chain. That is no weaker than the chain's tail:
events after the last signed checkpoint can be rewritten and re-hashed by anyone who can
write to the database, queued or not; checkpoints are what protect history.
"""

from __future__ import annotations

import atexit
import logging
import operator
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import (
    Connection,
    Dialect,
    Engine,
    Table,
    bindparam,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session, SessionTransaction

from zorgtafel.audit.chain import FIELDS, event_hash
from zorgtafel.audit.models import AuditEvent, AuditHead, QueuedEvent
from zorgtafel.core.db import begin_write

log = logging.getLogger(__name__)

#: queued events chained per sequencing transaction
BATCH = 1000

_EVENTS = AuditEvent.__table__
_QUEUE = QueuedEvent.__table__
_HEAD = AuditHead.__table__
#: the columns an event is written with (all but the chain's own and the queue's id)
EVENT_COLUMNS = tuple(column.name for column in _QUEUE.columns if column.name != "id")
#: built once: they are on every disclosure's path
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
#: the head, unless another sequencer holds it (PostgreSQL; SQLite's writers wait at BEGIN)
_TRY_LOCK_HEAD = _LOCK_HEAD.with_for_update(skip_locked=True)


class _DriverInsert:
    """An INSERT of many rows handed to the driver as tuples, values converted by the columns'
    own types: a page's twenty events are written without building twenty parameter sets
    through the statement compiler (the hottest write of the app).
    """

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self._table = table
        self._columns = tuple(columns)
        self._by_dialect: dict[str, tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...]]] = {}

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        sql, converted = self._prepared(connection.dialect)
        values = operator.itemgetter(*self._columns)
        parameters = []
        for row in rows:
            tuple_ = values(row)
            if converted:
                listed = list(tuple_)
                for position, process in converted:
                    listed[position] = process(listed[position])
                tuple_ = tuple(listed)
            parameters.append(tuple_)
        connection.exec_driver_sql(sql, parameters)

    def _prepared(
        self, dialect: Dialect
    ) -> tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...]]:
        """The statement in the driver's parameter style, and (position, converter) for each
        column whose type converts values (on SQLite: the timestamp)."""
        if dialect.name not in self._by_dialect:
            marker = "?" if dialect.paramstyle == "qmark" else "%s"
            quote = dialect.identifier_preparer.quote
            names = ", ".join(quote(name) for name in self._columns)
            marks = ", ".join(marker for _ in self._columns)
            sql = f"INSERT INTO {quote(self._table.name)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the table
            processors = (
                self._table.c[name].type.bind_processor(dialect) for name in self._columns
            )
            converted = tuple((n, p) for n, p in enumerate(processors) if p is not None)
            self._by_dialect[dialect.name] = (sql, converted)
        return self._by_dialect[dialect.name]


_INSERT_CHAINED = _DriverInsert(_EVENTS, (*EVENT_COLUMNS, "seq", "prev_hash", "hash"))
_INSERT_QUEUED = _DriverInsert(_QUEUE, EVENT_COLUMNS)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)
#: the oldest queued events, taken off the queue in one statement (the caller holds the
#: head, so no other sequencer takes them meanwhile; DELETE ... RETURNING returns them in no
#: particular order)
_TAKE_OLDEST = (
    delete(_QUEUE)
    .where(
        _QUEUE.c.id.in_(
            select(_QUEUE.c.id).order_by(_QUEUE.c.id).limit(bindparam("batch")).scalar_subquery()
        )
    )
    .returning(_QUEUE.c.id, *(_QUEUE.c[name] for name in EVENT_COLUMNS))
)
_ANY_QUEUED = select(_QUEUE.c.id).limit(1)
_FIRST = operator.itemgetter(0)
_SESSION_KEY = "zorgtafel.audit.sequencer"


def chain(connection: Connection, events: Iterable[Mapping[str, Any]]) -> int:
    """Chain ``events`` (column values without seq and hashes) in the caller's transaction,
    under the head row's lock; returns the new head's sequence number."""
    seq, prev_hash = connection.execute(_LOCK_HEAD).one()
    return _chain_after(connection, seq, prev_hash, events)


def _chain_after(
    connection: Connection, seq: int, prev_hash: str, events: Iterable[Mapping[str, Any]]
) -> int:
    rows = []
    for values in events:
        seq += 1
        row = {**values, "seq": seq, "prev_hash": prev_hash}
        row["hash"] = prev_hash = event_hash([row[name] for name in FIELDS])
        rows.append(row)
    if rows:
        _INSERT_CHAINED.execute(connection, rows)
        connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev_hash})
    return seq


def enqueue(connection: Connection, events: Sequence[Mapping[str, Any]]) -> None:
    """Write ``events`` to the queue in the caller's transaction (one statement)."""
    _INSERT_QUEUED.execute(connection, events)


def sequence_batch(connection: Connection, batch: int = BATCH) -> int:
    """Chain up to ``batch`` queued events, oldest first, in the caller's transaction.

    The head is locked first: a second sequencer waits there, and its next statement then
    sees what the first one took off the queue. Returns how many were chained.
    """
    seq, prev_hash = connection.execute(_LOCK_HEAD).one()
    return _sequence_after(connection, seq, prev_hash, batch)


def _sequence_after(connection: Connection, seq: int, prev_hash: str, batch: int) -> int:
    taken = sorted(connection.execute(_TAKE_OLDEST, {"batch": batch}).all(), key=_FIRST)
    events = (dict(zip(EVENT_COLUMNS, row[1:], strict=True)) for row in taken)
    _chain_after(connection, seq, prev_hash, events)
    return len(taken)


def sequence_all(connection: Connection, batch: int = BATCH) -> int:
    """Chain everything queued, in the caller's transaction."""
    total = 0
    while moved := sequence_batch(connection, batch):
        total += moved
        if moved < batch:
            break
    return total


def drain(engine: Engine, batch: int = BATCH) -> int:
    """Chain everything queued, one transaction per batch, waiting for the head if another
    sequencer holds it; returns how many were chained."""
    return _drain(engine, batch, _LOCK_HEAD)


#: what :func:`try_drain` returns when it found the head held before chaining anything
GAVE_WAY = -1


def try_drain(engine: Engine, batch: int = BATCH) -> int:
    """Like :func:`drain`, but give way when another transaction holds the head: returns
    :data:`GAVE_WAY` if it chained nothing because of that.

    A sequencer holding the head looks at the queue again after releasing it, and sequences
    on if anything is there; a disclosing transaction chaining inline (adaptive) does not,
    so a background sequencer that gave way tries again itself.
    """
    return _drain(engine, batch, _TRY_LOCK_HEAD)


def _drain(engine: Engine, batch: int, lock_head: Any) -> int:
    total = 0
    with engine.connect() as connection:  # one connection: one pool check-out, one ping
        while True:
            with connection.begin():
                head = connection.execute(lock_head).first()
                if head is None:
                    return total or GAVE_WAY  # the head's holder has it
                moved = _sequence_after(connection, head.seq, head.hash, batch)
            total += moved
            if moved == batch:
                continue
            # commits that landed while we held the head may have given way to us: look again
            with connection.begin():
                if connection.execute(_ANY_QUEUED).first() is None:
                    return total


def pending(connection: Connection) -> int:
    """How many events wait in the queue."""
    return int(connection.execute(select(func.count()).select_from(_QUEUE)).scalar_one())


class Sequencer(Protocol):
    """Chains queued events after the transaction that queued them has committed."""

    def committed(self) -> None:
        """A transaction that queued events has just committed."""

    def flush(self) -> int:
        """Chain everything queued now; returns how many were chained."""

    def close(self) -> None:
        """Chain what is left and stop (the app or process is going away)."""


class BackgroundSequencer:
    """A thread per process that chains the queue soon after each commit that filled it.

    Commits only wake it, so a request never waits for sequencing; what several requests
    queued in the meantime is chained in one transaction. The thread starts on the first
    wake in a process (so a forking server's workers each get their own), ends after a
    few idle seconds, and whatever is still queued when the process exits is chained then.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        batch: int = BATCH,
        linger_seconds: float = 0.02,
        idle_seconds: float = 5.0,
    ) -> None:
        self._engine = engine
        self._batch = batch
        self._linger_seconds = linger_seconds
        self._idle_seconds = idle_seconds
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False
        #: this process queued something (only then is there anything to chain at exit)
        self._used = False
        #: the process whose queue this sequencer has looked at (see ``_sweep_once``)
        self.swept_pid = 0
        _LIVE.add(self)

    def committed(self) -> None:
        self._wake.set()
        self.swept_pid = os.getpid()
        with self._lock:
            self._used = True
            running = self._thread is not None and self._pid == os.getpid()
            if not running and not self._closed:
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="zorgtafel-audit-sequencer", daemon=True
                )
                self._thread.start()

    def flush(self) -> int:
        return drain(self._engine, self._batch)

    def close(self) -> None:
        """Stop the thread and chain what is left (at exit, or when the engine goes away)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread, self._thread = self._thread, None
        self._wake.set()
        if thread is not None and self._pid == os.getpid():
            thread.join(timeout=10)
        if self._used:
            self._drain_logged()

    def _run(self) -> None:
        idle_since = time.monotonic()
        while not self._closed:
            if self._wake.wait(timeout=min(1.0, self._idle_seconds)):
                # let the commits of a busy moment gather: one sequencing transaction for all
                time.sleep(self._linger_seconds)
                if self._closed:
                    return  # close() chains what is left
                self._wake.clear()
                if self._try_drain_logged() is GAVE_WAY:
                    # the head's holder may be a disclosing transaction (adaptive), which
                    # does not look at the queue after its commit: try again shortly
                    self._wake.set()
                idle_since = time.monotonic()
                continue
            with self._lock:
                # end only if nobody woke us since the wait returned; the next wake restarts
                if time.monotonic() - idle_since >= self._idle_seconds and not self._wake.is_set():
                    self._thread = None
                    return

    def _drain_logged(self) -> None:
        try:
            drain(self._engine, self._batch)
        except Exception as exc:  # the queue keeps the events: log, go on, retry at the next wake
            _log_failure(exc)

    def _try_drain_logged(self) -> int | None:
        try:
            return try_drain(self._engine, self._batch)
        except Exception as exc:  # as above
            _log_failure(exc)
            return None


def _log_failure(exc: Exception) -> None:
    # the type only: a driver's message may quote parameters
    log.error("audit: sequencing failed (%s); events stay queued", type(exc).__name__)


class ImmediateSequencer:
    """Chains right after each commit, on one connection, inside its owner's transaction.

    For a session bound to a connection whose transaction someone else ends (the test
    suite's rolled-back transaction, or a command that wants its events chained before it
    returns).
    """

    def __init__(self, connection: Connection, *, batch: int = BATCH) -> None:
        self._connection = connection
        self._batch = batch

    def committed(self) -> None:
        self.flush()

    def flush(self) -> int:
        return sequence_all(self._connection, self._batch)

    def close(self) -> None:
        self.flush()


#: the app extension holding its :class:`AuditLog`
EXTENSION = "zorgtafel.audit"
MODES = ("auto", "inline", "queued", "adaptive")


@dataclass
class AuditLog:
    """How one app puts events on the chain."""

    #: ``inline``, ``queued`` or ``adaptive`` (see the module's docstring)
    mode: str
    sequencer: Sequencer


def init_app(app: Flask, mode: str, engine: Engine) -> None:
    """``mode``: ``inline``, ``queued``, ``adaptive``, or ``auto`` (adaptive on PostgreSQL,
    inline on SQLite, whose single writer always holds the head)."""
    if mode not in MODES:
        raise ValueError(f"audit sequencing mode {mode!r}")
    if mode == "auto":
        mode = "adaptive" if engine.dialect.name == "postgresql" else "inline"
    app.extensions[EXTENSION] = AuditLog(mode, BackgroundSequencer(engine))
    install()


def audit_log(app: Flask | None = None) -> AuditLog:
    return (app or current_app).extensions[EXTENSION]


#: session.info: this transaction holds the head (True) or has queued (False); adaptive mode
_HOLDS_HEAD = "zorgtafel.audit.holds_head"


def write(session: Session, events: Sequence[Mapping[str, Any]]) -> None:
    """Write ``events`` in ``session``'s transaction: chained now, or queued for after commit."""
    target = audit_log()
    begin_write(session)  # a page request that logs takes the write lock first (SQLite)
    connection = session.connection()
    if target.mode == "inline":
        chain(connection, events)
        return
    if target.mode == "adaptive":
        holds = session.info.get(_HOLDS_HEAD)
        if holds is None:  # the transaction's first events: try the head, never wait
            head = connection.execute(_TRY_LOCK_HEAD).first()
            session.info[_HOLDS_HEAD] = head is not None
            if head is not None:
                _chain_after(connection, head.seq, head.hash, events)
                _sweep_once(session, target.sequencer)
                return
        elif holds:
            chain(connection, events)
            return
    enqueue(connection, events)
    session.info[_SESSION_KEY] = target.sequencer


def _sweep_once(session: Session, sequencer: Sequencer) -> None:
    """A process's first transaction that chains inline (adaptive) wakes its sequencer after
    the commit too, once: events that a process killed before its sequencer ran (kill -9, a
    power cut) left in the queue are then chained by the processes that replace it. Without
    this they waited until one of those happened to queue an event itself: never, while the
    head is free, as on a quiet server after a restart."""
    if isinstance(sequencer, BackgroundSequencer) and sequencer.swept_pid != os.getpid():
        session.info[_SESSION_KEY] = sequencer


def _after_commit(session: Session) -> None:
    sequencer = session.info.pop(_SESSION_KEY, None)
    if sequencer is not None:
        sequencer.committed()


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the head's lock ends with the outermost transaction
        session.info.pop(_HOLDS_HEAD, None)


def install() -> None:
    """Wake the sequencer after every commit that queued events; forget at each transaction's
    end whether it held the head (idempotent)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
    if not event.contains(Session, "after_transaction_end", _after_transaction_end):
        event.listen(Session, "after_transaction_end", _after_transaction_end)


_LIVE: weakref.WeakSet[BackgroundSequencer] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for sequencer in list(_LIVE):
        sequencer.close()
