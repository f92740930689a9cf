"""Shared helpers for the benchmarks: throw-away instances and databases, result files."""

from __future__ import annotations

import base64
import json
import os
import platform
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, make_url, text

from zorgtafel import create_app
from zorgtafel.audit.sequencer import audit_log
from zorgtafel.config import Settings, load_settings
from zorgtafel.core.db import db
from zorgtafel.migrate import upgrade

RESULTS = Path(__file__).resolve().parent / "results"
#: PostgreSQL server for the benchmarks (a scratch database is created and dropped on it)
PG_URL = os.environ.get("ZORGTAFEL_BENCH_DATABASE_URL") or os.environ.get(
    "ZORGTAFEL_TEST_DATABASE_URL"
)


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    """A fresh database URL on ``backend``; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="zorgtafel-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    if not PG_URL:
        raise RuntimeError("set ZORGTAFEL_BENCH_DATABASE_URL for the PostgreSQL benchmarks")
    name = f"bench_privacy_{secrets.token_hex(4)}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settings_for(url: str, instance: Path) -> Settings:
    """Settings of a throw-away app on ``url`` with its key files in ``instance``."""
    return load_settings(
        {
            "app": {
                "database_url": url,
                "secret_key_file": str(instance / "secret_key"),
                "master_key_file": str(instance / "master.key"),
            },
            # to compare the ways of chaining: inline, queued, adaptive (default: auto)
            "audit": {"sequencing": os.environ.get("ZORGTAFEL_BENCH_SEQUENCING", "auto")},
        },
        path=instance / "config.toml",
    )


@contextmanager
def bench_app(url: str) -> Iterator[Flask]:
    """A migrated app on ``url`` with fresh keys in a temporary instance folder (its
    ``instance_dir``, for other processes that need an app on the same database)."""
    with tempfile.TemporaryDirectory(prefix="zorgtafel-instance-") as folder:
        instance = Path(folder)
        (instance / "secret_key").write_text(secrets.token_urlsafe(48))
        (instance / "master.key").write_bytes(base64.urlsafe_b64encode(os.urandom(32)) + b"\n")
        app = create_app(settings_for(url, instance))
        with app.app_context():
            upgrade(db.engine)
        try:
            yield app
        finally:
            audit_log(app).sequencer.close()
            app.extensions["zorgtafel.db"].engine.dispose()


def instance_dir(app: Flask) -> Path:
    """The instance folder of an app from :func:`bench_app`."""
    return app.extensions["zorgtafel.settings"].base_dir


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    result = {
        "benchmark": name,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        **result,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path
