"""Helpers shared by the privacy, audit and cases tests (a uniquely named module, importable
from every test directory because ``tests/`` is on the path).

All case data here is fictitious.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, make_url, text

from tests.conftest import build_app, in_app, make_instance
from zorgtafel import ROOT
from zorgtafel.auth.models import User
from zorgtafel.cases import operations as case_operations
from zorgtafel.cases.models import Case, InvolvementReason, Stage
from zorgtafel.convenant.loader import load_convenant
from zorgtafel.convenant.model import Convenant
from zorgtafel.core.db import db
from zorgtafel.migrate import upgrade

PG_URL = os.environ.get("ZORGTAFEL_TEST_DATABASE_URL")

EXAMPLE_CONVENANT = ROOT / "convenants" / "zorgtafel-jpmh-voorbeeldland-1.1.toml"
FICTIONAL_TEXT = "Fictief testgeval: [BETROKKENE] verzuimt sinds [DATUM-1] van school."


@cache
def example_convenant() -> Convenant:
    return load_convenant(EXAMPLE_CONVENANT)


@dataclass(frozen=True)
class CaseRecord:
    id: int
    code: str


class CaseFactory:
    """``create_case`` / ``involve`` / ``contribute`` through the real operations, committed."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def create(self, coordinator: str | None = None, stage: Stage = Stage.aanpak) -> CaseRecord:
        with in_app(self.app):
            case = case_operations.create_case(None, stage=stage, coordinator_code=coordinator)
            return CaseRecord(case.id, case.code)

    def involve(
        self,
        case: CaseRecord,
        partner: str,
        reason: InvolvementReason = InvolvementReason.invited,
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        source: str | None = None,
    ) -> None:
        with in_app(self.app) as session:
            case_operations.add_involvement(
                session.get(Case, case.id),
                partner,
                reason,
                valid_from=valid_from,
                valid_until=valid_until,
                source=source,
            )

    def contribute(
        self, case: CaseRecord, user_id: int, category: str, text_: str = FICTIONAL_TEXT
    ) -> int:
        with in_app(self.app) as session:
            contribution = case_operations.add_contribution(
                session.get(User, user_id),
                session.get(Case, case.id),
                category,
                text_,
                convenant=example_convenant(),
            )
            return contribution.id


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database of its own (for real commits, threads, processes), dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'own-{secrets.token_hex(4)}.db'}"
        return
    assert PG_URL
    name = f"test_privacy_own_{secrets.token_hex(4)}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def own_app(url: str, instance: Path, *, migrate: bool = True) -> Flask:
    """An app on its own database; migrated unless told otherwise. Dispose its engine after."""
    app = build_app(url, instance if instance.exists() else make_instance(instance))
    if migrate:
        with app.app_context():
            upgrade(db.engine)
    return app


def dispose(app: Flask) -> None:
    """Chain what the app queued, stop its sequencer and close its connections."""
    from zorgtafel.audit.sequencer import audit_log

    audit_log(app).sequencer.close()
    app.extensions["zorgtafel.db"].engine.dispose()


def make_user(app: Flask, role: Any, org: str, email: str | None = None) -> int:
    """A user through the real operations (on an own app); returns its id."""
    from zorgtafel.auth import operations

    with in_app(app):
        operations.create_organisation(org, f"Organisatie {org} (fictief)")
        email = email or f"{role.value}-{secrets.token_hex(3)}@{org}.test"
        return operations.create_user(
            email, "Fictieve Tester", org, role, "lang genoeg wachtwoord"
        ).id


def read_contents(app: Flask, user_id: int, case_ids: list[int]) -> list[str | None]:
    """Every contribution text of ``case_ids`` as ``user_id`` sees it through the gate."""
    from zorgtafel.privacy.gate import disclose_case
    from zorgtafel.privacy.policy import Level, Purpose

    texts: list[str | None] = []
    with in_app(app) as session:
        user = session.get(User, user_id)
        for case_id in case_ids:
            view = disclose_case(
                user,
                session.get(Case, case_id),
                Level.content,
                Purpose.case_conference,
                convenant=example_convenant(),
            )
            texts += [c.text.reveal() if c.text else None for c in view.contributions]
    return texts
