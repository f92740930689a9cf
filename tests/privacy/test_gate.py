"""The disclosure gate: role + need-to-know + convenant, three levels, every decision logged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from tests.fixtures.app import in_app
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory, CaseRecord, example_convenant
from zorgtafel.audit import ledger
from zorgtafel.audit.models import AuditEvent, QueuedEvent
from zorgtafel.audit.sequencer import audit_log
from zorgtafel.audit.vocabulary import Refusal
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import Case, Consent, InvolvementReason, Reporter
from zorgtafel.cases.operations import (
    ContributionRefused,
    Intake,
    add_contribution,
    record_consent,
    register_case,
)
from zorgtafel.cli import cli
from zorgtafel.convenant.operations import NoConvenant, convenant_in_force
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db
from zorgtafel.core.errors import Hidden
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import decide_categories
from zorgtafel.privacy.gate import CaseView, DisclosureRefused, Level, Purpose
from zorgtafel.privacy.gate import identity as gate_identity
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
    before = disclose(app, care.id, case, Level.content)
    assert FICTIONAL_TEXT in texts(before).values()
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["keys", "shred", case.code]).exit_code == 1  # needs --yes
    result = runner.invoke(cli, ["keys", "shred", case.code, "--yes"])
    assert result.exit_code == 0, result.output
    view = disclose(app, care.id, case, Level.content)
    assert view.shredded
    assert all(c.text is None for c in view.contributions)
    # who contributed what and when still shows; only the text is gone
    assert [(c.id, c.partner_code, c.created_at, c.category_code) for c in view.contributions] == [
        (c.id, c.partner_code, c.created_at, c.category_code) for c in before.contributions
    ]
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


# --- the survivors of a hand-made mutation run (issue 12): each test below fails with its bug


def reader_of(org: str) -> Any:
    """What the category rules read of a reader: its organisation's code."""
    return SimpleNamespace(organisation=SimpleNamespace(code=org))


def test_a_consent_opens_only_its_own_partner_and_category() -> None:
    consented = {("mee", "gezondheid"), ("comensha", "identiteit")}
    decided = {
        org: decide_categories(reader_of(org), CONVENANT, CONSENT_GATED, consented)
        for org in ("mee", "gemeente", "wijkteam", "comensha")
    }
    allowed = {org: {c for c, d in by.items() if d.allowed} for org, by in decided.items()}
    # identiteit needs consent for comensha only, gezondheid for gemeente, wijkteam and mee
    assert allowed == {
        "mee": {"identiteit", "gezondheid"},
        "gemeente": {"identiteit", "seksuele-uitbuiting"},
        "wijkteam": {"identiteit"},
        "comensha": {"identiteit"},
    }
    assert decided["gemeente"]["gezondheid"].refusal is Refusal.consent_required
    assert decided["comensha"]["seksuele-uitbuiting"].refusal is Refusal.consent_required
    assert decided["comensha"]["seksuele-uitbuiting"].article == "art. 8.2"


#: every category some partner may receive only with recorded consent
CONSENT_GATED = ("gezondheid", "identiteit", "seksuele-uitbuiting")


def record_mee_consent(app: Flask, factories: Any, case: CaseRecord) -> datetime:
    """The subject's consent for mee to receive gezondheid; returns when it was recorded."""
    chair = factories.user(Role.chair, "gemeente")
    with in_app(app) as session:
        consent = record_consent(
            session.get(User, chair.id), session.get(Case, case.id), "mee", "gezondheid", CONVENANT
        )
        return consent.recorded_at


def test_a_recorded_consent_opens_its_category_for_that_partner_only(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    for org in ("mee", "wijkteam", "gemeente"):
        cases.involve(case, org, InvolvementReason.invited)
    record_mee_consent(app, factories, case)
    mee = factories.user(Role.partner, "mee")
    assert set(texts(disclose(app, mee.id, case, Level.content))) == {"signalen", "gezondheid"}
    for role, org in ((Role.partner, "wijkteam"), (Role.chair, "gemeente")):
        reader = factories.user(role, org)
        assert set(texts(disclose(app, reader.id, case, Level.content))) == {"signalen"}, org
        refused = {e.categories: e for e in events(app, case)[-2:]}["gezondheid"]
        assert (refused.outcome, refused.reason) == ("refused", "consent_required"), org


def test_a_withdrawn_consent_no_longer_counts(
    app: Flask, factories: Any, cases: CaseFactory, case: CaseRecord
) -> None:
    """There is no withdraw operation yet; the model's ``withdrawn_at`` is what the gate reads."""
    cases.involve(case, "mee", InvolvementReason.invited)
    recorded = record_mee_consent(app, factories, case)
    withdrawn = recorded + timedelta(minutes=10)
    with in_app(app) as session:
        session.scalars(
            select(Consent).where(Consent.case_id == case.id)
        ).one().withdrawn_at = withdrawn
    mee = factories.user(Role.partner, "mee")
    while_in_force = disclose(app, mee.id, case, Level.content, at=withdrawn - timedelta(seconds=1))
    assert set(texts(while_in_force)) == {"signalen", "gezondheid"}
    for moment in (withdrawn, withdrawn + timedelta(days=1)):
        view = disclose(app, mee.id, case, Level.content, at=moment)
        assert set(texts(view)) == {"signalen"}, moment
        refused = {e.categories: e for e in events(app, case)[-2:]}["gezondheid"]
        assert (refused.outcome, refused.reason) == ("refused", "consent_required")


def contribute_with_original(app: Flask, user_id: int, case: CaseRecord, category: str) -> None:
    with in_app(app) as session:
        add_contribution(
            session.get(User, user_id),
            session.get(Case, case.id),
            category,
            f"Fictief [BETROKKENE] in {category}.",
            convenant=CONVENANT,
            original=f"Fictief origineel in {category}.",
        )


def reveal(app: Flask, user_id: int, case: CaseRecord) -> dict[str, str]:
    """'Toon identiteit' through the gate: the originals it opened, by category."""
    with in_app(app) as session:
        view = gate_identity.reveal(
            session.get(User, user_id), session.get(Case, case.id), Purpose.case_conference,
            CONVENANT,
        )  # fmt: skip
        return {o.category_code: o.text.reveal() for o in view.originals}


def test_toon_identiteit_opens_originals_only_in_categories_the_reader_may_receive(
    app: Flask, factories: Any, cases: CaseFactory
) -> None:
    record = cases.create(coordinator="veilig-thuis")
    author = factories.user(Role.partner, "veilig-thuis")
    for category in ("signalen", "gezondheid"):
        contribute_with_original(app, author.id, record, category)
    cases.involve(record, "politie", InvolvementReason.invited)
    police = factories.user(Role.partner, "politie")  # receives identiteit, not gezondheid
    assert reveal(app, police.id, record) == {"signalen": "Fictief origineel in signalen."}
    with in_app(app) as session:
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == record.code, AuditEvent.action == "reveal_identity")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event is not None
        assert set((event.categories or "").split(",")) == {"identiteit", "signalen"}
    assert set(reveal(app, author.id, record)) == {"signalen", "gezondheid"}


