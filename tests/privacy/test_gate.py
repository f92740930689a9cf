"""The disclosure gate: role + need-to-know + convenant, three levels, every decision logged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from tests.fixtures.app import in_app
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory, CaseRecord, example_convenant
from zorgtafel.audit import ledger
from zorgtafel.audit.models import AuditEvent, QueuedEvent
from zorgtafel.audit.sequencer import audit_log
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, InvolvementReason
from zorgtafel.cases.operations import ContributionRefused, add_contribution
from zorgtafel.cli import cli
from zorgtafel.convenant.operations import NoConvenant, convenant_in_force
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db
from zorgtafel.core.errors import Hidden
from zorgtafel.privacy import vault
from zorgtafel.privacy.gate import CaseView, DisclosureRefused, Level, Purpose
from zorgtafel.privacy.gate.cases import case_list
from zorgtafel.privacy.gate.cases import disclose as disclose_case

CONVENANT = example_convenant()
ALL_LEVELS = list(Level)


@pytest.fixture
def case(cases: CaseFactory, factories: Any) -> CaseRecord:
    """A case coordinated by Veilig Thuis, with contributions in signalen and gezondheid."""
    record = cases.create(coordinator="veilig-thuis")
    author = factories.user(Role.partner, "veilig-thuis")
    cases.contribute(record, author.id, "signalen", FICTIONAL_TEXT)
    cases.contribute(record, author.id, "gezondheid", "Fictief: [BETROKKENE] is onder behandeling.")
    return record


def disclose(app: Flask, user_id: int, case: CaseRecord, level: Level, **kwargs: Any) -> CaseView:
    """Through the gate in its own transaction; a refusal's event is kept, as the request
    pipeline keeps a failed request's ledger."""
    with in_app(app) as session:
        try:
            return disclose_case(
                session.get(User, user_id),
                session.get(Case, case.id),
                level,
                kwargs.pop("purpose", Purpose.case_conference),
                CONVENANT,
                **kwargs,
            )
        except DisclosureRefused:
            assert ledger.keep(session) >= 1
            raise


def events(app: Flask, case: CaseRecord) -> list[AuditEvent]:
    with in_app(app) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "case", AuditEvent.object_id == case.code)
                .where(AuditEvent.action.in_(["read", "search"]))
                .order_by(AuditEvent.seq)
            )
        )


def texts(view: CaseView) -> dict[str, str | None]:
    return {c.category_code or "?": c.text.reveal() if c.text else None for c in view.contributions}


#: (role, organisation, involvement of that organisation, levels allowed)
MATRIX = [
    (Role.partner, "politie", None, set()),
    (Role.partner, "politie", InvolvementReason.invited, set(ALL_LEVELS)),
    (Role.partner, "politie", InvolvementReason.at_table, set(ALL_LEVELS)),
    (Role.partner, "politie", InvolvementReason.action_owner, set(ALL_LEVELS)),
    (Role.partner, "veilig-thuis", "coordinator", set(ALL_LEVELS)),
    (Role.chair, "gemeente", None, {Level.exists, Level.process}),
    (Role.chair, "gemeente", InvolvementReason.at_table, set(ALL_LEVELS)),
    (Role.privacy, "gemeente", None, {Level.exists, Level.process}),
    (Role.privacy, "gemeente", InvolvementReason.at_table, {Level.exists, Level.process}),
    (Role.admin, "gemeente", None, set()),
    (Role.admin, "gemeente", InvolvementReason.invited, set()),
    (Role.partner, "kapper", InvolvementReason.invited, set()),  # not a party to the convenant
]


