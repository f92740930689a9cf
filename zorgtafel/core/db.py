"""The database: typed declarative base, one engine per app, one session per app context.

The request pipeline commits once per request (see ``zorgtafel.core.pipeline``); controllers and
operations only ``add`` and ``flush``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

#: execution option for work that only reads (e.g. ``audit verify``): on SQLite its transaction
#: begins DEFERRED instead of IMMEDIATE, so it never waits for or blocks the writers
READ_ONLY = {"zorgtafel_read_only": True}

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use zorgtafel.core.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas we rely on: WAL, foreign keys and durable commits on SQLite."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy, not pysqlite, decide when transactions begin (needed for SAVEPOINT)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            # overwrite freed pages, so a destroyed data key does not linger in the file
            "secure_delete=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Nearly every transaction here writes (audit events, sessions). Taking the write lock
        # at BEGIN means a transaction never has to upgrade a stale read snapshot to a write
        # lock, which SQLite refuses with SQLITE_BUSY instead of waiting; it also serialises
        # audit appends so the hash chain cannot fork.
        read_only = connection.get_execution_options().get("zorgtafel_read_only")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """Holds the engine and session factory of each app; ``db.session`` is the context's session."""

    def init_app(self, app: Flask, url: str) -> None:
        engine = make_engine(url)
        app.extensions["zorgtafel.db"] = _AppDatabase(engine)
        app.teardown_appcontext(self._remove)

    @property
    def state(self) -> _AppDatabase:
        return current_app.extensions["zorgtafel.db"]

    @property
    def engine(self) -> Engine:
        return self.state.engine

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.state.sessionmaker()
        return g.db_session

    def _remove(self, _exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


class _AppDatabase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessionmaker = sessionmaker(engine, expire_on_commit=False)


db = Database()
