"""The migrated schema is exactly what the models describe (migration 0002 included)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from zorgtafel import ROOT
from zorgtafel.core.db import db
from zorgtafel.migrate import head_revision
from zorgtafel.models import metadata

MIGRATIONS = ROOT / "zorgtafel" / "migrations" / "versions"


def test_migrations_match_the_models(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": connection.dialect.name == "sqlite"},
        )
        assert compare_metadata(context, metadata) == []
        newest = max(MIGRATIONS.glob("[0-9]*.py")).stem  # numbered files, one chain
        assert context.get_current_revision() == head_revision(db.engine) == newest


def test_the_audit_log_has_its_guards(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            names = {
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                )
            }
        else:
            names = {
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                )
            }
        assert {n for n in names if n.startswith("audit_")} >= {"audit_head_forward_only"}
        assert len([n for n in names if n.startswith("audit_events")]) >= 2
        assert "audit_queue_no_update" in names
        assert "audit_head" in inspect(connection).get_table_names()