@pytest.mark.parametrize(("role", "org", "involvement", "allowed"), MATRIX)
@pytest.mark.parametrize("level", ALL_LEVELS)
def test_level_decisions_by_role_and_need_to_know(
    app: Flask,
    factories: Any,
    cases: CaseFactory,
    case: CaseRecord,
    role: Role,
    org: str,
    involvement: InvolvementReason | str | None,
    allowed: set[Level],
    level: Level,
) -> None:
    user = factories.user(role, org)
    if isinstance(involvement, InvolvementReason):
        cases.involve(case, org, involvement, source="agenda-item:17")
    before = len(events(app, case))
    if level in allowed:
        view = disclose(app, user.id, case, level)
        assert view.code == case.code
        assert view.level is level
    else:
        with pytest.raises(DisclosureRefused) as info:
            disclose(app, user.id, case, level)
        assert isinstance(info.value, Hidden)  # answered as 404
    logged = events(app, case)[before:]
    assert logged, "every decision is logged"
    assert {e.outcome for e in logged} >= ({"allowed"} if level in allowed else {"refused"})
    for event in logged:
        assert (event.actor_user_id, event.actor_org, event.actor_role) == (
            user.id,
            org,
            role.value,
        )
        assert event.level == level.value
        assert event.purpose == "case_conference"
        assert (event.convenant_id, event.convenant_version) == (CONVENANT.id, CONVENANT.version)
        assert event.convenant_hash == CONVENANT.content_hash


