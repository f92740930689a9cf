"""Through the request pipeline: a refusal answers 404 and its event is kept; an allowed read
commits its events with the response; a request that fails later keeps its disclosures and
refusals (the ledger) but none of its other writes; if even the ledger cannot be written, the
answer is a bare 500 that shows nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, abort, g
from sqlalchemy import func, select, text

from tests.fixtures.app import dispose, in_app, make_instance, own_app
from tests.fixtures.auth import make_user
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory, example_convenant
from zorgtafel import csrf
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.sequencer import audit_log
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Stage, StageReason
from zorgtafel.cases.operations import change_stage
from zorgtafel.core.db import db
from zorgtafel.privacy.gate import Level, Purpose
from zorgtafel.privacy.gate.cases import disclose as disclose_case


def add_test_route(app: Flask) -> None:
    """A stand-in controller: load, ask the gate, respond (the cases workflow adds real ones)."""

    def view(user_id: int, case_id: int, fail_after: int) -> str:
        g.user = db.session.get(User, user_id)
        shown = disclose_case(
            g.user,
            db.session.get(Case, case_id),
            Level.content,
            Purpose.case_conference,
            example_convenant(),
        )
        if fail_after:
            abort(500)
        return " | ".join(c.text.reveal() for c in shown.contributions if c.text)

    def write_then_read(user_id: int, case_id: int) -> str:
        """Writes (a stage change), then asks the gate, which may refuse."""
        g.user = db.session.get(User, user_id)
        case = db.session.get(Case, case_id)
        change_stage(g.user, case, Stage.nazorg, StageReason.goals_reached)
        disclose_case(g.user, case, Level.content, Purpose.case_work, example_convenant())
        return "ok"

    app.add_url_rule("/test/<int:user_id>/<int:case_id>/<int:fail_after>", view_func=view)
    app.add_url_rule(
        "/write/<int:user_id>/<int:case_id>",
        view_func=csrf.exempt(write_then_read),  # a stand-in: the real forms carry a token
        methods=["POST"],
    )


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


def test_a_request_that_fails_after_the_read_keeps_its_events(site) -> None:  # type: ignore[no-untyped-def]
    app, care, _police, case_id = site
    before = count_events(app, "allowed")
    response = app.test_client().get(f"/test/{care}/{case_id}/1")
    assert response.status_code == 500
    assert "verzuimt" not in response.get_data(as_text=True)
    assert count_events(app, "allowed") == before + 1  # it was read: the log says so


def test_a_request_that_writes_and_is_then_refused_keeps_only_the_refusal(site) -> None:  # type: ignore[no-untyped-def]
    app, _care, police, case_id = site
    before = count_events(app, "refused"), count_events(app, "allowed")
    response = app.test_client().post(f"/write/{police}/{case_id}")
    assert response.status_code == 404
    assert count_events(app, "refused") == before[0] + 1
    assert count_events(app, "allowed") == before[1]  # the stage change's event went too
    with in_app(app) as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.stage is Stage.aanpak
        assert [c.to_stage for c in case.stage_changes] == []


def test_when_the_ledger_cannot_be_written_the_answer_is_a_bare_500(site) -> None:  # type: ignore[no-untyped-def]
    app, care, _police, case_id = site
    before = count_events(app, "allowed")
    with in_app(app) as session:
        refuse_audit_inserts(session)
    response = app.test_client().get(f"/test/{care}/{case_id}/0")
    assert response.status_code == 500
    assert response.get_data(as_text=True) == "500\n"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    assert count_events(app, "allowed") == before  # nothing could be written, nothing shown


def refuse_audit_inserts(session) -> None:  # type: ignore[no-untyped-def]
    """Every insert into the audit tables fails from now on (a full disk, say)."""
    for table in ("audit_events", "audit_queue"):
        if session.bind.dialect.name == "sqlite":
            session.execute(
                text(
                    f"CREATE TRIGGER {table}_full BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
                )
            )
        else:
            session.execute(
                text(
                    f"CREATE OR REPLACE FUNCTION {table}_full() RETURNS trigger LANGUAGE plpgsql "
                    "AS $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$"
                )
            )
            session.execute(
                text(
                    f"CREATE TRIGGER {table}_full BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {table}_full()"
                )
            )
