"""The login throttle's shared store: Flask-Limiter's counts in a database, so the limits hold
whatever the number of app processes (``memory://`` is per process: with two gunicorn workers
each account had 10 password guesses a minute instead of 5).

``ratelimit.storage_uri = "zorgtafel+sql://"`` (the default) keeps them beside the app's data:
on PostgreSQL in its tables ``rate_limit_entries`` and ``rate_limit_counters`` (migration 0008),
on SQLite in the same tables in a file of their own beside the database file
(``<name>-throttle.sqlite``): the request's own transaction holds SQLite's one write lock, and
a count must be written even when the request fails (a failed login is what is counted).
Any other ``limits`` URI (e.g. ``redis://...`` for several hosts) is used as it is.

Flask-Limiter keeps one storage for its (module-global) limiter; this one finds its database
through the current app, so every app of a process counts in its own database.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    String,
    create_engine,
    delete,
    func,
    insert,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.core.db import Base

SCHEME = "zorgtafel+sql"
_ENGINE = "zorgtafel.throttle_engine"


class RateLimitEntry(Base):
    """One counted attempt (moving window): its key and when, in Unix seconds."""

    __tablename__ = "rate_limit_entries"
    __table_args__ = (
        Index("ix_rate_limit_entries_key_at", "key", "at"),
        Index("ix_rate_limit_entries_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Flask-Limiter's key: prefix, hashed account or address, endpoint, limit
    key: Mapped[str] = mapped_column(String(255))
    at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)


class RateLimitCounter(Base):
    """A fixed-window counter (for ``ratelimit`` strategies other than the moving window)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)


TABLES = [RateLimitEntry.__table__, RateLimitCounter.__table__]


def init_app(app: Flask, database_url: str) -> None:
    """Give the app its store's engine (for ``zorgtafel+sql://``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        app.extensions[_ENGINE] = app.extensions["zorgtafel.db"].engine
        return
    if not url.database or url.database == ":memory:":
        raise ValueError("ratelimit.storage_uri zorgtafel+sql:// needs a database file")
    path = Path(url.database)
    own = path.with_name(f"{path.stem}-throttle.sqlite")
    engine = create_engine(
        url.set(database=str(own)),
        connect_args={"timeout": 30, "check_same_thread": False},
        isolation_level="AUTOCOMMIT",  # transactions are ours: BEGIN IMMEDIATE, see _writing
    )
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    Base.metadata.create_all(engine, tables=TABLES)
    app.extensions[_ENGINE] = engine


def dispose(app: Flask) -> None:
    engine = app.extensions.get(_ENGINE)
    if engine is not None and engine is not app.extensions["zorgtafel.db"].engine:
        engine.dispose()


class SqlStorage(Storage, MovingWindowSupport):
    """``limits`` storage in the app's database (see the module docstring)."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - how limits registers a storage

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        return current_app.extensions[_ENGINE]

    @contextmanager
    def _writing(self, key: str | None = None) -> Iterator[Connection]:
        """One short transaction that has the key to itself until it commits."""
        with self.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the file's one writer
                try:
                    yield connection
                except BaseException:
                    connection.exec_driver_sql("ROLLBACK")
                    raise
                connection.exec_driver_sql("COMMIT")
                return
            with connection.begin():
                if key is not None:
                    digest = hashlib.sha256(key.encode()).digest()[:8]
                    lock = int.from_bytes(digest, "big", signed=True)
                    connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
                yield connection

    # moving window: the strategy zorgtafel uses

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        entries = RateLimitEntry.__table__
        with self._writing(key) as connection:
            connection.execute(delete(entries).where(entries.c.expires_at < now))
            counted = connection.scalar(
                select(func.count())
                .select_from(entries)
                .where(entries.c.key == key, entries.c.at > now - expiry)
            )
            if (counted or 0) + amount > limit:
                return False
            connection.execute(
                insert(entries), [{"key": key, "at": now, "expires_at": now + expiry}] * amount
            )
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        entries = RateLimitEntry.__table__
        with self.engine.connect() as connection:
            oldest, counted = connection.execute(
                select(func.min(entries.c.at), func.count()).where(
                    entries.c.key == key, entries.c.at > now - expiry
                )
            ).one()
        return (oldest if counted else now), int(counted)

    # fixed window

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        counters = RateLimitCounter.__table__
        with self._writing(key) as connection:
            row = connection.execute(
                select(counters.c.count, counters.c.expires_at).where(counters.c.key == key)
            ).one_or_none()
            if row is None or row.expires_at <= now:
                connection.execute(delete(counters).where(counters.c.key == key))
                connection.execute(
                    insert(counters).values(key=key, count=amount, expires_at=now + expiry)
                )
                return amount
            connection.execute(
                update(counters).where(counters.c.key == key).values(count=row.count + amount)
            )
            return int(row.count + amount)

    def _counter(self, key: str) -> tuple[int, float] | None:
        counters = RateLimitCounter.__table__
        with self.engine.connect() as connection:
            row = connection.execute(
                select(counters.c.count, counters.c.expires_at).where(counters.c.key == key)
            ).one_or_none()
        if row is None or row.expires_at <= time.time():
            return None
        return int(row.count), float(row.expires_at)

    def get(self, key: str) -> int:
        counter = self._counter(key)
        return counter[0] if counter else 0

    def get_expiry(self, key: str) -> float:
        counter = self._counter(key)
        return counter[1] if counter else time.time()

    # housekeeping

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(func.count()).select_from(RateLimitCounter.__table__))
        except SQLAlchemyError:
            return False
        return True

    def clear(self, key: str) -> None:
        with self._writing() as connection:
            for table, column in (
                (RateLimitEntry.__table__, RateLimitEntry.__table__.c.key),
                (RateLimitCounter.__table__, RateLimitCounter.__table__.c.key),
            ):
                connection.execute(delete(table).where(column == key))

    def reset(self) -> int | None:
        with self._writing() as connection:
            removed = 0
            for table in TABLES:
                removed += connection.execute(delete(table)).rowcount or 0
        return removed
