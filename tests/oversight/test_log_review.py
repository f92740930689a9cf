"""Log review with evidence: the FG records a review (period, sample, findings), an overdue one
shows on her start page; so does the chain's state from the last scheduled verify, a failure
in red at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.audit.test_audit_log import drop_triggers
from tests.fixtures.app import in_app
from tests.fixtures.audit import AuditFactory
from tests.fixtures.auth import UserRecord, csrf_token
from zorgtafel.audit.models import ChainCheck
from zorgtafel.audit.vocabulary import AuditAction, ObjectType
from zorgtafel.cli import cli
from zorgtafel.core.clock import today
from zorgtafel.oversight.models import LogReview


def post_review(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": csrf_token(client, "/fg/beoordelingen"),
        "van": (today() - timedelta(days=30)).isoformat(),
        "tot": today().isoformat(),
        "sample": "Fictief: alle weigeringen en tien willekeurige gebruikers.",
        "findings": "Geen onverklaarde verstrekkingen.",
    } | fields
    return client.post("/fg/beoordelingen", data=data)


def start_page(client: FlaskClient) -> str:
    return client.get("/").get_data(as_text=True)


def test_an_overdue_review_shows_on_the_start_page_until_one_is_recorded(
    app: Flask, client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    assert "Logbeoordeling te laat." in start_page(client)
    assert post_review(client).status_code == 302
    assert "Logbeoordeling te laat." not in start_page(client)
    with in_app(app) as session:
        review = session.scalars(select(LogReview)).one()
        assert (review.period_end, review.recorded_by_user_id) == (today(), fg.id)
    newest = audit.newest()[0]
    assert (newest.action, newest.object_type, newest.object_id) == (
        AuditAction.create.value,
        ObjectType.log_review.value,
        str(review.id),
    )
    assert "Geen onverklaarde verstrekkingen." in client.get("/fg/beoordelingen").get_data(
        as_text=True
    )


def test_a_review_ending_more_than_a_month_ago_is_overdue(
    client: FlaskClient, fg: UserRecord
) -> None:
    old = today() - timedelta(days=40)
    assert post_review(client, van=(old - timedelta(days=30)).isoformat(), tot=old.isoformat())
    assert "Logbeoordeling te laat." in start_page(client)
    assert old.strftime("%d-%m-%Y") in start_page(client)


def test_a_bad_review_is_refused_clearly_and_stores_nothing(
    app: Flask, client: FlaskClient, fg: UserRecord
) -> None:
    response = post_review(client, van="2026-05-01", tot="2026-04-01", findings="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "De einddatum ligt voor de begindatum." in html
    with in_app(app) as session:
        assert session.scalars(select(LogReview)).all() == []


def verify(app: Flask, *extra: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(cli, ["audit", "verify", "--record", *extra])


def test_a_scheduled_verify_shows_the_chain_intact_with_its_checkpoint(
    app: Flask, client: FlaskClient, fg: UserRecord, tmp_path: Path
) -> None:
    assert "Geen recente geplande controle" in start_page(client)
    out = tmp_path / "checkpoint.txt"
    signed = app.test_cli_runner().invoke(cli, ["audit", "checkpoint", "--out", str(out)])
    assert signed.exit_code == 0, signed.output
    result = verify(app, "--checkpoint", str(out))
    assert result.exit_code == 0, result.output
    with in_app(app) as session:
        check = session.scalars(select(ChainCheck)).one()
        assert check.ok
        assert check.checkpoint_size is not None
    html = start_page(client)
    assert "Auditlog intact:" in html
    assert (
        f"Laatste ondertekende checkpoint: {check.checkpoint_size} gebeurtenissen, 0 dagen oud."
        in html
    )
    assert "Geen recente geplande controle" not in html


def test_a_failed_verification_shows_in_red_at_once(
    app: Flask, client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(3)
    seq = audit.newest()[0].seq - 1
    with in_app(app) as session:
        drop_triggers(session)
        session.execute(
            text("UPDATE audit_events SET object_id = 'ZT-2026-9999' WHERE seq = :s"), {"s": seq}
        )
    assert verify(app).exit_code == 1
    html = start_page(client)
    assert 'class="chain-failed" role="alert"' in html
    assert "Auditlog NIET intact" in html
    assert f"volgnummer {seq}" in html
