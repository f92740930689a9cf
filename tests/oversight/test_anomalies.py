"""The anomaly rules, each provoked and each held back below its threshold; runs are incremental
(from the cursor on, nothing rescanned); the triage queue changes a signal's status with a note,
and every change is logged (the note is not)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import counting, in_app
from tests.fixtures.audit import AuditFactory
from tests.fixtures.auth import Factories, UserRecord, csrf_token
from tests.fixtures.cases import CaseFactory
from zorgtafel.audit.operations import Actor
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Outcome, Refusal
from zorgtafel.auth.models import Role, User
from zorgtafel.cases import operations as case_operations
from zorgtafel.cases.models import Case, Stage, StageReason
from zorgtafel.core.clock import AMSTERDAM, utcnow
from zorgtafel.oversight import anomalies
from zorgtafel.oversight.anomalies import Parameters
from zorgtafel.oversight.models import AnomalyCursor, AnomalyRule, Signal

USER = 4242  # a user id the events name (the rules need no row for it)
PARTNER = Actor(USER, "politie", "partner")
#: a Wednesday, in office hours (Dutch time)
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=AMSTERDAM)


def run(app: Flask, **thresholds: int) -> dict[str, Signal]:
    with in_app(app) as session:
        found = anomalies.run(session, Parameters(**thresholds))
        return {signal.rule: signal for signal in found}


def test_refusals_above_the_threshold_on_one_day(app: Flask, audit: AuditFactory) -> None:
    refused = {"actor": PARTNER, "outcome": Outcome.refused, "reason": Refusal.no_need_to_know}
    audit.append(3, at=WEDNESDAY, **refused)
    assert AnomalyRule.refusals not in run(app, refusals_per_user_day=3)
    audit.append(1, at=WEDNESDAY + timedelta(hours=1), **refused)
    signal = run(app, refusals_per_user_day=3)[AnomalyRule.refusals]
    assert (signal.user_id, signal.count, signal.key) == (USER, 4, f"{USER}:2026-11-25")


def test_a_case_read_after_it_was_closed(
    app: Flask, factories: Factories, cases: CaseFactory, audit: AuditFactory
) -> None:
    case = cases.create(coordinator="politie")
    chair = factories.user(Role.chair, "gemeente")
    audit.append(actor=PARTNER, object_id=case.code, at=utcnow() - timedelta(hours=1))
    with in_app(app) as session:
        case_operations.change_stage(
            session.get(User, chair.id), session.get(Case, case.id), Stage.afgesloten,
            StageReason.goals_reached,
        )  # fmt: skip
    assert AnomalyRule.read_after_closure not in run(app)  # that read was before closure
    audit.append(actor=PARTNER, object_id=case.code, at=utcnow() + timedelta(seconds=1))
    signal = run(app)[AnomalyRule.read_after_closure]
    assert (signal.object_id, signal.user_id, signal.count) == (case.code, USER, 1)


def test_identity_reveals_above_the_users_usual_rate(app: Flask, audit: AuditFactory) -> None:
    reveal = {
        "actor": PARTNER,
        "action": AuditAction.reveal_identity,
        "categories": ("identiteit",),
    }
    for days in range(1, 31):  # one a day for a month: the usual rate is 1
        audit.append(at=WEDNESDAY - timedelta(days=days), **reveal)
    audit.append(3, at=WEDNESDAY, **reveal)
    thresholds = {"reveals_minimum": 2, "reveals_factor": 3}
    assert AnomalyRule.reveals_above_usual not in run(app, **thresholds)  # 3 is not above 3 x 1
    audit.append(at=WEDNESDAY + timedelta(minutes=5), **reveal)
    assert run(app, **thresholds)[AnomalyRule.reveals_above_usual].count == 4


@pytest.mark.parametrize(
    ("moment", "flagged"),
    [
        (WEDNESDAY, False),
        (WEDNESDAY.replace(hour=2), True),
        (WEDNESDAY.replace(hour=19, minute=30), True),
        (WEDNESDAY + timedelta(days=3), True),  # Saturday
    ],
)
def test_reads_outside_office_hours(
    app: Flask, audit: AuditFactory, moment: datetime, flagged: bool
) -> None:
    audit.append(actor=PARTNER, at=moment)
    assert (AnomalyRule.outside_office_hours in run(app)) is flagged


def test_one_user_opening_many_cases_in_a_short_time(app: Flask, audit: AuditFactory) -> None:
    for n in range(3):
        audit.append(
            actor=PARTNER, object_id=f"ZT-2026-09{n:02}", at=WEDNESDAY + timedelta(minutes=n)
        )
    audit.append(actor=PARTNER, object_id="ZT-2026-0900", at=WEDNESDAY + timedelta(minutes=3))
    thresholds = {"many_cases": 3, "many_cases_minutes": 10}
    assert AnomalyRule.many_cases not in run(app, **thresholds)  # three cases, one twice
    # the fourth case comes in a later run: the window reaches back before the cursor
    audit.append(actor=PARTNER, object_id="ZT-2026-0999", at=WEDNESDAY + timedelta(minutes=4))
    assert run(app, **thresholds)[AnomalyRule.many_cases].count == 4
    audit.append(actor=PARTNER, object_id="ZT-2026-0998", at=WEDNESDAY + timedelta(hours=2))
    assert AnomalyRule.many_cases not in run(app, **thresholds)  # two hours later: alone


def test_a_burst_of_failed_logins(app: Flask, audit: AuditFactory) -> None:
    failed = {
        "actor": Actor(None, None, None), "action": AuditAction.login_failed,
        "outcome": Outcome.refused, "reason": Change.failed_password, "level": None,
        "categories": (), "article": None,
    }  # fmt: skip
    audit.append(3, at=WEDNESDAY, **failed)
    audit.append(3, at=WEDNESDAY + timedelta(hours=1), **failed)
    thresholds = {"failed_logins": 3, "failed_logins_minutes": 5}
    assert AnomalyRule.failed_logins not in run(app, **thresholds)
    audit.append(at=WEDNESDAY + timedelta(hours=1, minutes=2), **failed)
    assert run(app, **thresholds)[AnomalyRule.failed_logins].count == 4


def test_a_run_reads_only_what_follows_the_cursor(app: Flask, audit: AuditFactory) -> None:
    audit.append(actor=PARTNER, at=WEDNESDAY.replace(hour=2))
    first = run(app)[AnomalyRule.outside_office_hours]
    assert first.count == 1
    with in_app(app) as session:
        cursor = session.get(AnomalyCursor, 1)
        assert cursor is not None
        assert cursor.seq == audit.newest()[0].seq
    with counting(app) as statements:
        assert run(app) == {}  # nothing new: nothing found, the stored count not doubled
    reads = [s for s in statements if "FROM audit_events" in s]
    assert len(reads) == 1
    assert "audit_events.seq >" in reads[0]
    with in_app(app) as session:
        assert session.scalar(select(Signal.count).where(Signal.id == first.id)) == 1


def test_the_privacy_officer_triages_a_provoked_signal(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory, app: Flask
) -> None:
    refused = {"actor": PARTNER, "outcome": Outcome.refused, "reason": Refusal.no_need_to_know}
    audit.append(11, at=WEDNESDAY, **refused)  # the configured threshold is 10 a day
    response = client.post(
        "/fg/signalen/controleren", data={"csrf_token": csrf_token(client, "/fg/signalen")}
    )
    assert response.status_code == 302
    html = client.get("/fg/signalen").get_data(as_text=True)
    assert "veel weigeringen op één dag" in html
    with in_app(app) as session:
        signal = session.scalars(select(Signal).where(Signal.rule == "refusals")).one()
    prefix = f"signaal-{signal.id}"
    response = client.post(
        f"/fg/signalen/{signal.id}",
        data={
            "csrf_token": csrf_token(client, "/fg/signalen"),
            f"{prefix}-status": "escalated",
            f"{prefix}-note": "Fictief: navragen bij de teamleider.",
        },
    )
    assert response.status_code == 302
    with in_app(app) as session:
        stored = session.get(Signal, signal.id)
        assert (stored.status, stored.note, stored.updated_by_user_id) == (
            "escalated",
            "Fictief: navragen bij de teamleider.",
            fg.id,
        )
    newest = audit.newest()[0]
    assert (newest.action, newest.object_type, newest.object_id, newest.reason) == (
        AuditAction.update.value,
        ObjectType.anomaly_signal.value,
        str(signal.id),
        Change.signal_escalated.value,
    )
    assert "geëscaleerd" in client.get("/fg/signalen").get_data(as_text=True)


def test_a_bad_status_changes_nothing(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory, app: Flask
) -> None:
    audit.append(actor=PARTNER, at=WEDNESDAY.replace(hour=3))
    client.post("/fg/signalen/controleren", data={"csrf_token": csrf_token(client, "/fg/signalen")})
    with in_app(app) as session:
        signal = session.scalars(select(Signal)).one()
    before = audit.newest()[0].seq
    response = client.post(
        f"/fg/signalen/{signal.id}",
        data={
            "csrf_token": csrf_token(client, "/fg/signalen"),
            f"signaal-{signal.id}-status": "weg",
        },
    )
    assert response.status_code == 303
    with in_app(app) as session:
        assert session.get(Signal, signal.id).status == "open"
    assert audit.newest()[0].seq == before + 1  # only the page read of csrf_token() above
    assert "Signaal niet bijgewerkt" in client.get("/fg/signalen").get_data(as_text=True)
