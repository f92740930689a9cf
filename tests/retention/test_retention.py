"""Retention: clocks, the due list's dry run, four eyes, holds, erasure with signed proof, and
the notices to partners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import example_convenant
from tests.retention.conftest import Scenario
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import User
from zorgtafel.cases import operations as case_operations
from zorgtafel.cases.models import Case, Stage, StageReason
from zorgtafel.core.clock import utcnow
from zorgtafel.privacy import vault
from zorgtafel.retention import operations
from zorgtafel.retention.clocks import Terms, add_years
from zorgtafel.retention.due import due_list
from zorgtafel.retention.erasure import verify_note
from zorgtafel.retention.models import ErasureNotice, HoldKind, Kind, Scope


def _due(app: Flask, user_id: int):  # type: ignore[no-untyped-def]
    with in_app(app) as session:
        listing = due_list(session.get(User, user_id), example_convenant())
        return [(e.case.id, e.scope, e.held, dict(e.counts)) for e in listing.entries]


def test_the_case_clock_starts_at_closure_and_uses_the_shorter_term(
    app: Flask, factories: Factories
) -> None:
    factories.example_convenant()
    with in_app(app):
        terms = Terms()
        now = utcnow()
        closed = now - timedelta(days=400)
        term = terms.case(closed, now)
        assert term is not None
        assert term.years == 2
        assert not term.past(now)
        assert term.ends_at == add_years(closed, 2)
        assert terms.case(None, now) is None  # open (or reopened): no clock
        assert terms.minutes(now - timedelta(days=800), now).past(now)  # type: ignore[union-attr]


def test_a_case_within_its_term_or_reopened_is_not_due(app: Flask, scenario: Scenario) -> None:
    assert [(cid, scope) for cid, scope, *_ in _due(app, scenario.privacy.id)] == [
        (scenario.case_id, Scope.case)
    ]
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        chair = session.get(User, scenario.chair.id)
        case_operations.change_stage(chair, case, Stage.nazorg, StageReason.relapse)
    assert _due(app, scenario.privacy.id) == []  # reopened: the clock stopped
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        chair = session.get(User, scenario.chair.id)
        case_operations.change_stage(chair, case, Stage.afgesloten, StageReason.goals_reached)
    assert _due(app, scenario.privacy.id) == []  # closed again today: a new clock


def test_the_dry_run_counts_every_kind_and_logs_a_read_per_case(
    app: Flask, scenario: Scenario
) -> None:
    [(_case_id, _scope, _held, counts)] = _due(app, scenario.chair.id)
    assert counts == {
        Kind.identity: 1, Kind.contributions: 1, Kind.minutes_paragraphs: 1,
        Kind.decisions: 1, Kind.actions: 1, Kind.lookup_hashes: 2,
    }  # fmt: skip
    with in_app(app) as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == scenario.code, AuditEvent.purpose == "retention"
            )
        ).all()
        assert [(e.action, e.level, e.outcome) for e in events] == [
            ("search", "process", "allowed")
        ]


def test_the_cli_prints_the_due_list_with_counts(app: Flask, scenario: Scenario) -> None:
    with in_app(app) as session:
        email = session.get(User, scenario.privacy.id).email
    result = app.test_cli_runner().invoke(args=["retention", "due", "--as", email])
    assert result.exit_code == 0, result.output
    assert scenario.code in result.output
    assert "over de termijn: 1" in result.output
    assert "Zwaluwstaart" not in result.output
    assert "kwartelkoning" not in result.output


def test_erasure_needs_the_chair_and_then_a_different_privacy_officer(
    app: Flask, scenario: Scenario
) -> None:
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        with pytest.raises(operations.RetentionError):
            operations.propose(session.get(User, scenario.privacy.id), case, Scope.case)
        proposal = operations.propose(session.get(User, scenario.chair.id), case, Scope.case)
        with pytest.raises(operations.RetentionError):
            operations.approve(session.get(User, scenario.chair.id), proposal)
        erasure = operations.approve(session.get(User, scenario.privacy.id), proposal)
        assert erasure.counts["contributions"] == 1
        actions = [
            e.action
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
            if e.purpose == "retention"
        ]
        assert actions[-4:] == ["erasure_proposed", "erasure_approved", "erase", "erasure_record"]
        assert vault.case_key_for(session, scenario.case_id).wrapped_key is None  # type: ignore[union-attr]


def test_a_hold_blocks_erasure_and_its_end_puts_the_case_back(
    app: Flask, scenario: Scenario
) -> None:
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        officer = session.get(User, scenario.privacy.id)
        hold = operations.set_hold(
            officer, case, HoldKind.complaint, "klacht 2026-7", utcnow() + timedelta(days=30)
        )
        with pytest.raises(operations.RetentionError, match="bewaarplicht"):
            operations.propose(session.get(User, scenario.chair.id), case, Scope.case)
        hold_id = hold.id
    assert [held for _, _, held, _ in _due(app, scenario.privacy.id)] == [True]
    with in_app(app) as session:
        from zorgtafel.retention.models import Hold

        operations.lift_hold(session.get(User, scenario.privacy.id), session.get(Hold, hold_id))
    assert [held for _, _, held, _ in _due(app, scenario.privacy.id)] == [False]


def test_the_erasure_record_is_signed_and_its_hash_is_in_the_chain(
    app: Flask, scenario: Scenario
) -> None:
    from zorgtafel.audit import checkpoint

    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        proposal = operations.propose(session.get(User, scenario.chair.id), case, Scope.case)
        erasure = operations.approve(session.get(User, scenario.privacy.id), proposal)
        settings = app.extensions["zorgtafel.settings"]
        key = checkpoint.load_signing_key(settings.path("audit.signing_key_file"))
        body = verify_note(erasure.note, checkpoint.verifier_key(settings["audit.origin"], key))
        assert f"case {scenario.code}" in body
        assert "count contributions 1" in body
        assert f"user {scenario.chair.id} gemeente/chair" in body
        assert f"user {scenario.privacy.id} gemeente/privacy" in body
        assert session.scalar(
            select(AuditEvent.seq).where(
                AuditEvent.object_id == f"sha256:{erasure.note_sha256[:56]}"
            )
        )
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_partners_that_received_the_case_get_a_notice_to_confirm(
    app: Flask, scenario: Scenario
) -> None:
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        proposal = operations.propose(session.get(User, scenario.chair.id), case, Scope.case)
        operations.approve(session.get(User, scenario.privacy.id), proposal)
        notices = session.scalars(select(ErasureNotice)).all()
        assert {n.partner_code for n in notices} == {"politie"}
        [notice] = notices
        assert {r["category"] for r in notice.received} >= {"signalen"}
        later = utcnow() + timedelta(days=15)
        assert [n.id for n, _ in operations.overdue_notices(later)] == [notice.id]
        with pytest.raises(operations.RetentionError):
            operations.confirm_notice(session.get(User, scenario.chair.id), notice)
        operations.confirm_notice(session.get(User, scenario.partner.id), notice)
        assert operations.overdue_notices(later) == []
        assert (
            session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == notice.code))
            == "notice_confirmed"
        )


def _secrets_of(app: Flask, scenario: Scenario) -> list[bytes]:
    """Every sealed value, the wrapped and the raw data key, and the lookup hash of the case."""
    from zorgtafel.cases.models import Contribution
    from zorgtafel.minutes.models import ActionItem, Decision, MinutesParagraph

    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        case_key = vault.case_key_for(session, case.id)
        assert case_key is not None
        assert case_key.wrapped_key is not None
        raw = vault._unwrap(case_key, vault.key_ring())  # the key to look for
        sealed = [case.identity]
        sealed += session.scalars(select(Contribution.text)).all()
        sealed += session.scalars(select(Contribution.original)).all()
        sealed += session.scalars(select(MinutesParagraph.text)).all()
        sealed += session.scalars(select(Decision.text)).all()
        sealed += session.scalars(select(ActionItem.description)).all()
        blobs = [value.blob for value in sealed if value is not None]
        assert len(blobs) >= 5
        assert case.bsn_lookup is not None
        return [*blobs, case_key.wrapped_key, raw, case.bsn_lookup.encode()]


def _erase(app: Flask, scenario: Scenario) -> None:
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        proposal = operations.propose(session.get(User, scenario.chair.id), case, Scope.case)
        operations.approve(session.get(User, scenario.privacy.id), proposal)


def _database_bytes(app: Flask) -> tuple[bytes, str]:
    """SQLite: the file's bytes after VACUUM and a WAL checkpoint; PostgreSQL: every table's
    rows as text (bytea shown as hex)."""
    from sqlalchemy import inspect, text

    engine = app.extensions["zorgtafel.db"].engine
    if engine.dialect.name == "sqlite":
        import sqlite3
        from pathlib import Path

        engine.dispose()
        path = Path(engine.url.database)
        raw = sqlite3.connect(path, isolation_level=None)
        try:
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        files = (path, path.with_name(path.name + "-wal"))
        return b"".join(name.read_bytes() for name in files if name.exists()), ""
    with engine.connect() as connection:
        rows = []
        for table in inspect(connection).get_table_names():
            query = text(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - names from the schema
            rows += connection.execute(query).scalars().all()
    return b"", "\n".join(rows)


@pytest.mark.slow
def test_after_erasure_no_table_holds_the_case_plaintext_or_key(live: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.retention.conftest import build_scenario

    scenario = build_scenario(live, Factories(live))
    secrets = _secrets_of(live, scenario)
    plaintexts = [text.encode() for text in scenario.plaintexts]
    before, before_text = _database_bytes(live)
    if before:  # the scan finds what is there: the sealed values before the erasure
        assert all(secret in before for secret in secrets[:-2])
    else:
        assert all(secret.hex() in before_text for secret in secrets[:2])
    _erase(live, scenario)
    data, as_text = _database_bytes(live)
    for needle in [*secrets, *plaintexts]:
        assert needle not in data
        assert needle.hex() not in as_text
        assert needle.decode("latin-1") not in as_text
    with in_app(live) as session:
        assert session.scalar(select(Case.code).where(Case.id == scenario.case_id)) == scenario.code
    result = live.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_minutes_run_on_their_own_clock_and_go_alone(
    app: Flask, factories: Factories, pseudonymiser_without_deduce
) -> None:  # type: ignore[no-untyped-def]
    from tests.retention.conftest import build_scenario
    from zorgtafel.meetings.models import AgendaItem, Meeting

    scenario = build_scenario(app, factories)
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        chair = session.get(User, scenario.chair.id)
        case_operations.change_stage(chair, case, Stage.nazorg, StageReason.relapse)  # open
        item = session.get(AgendaItem, scenario.item_id)
        session.get(Meeting, item.meeting_id).starts_at = utcnow() - timedelta(days=3 * 365)
    [(case_id, scope, held, counts)] = _due(app, scenario.privacy.id)
    assert (case_id, scope, held) == (scenario.case_id, Scope.minutes, False)
    assert counts[Kind.minutes_paragraphs] == 1
    assert counts[Kind.contributions] == 0
    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        proposal = operations.propose(
            session.get(User, scenario.chair.id), case, Scope.minutes, scenario.item_id
        )
        erasure = operations.approve(session.get(User, scenario.privacy.id), proposal)
        assert erasure.counts["minutes_paragraphs"] == 1
        case_key = vault.case_key_for(session, scenario.case_id)
        assert case_key is not None
        assert case_key.wrapped_key is not None  # the case itself stays
    assert _due(app, scenario.privacy.id) == []


def test_id_lists_are_cut_below_the_databases_parameter_limits(
    app: Flask, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More due cases than one statement may bind (PostgreSQL 65,535 parameters, SQLite 32,766
    by default): the counts go in chunks, with the same result as in one go."""
    from zorgtafel.core import db as core_db
    from zorgtafel.core.db import chunks
    from zorgtafel.privacy.gate.retention import count_case_rows

    assert list(chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunks([], 2)) == []
    ids = [scenario.case_id, *range(10**6, 10**6 + 70_000)]
    with in_app(app):
        counts = count_case_rows(ids)
    assert len(counts) == 70_001
    assert counts[scenario.case_id][Kind.contributions] == 1
    assert not any(any(c.values()) for case_id, c in counts.items() if case_id != scenario.case_id)
    with in_app(app) as session:
        operations.set_hold(
            session.get(User, scenario.privacy.id), session.get(Case, scenario.case_id),
            HoldKind.complaint, "klacht 2026-8", utcnow() + timedelta(days=30),
        )  # fmt: skip
    whole = _due(app, scenario.privacy.id)
    monkeypatch.setattr(core_db, "IN_CHUNK", 1)
    assert _due(app, scenario.privacy.id) == whole
    assert [held for _, _, held, _ in whole] == [True]
