"""Through the request pipeline: a refusal answers 404 and its event is committed; an allowed
read commits its events with the response; a request that fails later rolls them back too."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, abort, g
from sqlalchemy import func, select

from tests.fixtures.app import dispose, in_app, make_instance, own_app
from tests.fixtures.auth import make_user
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory, example_convenant
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.sequencer import audit_log
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.core.db import db
from zorgtafel.privacy.access_rules import Level, Purpose
from zorgtafel.privacy.gate import disclose_case


def add_test_route(app: Flask) -> None:
    """A stand-in controller: load, ask the gate, respond (the cases workflow adds real ones)."""

    def view(user_id: int, case_id: int, fail_after: int) -> str:
        g.user = db.session.get(User, user_id)
        shown = disclose_case(
            g.user,
            db.session.get(Case, case_id),
            Level.content,
            Purpose.case_conference,
            convenant=example_convenant(),
        )
        if fail_after:
            abort(500)
        return " | ".join(c.text.reveal() for c in shown.contributions if c.text)

    app.add_url_rule("/test/<int:user_id>/<int:case_id>/<int:fail_after>", view_func=view)


@pytest.fixture
def site(own_database: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = own_app(own_database, make_instance(tmp_path / "instance"))
    add_test_route(app)
    care = make_user(app, Role.partner, "veilig-thuis")
    police = make_user(app, Role.partner, "politie")
    factory = CaseFactory(app)
    case = factory.create(coordinator="veilig-thuis")
    factory.contribute(case, care, "signalen")
    yield app, care, police, case.id
    dispose(app)


def count_events(app: Flask, outcome: str) -> int:
    audit_log(app).sequencer.flush()  # PostgreSQL: chain what the request queued
    with in_app(app) as session:
        query = select(func.count()).where(AuditEvent.outcome == outcome)
        return session.scalar(query.where(AuditEvent.object_type == "case")) or 0


def test_refusal_is_a_404_and_its_event_is_committed(site) -> None:  # type: ignore[no-untyped-def]
    app, _care, police, case_id = site
    response = app.test_client().get(f"/test/{police}/{case_id}/0")
    assert response.status_code == 404
    assert "verzuimt" not in response.get_data(as_text=True)
    assert count_events(app, "refused") == 1


def test_allowed_read_commits_its_events(site) -> None:  # type: ignore[no-untyped-def]
    app, care, _police, case_id = site
    before = count_events(app, "allowed")
    response = app.test_client().get(f"/test/{care}/{case_id}/0")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == FICTIONAL_TEXT
    assert response.headers["Cache-Control"] == "no-store"
    assert count_events(app, "allowed") == before + 1


def test_a_request_that_fails_after_the_read_rolls_its_events_back(site) -> None:  # type: ignore[no-untyped-def]
    app, care, _police, case_id = site
    before = count_events(app, "allowed")
    response = app.test_client().get(f"/test/{care}/{case_id}/1")
    assert response.status_code == 500
    assert "verzuimt" not in response.get_data(as_text=True)
    assert count_events(app, "allowed") == before