def register(app: Flask, factories: Any) -> CaseRecord:
    """A case with a (fictitious) identity, coordinated by Veilig Thuis."""
    chair = factories.user(Role.chair, "gemeente")
    identity = SubjectIdentity(
        first_names=("Fenna", "Lotte"),
        surname="Verzinsel",
        aliases=("Lotje",),
        relatives=(("moeder", "Greetje Verzinsel"),),
    )
    intake = Intake(identity, Reporter.professional, coordinator_code="veilig-thuis")
    with in_app(app) as session:
        case = register_case(session.get(User, chair.id), intake)
        return CaseRecord(case.id, case.code)


def known_names(app: Flask, user_id: int, case: CaseRecord, category: str) -> Any:
    with in_app(app) as session:
        try:
            return gate_identity.known_persons(
                session.get(User, user_id), session.get(Case, case.id), category, CONVENANT
            )
        except DisclosureRefused:
            assert ledger.keep(session) == 1
            raise


def last_pseudonymisation_event(app: Flask, case: CaseRecord) -> AuditEvent:
    with in_app(app) as session:
        found = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == case.code, AuditEvent.purpose == "pseudonymisation")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert found is not None
        return found


def test_known_names_go_to_the_pseudonymiser_only_with_need_to_know_and_the_right_to_provide(
    app: Flask, factories: Any, cases: CaseFactory
) -> None:
    record = register(app, factories)
    police = factories.user(Role.partner, "politie")
    with pytest.raises(DisclosureRefused):
        known_names(app, police.id, record, "signalen")  # no need-to-know
    refused = last_pseudonymisation_event(app, record)
    assert (refused.outcome, refused.reason) == ("refused", "no_need_to_know")
    cases.involve(record, "politie", InvolvementReason.invited)
    with pytest.raises(DisclosureRefused):
        known_names(app, police.id, record, "gezondheid")  # politie may not provide it
    refused = last_pseudonymisation_event(app, record)
    assert (refused.outcome, refused.reason) == ("refused", "no_rule")
    known = known_names(app, police.id, record, "signalen")
    assert (known.persons.first_names, known.persons.surname) == (("Fenna", "Lotte"), "Verzinsel")
    assert known.masked is False  # politie may receive identiteit at content level
    allowed = last_pseudonymisation_event(app, record)
    assert (allowed.outcome, allowed.categories) == ("allowed", "identiteit")


def test_known_names_are_masked_for_an_author_who_may_not_see_the_identity(
    app: Flask, factories: Any, cases: CaseFactory
) -> None:
    record = register(app, factories)
    chair = factories.user(Role.chair, "gemeente")  # process level only, without need-to-know
    assert known_names(app, chair.id, record, "signalen").masked is True
    cases.involve(record, "gemeente", InvolvementReason.at_table)
    assert known_names(app, chair.id, record, "signalen").masked is False


@pytest.mark.parametrize(
    ("role", "org", "level"),
    [
        (Role.partner, "politie", Level.content),
        (Role.partner, "politie", Level.exists),
        (Role.chair, "gemeente", Level.process),
        (Role.privacy, "gemeente", Level.exists),
    ],
)
def test_the_rules_refuse_a_disabled_user_whose_session_was_not_ended(
    app: Flask,
    factories: Any,
    cases: CaseFactory,
    case: CaseRecord,
    role: Role,
    org: str,
    level: Level,
) -> None:
    """Disabling ends the sessions first; the rules' own check must hold without that."""
    cases.involve(case, org, InvolvementReason.invited)
    reader = factories.user(role, org)
    assert disclose(app, reader.id, case, level).level is level
    with in_app(app) as session:
        session.get(User, reader.id).disabled_at = utcnow()  # type: ignore[union-attr]
    with pytest.raises(DisclosureRefused):
        disclose(app, reader.id, case, level)
    assert events(app, case)[-1].reason == "inactive_user"
