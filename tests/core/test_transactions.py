"""SQLite's one write lock: page requests (GET) begin as readers and run beside a writer;
whatever a page request writes takes the lock first (``begin_write``), and a write without it
is refused in every run, not only when another writer happens to commit at that moment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from tests.fixtures.app import dispose, make_instance, own_app
from zorgtafel.core.db import ReaderWrites, begin_write, db


@pytest.fixture
def site(backend: str, own_database: str, tmp_path: Path) -> Iterator[Flask]:
    if backend != "sqlite":
        pytest.skip("SQLite only: PostgreSQL locks rows, not the database")
    app = own_app(own_database, make_instance(tmp_path / "instance"))
    with app.app_context():
        db.session.execute(text("CREATE TABLE visits (n INTEGER)"))
        db.session.commit()

    def read() -> str:
        return str(db.session.execute(text("SELECT count(*) FROM visits")).scalar())

    def write_after_begin_write() -> str:
        count = db.session.execute(text("SELECT count(*) FROM visits")).scalar()
        begin_write(db.session)
        db.session.execute(text("INSERT INTO visits VALUES (:n)"), {"n": count})
        return "ok"

    def write_without() -> str:
        db.session.execute(text("INSERT INTO visits VALUES (1)"))
        return "ok"

    app.add_url_rule("/test/lees", view_func=read)
    app.add_url_rule("/test/schrijf", view_func=write_after_begin_write)
    app.add_url_rule("/test/schrijf-zonder", view_func=write_without)
    app.add_url_rule("/test/schrijf-post", view_func=write_without, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    dispose(app)


def engine_of(app: Flask) -> Engine:
    return app.extensions["zorgtafel.db"].engine


def visits(app: Flask) -> int:
    with engine_of(app).connect() as connection:
        return connection.execute(text("SELECT count(*) FROM visits")).scalar_one()


def test_a_page_that_only_reads_does_not_wait_for_a_writer(site: Flask) -> None:
    with engine_of(site).connect() as writer:
        writer.execute(text("INSERT INTO visits VALUES (7)"))  # holds the write lock, uncommitted
        response = site.test_client().get("/test/lees")  # would wait 30 s for the lock before
        assert (response.status_code, response.text) == (200, "0")
        writer.rollback()


def test_a_page_that_writes_takes_the_lock_first_and_sees_the_latest_data(site: Flask) -> None:
    client = site.test_client()
    assert client.get("/test/schrijf").status_code == 200
    with engine_of(site).begin() as other:
        other.execute(text("INSERT INTO visits VALUES (9)"))
    assert client.get("/test/schrijf").status_code == 200
    assert visits(site) == 3


def test_a_page_that_writes_without_taking_the_lock_is_refused(
    site: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    assert site.test_client().get("/test/schrijf-zonder").status_code == 500
    assert ReaderWrites.__name__ in caplog.text
    assert visits(site) == 0
    # other requests write as before: they hold the lock from their first statement
    assert site.test_client().post("/test/schrijf-post").status_code == 200
    assert visits(site) == 1
