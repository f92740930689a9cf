"""SQLite as the app uses it: WAL, durable commits, and one writer at a time, handed on at once.

SQLite lets one transaction write at a time, and refuses (instead of waiting) to turn a read
snapshot that another writer has since moved past into a write. So:

- A transaction that will write takes the write lock when it begins (``BEGIN IMMEDIATE``).
- A page request (GET) begins as a reader: pages that only read run side by side. What such
  a request writes (its audit events, a session touch) must first take the lock with
  :func:`begin_write`, which begins the transaction again as a writer if it has not written
  yet; a write without it is refused at once (:class:`ReaderWrites`), so a forgotten call
  shows in every test run instead of under load.
- The app's writers queue for the lock on a file lock (``flock``) beside the database: the
  kernel wakes the next writer the moment the last one commits, where SQLite's own busy
  handler polls after 1, 2, 5, 10 ... ms and leaves the lock idle in between. The busy
  timeout still covers writers from outside the app (the ``sqlite3`` shell).
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=FULL",
    "foreign_keys=ON",
    "busy_timeout=30000",
    # overwrite freed pages, so a destroyed data key does not linger in the file
    "secure_delete=ON",
)
#: per connection: whether its transaction holds the write lock (a ``_WriteState``)
_WRITE_STATE = "zorgtafel.sqlite_write_state"
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class ReaderWrites(RuntimeError):
    """A page request's reading transaction tried to write (see :func:`begin_write`)."""


@dataclass
class _WriteState:
    locked: bool
    #: the connection's ``total_changes`` at BEGIN: if it moved, the transaction has written
    changes_at_begin: int


class _WriterLock:
    """The file lock a connection holds from ``BEGIN IMMEDIATE`` until its commit or rollback."""

    _held_in_thread = threading.local()

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self.held = False

    def acquire(self) -> None:
        if self.held:
            return
        held = self._paths_held_here()
        if self.path in held:
            # another connection of this thread holds it: waiting would never end
            raise RuntimeError("this thread already writes to the database on another connection")
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self.held = True
        held.add(self.path)

    def release(self) -> None:
        if self.held:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self.held = False
            self._paths_held_here().discard(self.path)

    def close(self) -> None:
        self.release()
        os.close(self._fd)

    @classmethod
    def _paths_held_here(cls) -> set[str]:
        if not hasattr(cls._held_in_thread, "paths"):
            cls._held_in_thread.paths = set()
        return cls._held_in_thread.paths


class _Connection(sqlite3.Connection):
    """A pysqlite connection that lets go of the writer lock as soon as it commits or rolls back."""

    writer_lock: _WriterLock | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.writer_lock is not None:
                self.writer_lock.close()
                self.writer_lock = None

    def take_writer_lock(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.acquire()

    def _release(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.release()


#: what SQLAlchemy passes to ``sqlite3.connect``
CONNECT_ARGS = {"timeout": 30, "factory": _Connection}


def configure(engine: Engine) -> None:
    """Pragmas on every new connection; readers, writers and the writer lock per transaction."""
    database = engine.url.database
    lock_path = f"{database}-writer.lock" if database and database != ":memory:" else None

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: _Connection, _record: Any) -> None:
        # let SQLAlchemy, not pysqlite, decide when transactions begin (needed for SAVEPOINT)
        dbapi_connection.isolation_level = None
        for pragma in PRAGMAS:
            dbapi_connection.execute(f"PRAGMA {pragma}")
        if lock_path is not None:
            dbapi_connection.writer_lock = _WriterLock(lock_path)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        writer = not options.get("zorgtafel_read_only") and not reading_request()
        raw = _raw(connection)
        if writer:
            raw.take_writer_lock()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")
        except BaseException:
            raw._release()
            raise
        connection.info[_WRITE_STATE] = _WriteState(writer, raw.total_changes)

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        state = connection.info.get(_WRITE_STATE)
        unlocked = state is not None and not state.locked
        if unlocked and _WRITES.match(statement) and reading_request():
            raise ReaderWrites("a page request wrote without begin_write() first")


def reading_request() -> bool:
    """This is a page request (GET, HEAD, OPTIONS): its transaction begins as a reader."""
    return has_request_context() and request.method in SAFE_METHODS


def begin_write(session: Session) -> None:
    """Hold the write lock from here to the commit; call it before the reads a write depends on.

    A page request's transaction that has not written yet is begun again, now as a writer, so
    what it reads from here on and what it writes are one snapshot. (If it has written,
    SQLite gave it the lock then.) Nothing to do on PostgreSQL, which locks rows.
    """
    connection = session.connection()
    state = connection.info.get(_WRITE_STATE)
    if state is None or state.locked:
        return
    raw = _raw(connection)
    if raw.total_changes == state.changes_at_begin and not connection.in_nested_transaction():
        connection.exec_driver_sql("ROLLBACK")
        raw.take_writer_lock()
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    state.locked = True


def _raw(connection: Connection) -> _Connection:
    return connection.connection.driver_connection  # type: ignore[return-value]