def test_content_holds_only_the_categories_the_organisation_may_receive(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    police = factories.user(Role.partner, "politie")
    cases.involve(case, "politie", InvolvementReason.invited)
    view = disclose(app, police.id, case, Level.content)
    assert texts(view) == {"signalen": FICTIONAL_TEXT}  # politie may not receive gezondheid
    by_category = {e.categories: e for e in events(app, case)[-2:]}
    assert by_category["signalen"].outcome == "allowed"
    assert by_category["signalen"].convenant_article
    assert by_category["signalen"].reason == "invited"
    assert by_category["gezondheid"].outcome == "refused"
    assert by_category["gezondheid"].reason == "no_rule"

    care = factories.user(Role.partner, "veilig-thuis")
    view = disclose(app, care.id, case, Level.content)
    assert set(texts(view)) == {"signalen", "gezondheid"}


def test_a_category_that_needs_consent_is_refused_without_it(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    chair = factories.user(Role.chair, "gemeente")
    cases.involve(case, "gemeente", InvolvementReason.at_table, source="agenda-item:3")
    view = disclose(app, chair.id, case, Level.content)
    assert texts(view) == {"signalen": FICTIONAL_TEXT}
    refused = {e.categories: e for e in events(app, case)[-2:]}["gezondheid"]
    assert refused.outcome == "refused"
    assert refused.reason == "consent_required"
    assert refused.convenant_article == "art. 8.1"


def test_process_level_shows_dates_and_parties_but_no_content(
    app: Flask, factories: Any, case: CaseRecord
) -> None:
    chair = factories.user(Role.chair, "gemeente")
    view = disclose(app, chair.id, case, Level.process)
    assert view.coordinator_code == "veilig-thuis"
    assert view.created_at is not None
    assert [i.partner_code for i in view.involvements] == ["veilig-thuis"]
    assert len(view.contributions) == 2
    assert all(c.text is None and c.category_code is None for c in view.contributions)
    assert "verzuimt" not in repr(view)


def test_involvement_counts_only_within_its_validity_period(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    police = factories.user(Role.partner, "politie")
    now = utcnow()
    cases.involve(
        case,
        "politie",
        InvolvementReason.at_table,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=14),
        source="agenda-item:17",
    )
    assert disclose(app, police.id, case, Level.process, at=now).level is Level.process
    for moment in (now - timedelta(days=2), now + timedelta(days=14), now + timedelta(days=30)):
        with pytest.raises(DisclosureRefused):
            disclose(app, police.id, case, Level.process, at=moment)
    assert events(app, case)[-1].reason == "no_need_to_know"


def test_decision_and_event_share_one_transaction(
    app: Flask, factories: Any, case: CaseRecord
) -> None:
    chair = factories.user(Role.chair, "gemeente")

    def written() -> int:
        """Events written: chained (SQLite) or still queued until the commit (PostgreSQL)."""
        tables = (AuditEvent, QueuedEvent)
        return sum(db.session.scalar(select(func.count()).select_from(t)) or 0 for t in tables)

    with app.app_context():
        before = written()
        disclose_case(
            db.session.get(User, chair.id),
            db.session.get(Case, case.id),
            Level.process,
            Purpose.case_conference,
            CONVENANT,
        )
        assert written() == before + 1
        db.session.rollback()
        assert written() == before


def test_the_read_fails_when_its_audit_event_cannot_be_written(
    app: Flask, factories: Any, case: CaseRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    care = factories.user(Role.partner, "veilig-thuis")
    with in_app(app) as session:
        # on the table the disclosing transaction writes to: the chain, or the queue
        table = "audit_queue" if audit_log(app).mode == "queued" else "audit_events"
        if session.bind.dialect.name == "sqlite":  # type: ignore[union-attr]
            session.execute(
                text(
                    f"CREATE TRIGGER audit_full BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
                )
            )
        else:
            session.execute(
                text(
                    "CREATE FUNCTION audit_full() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$"
                )
            )
            session.execute(
                text(
                    f"CREATE TRIGGER audit_full BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION audit_full()"
                )
            )
    opened: list[object] = []
    real_open = vault.open_sealed
    monkeypatch.setattr(
        vault, "open_sealed", lambda *a, **k: opened.append(a) or real_open(*a, **k)
    )
    with pytest.raises(Exception, match="disk full"):
        disclose(app, care.id, case, Level.content)
    assert opened == []


def test_a_refusal_is_kept_and_answered_as_not_found(
    app: Flask, factories: Any, case: CaseRecord
) -> None:
    police = factories.user(Role.partner, "politie")
    with app.test_request_context("/casus/x", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        with pytest.raises(DisclosureRefused) as info:
            disclose_case(
                db.session.get(User, police.id),
                db.session.get(Case, case.id),
                Level.exists,
                Purpose.case_conference,
                CONVENANT,
            )
        assert isinstance(info.value, Hidden)
        assert ledger.keep(db.session) == 1
    refused = events(app, case)[-1]
    assert (refused.outcome, refused.reason) == ("refused", "no_need_to_know")
    assert refused.client_address == "192.0.2.7"
    assert refused.request_id


def test_case_lists_hold_only_what_the_user_may_see(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    other = cases.create(coordinator="politie")
    police = factories.user(Role.partner, "politie")
    chair = factories.user(Role.chair, "gemeente")
    admin = factories.user(Role.admin, "gemeente")

    def listed(user_id: int, purpose: Purpose) -> set[str]:
        with in_app(app) as session:
            page = case_list(session.get(User, user_id), purpose, CONVENANT)
            return {line.code for line in page.items}

    assert listed(police.id, Purpose.case_work) == {other.code}
    assert listed(chair.id, Purpose.case_conference) >= {case.code, other.code}
    assert listed(admin.id, Purpose.oversight) == set()
    searched = events(app, other)[-2:]
    assert [e.action for e in searched] == ["search", "search"]
    assert {e.level for e in searched} == {"process"}


def test_shredded_case_shows_no_content_and_the_log_still_verifies(
    app: Flask, factories: Any, case: CaseRecord
) -> None:
    care = factories.user(Role.partner, "veilig-thuis")
    assert FICTIONAL_TEXT in texts(disclose(app, care.id, case, Level.content)).values()
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["keys", "shred", case.code]).exit_code == 1  # needs --yes
    result = runner.invoke(cli, ["keys", "shred", case.code, "--yes"])
    assert result.exit_code == 0, result.output
    view = disclose(app, care.id, case, Level.content)
    assert view.shredded
    assert all(c.text is None for c in view.contributions)
    with in_app(app) as session:
        case_key = vault.case_key_for(session, case.id)
        assert case_key is not None
        assert case_key.wrapped_key is None
        shred_event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "auditlog intact" in verified.output
    assert shred_event is not None


def test_a_partner_may_only_contribute_categories_it_may_provide(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    police = factories.user(Role.partner, "politie")
    with in_app(app) as session:
        user, case_ = session.get(User, police.id), session.get(Case, case.id)
        with pytest.raises(ContributionRefused):
            add_contribution(user, case_, "gezondheid", FICTIONAL_TEXT, convenant=CONVENANT)
        assert ledger.keep(session) == 1  # what the pipeline does when the request fails
    with in_app(app) as session:
        refused = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert refused is not None
        assert (refused.action, refused.outcome, refused.categories) == (
            "create",
            "refused",
            "gezondheid",
        )


def test_current_convenant_is_the_version_in_force(app: Flask, factories) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    with app.app_context():
        assert convenant_in_force(date(2025, 6, 1)).version == "1.0"
        assert convenant_in_force(date(2026, 6, 1)).version == "1.1"
        with pytest.raises(NoConvenant):
            convenant_in_force(date(2024, 6, 1))
