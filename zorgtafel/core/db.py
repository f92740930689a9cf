"""The database: typed declarative base, one engine per app, one session per app context.

The request pipeline commits once per request (see ``zorgtafel.core.pipeline``); controllers and
operations only ``add`` and ``flush``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from zorgtafel.core import sqlite

# what a transaction that writes must do first on SQLite (a no-op on PostgreSQL)
from zorgtafel.core.sqlite import ReaderWrites as ReaderWrites
from zorgtafel.core.sqlite import begin_write as begin_write

#: execution option for work that only reads (e.g. ``audit verify``): on SQLite its transaction
#: begins DEFERRED instead of IMMEDIATE, so it never waits for or blocks the writers (page
#: requests begin that way too, see ``begin_write``)
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


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings we rely on (for SQLite: see ``zorgtafel.core.sqlite``)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args=sqlite.CONNECT_ARGS, **kwargs)
        sqlite.configure(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


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


#: ids bound into one ``IN (...)``: PostgreSQL's protocol allows 65,535 parameters a statement,
#: SQLite 32,766 by default (this machine's build 250,000); a region's due list can be longer
IN_CHUNK = 10_000


def chunks(ids: Iterable[int], size: int | None = None) -> Iterator[list[int]]:
    """``ids`` in lists short enough for one ``IN (...)`` each."""
    size = size or IN_CHUNK
    batch: list[int] = []
    for value in ids:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
