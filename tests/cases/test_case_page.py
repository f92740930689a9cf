"""The case page through the gate: categories per partner, identity on request, 404s, lists."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from tests.fixtures.cases import (
    CaseFactory,
    example_convenant,
    page_categories,
    post_intake,
    registered_code,
)
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Case, InvolvementReason, Stage
from zorgtafel.convenant.rights import may_receive, providable_categories

CONVENANT = example_convenant()
PARTNERS = [p.code for p in CONVENANT.partners]


def same_body(response) -> str:  # type: ignore[no-untyped-def]
    """The body without what differs per response anyway (CSP nonce, CSRF token)."""
    return re.sub(r'(value|nonce)="[^"]*"', "", response.get_data(as_text=True))


def marker(category: str) -> str:
    return f"Fictieve inbreng in {category}"


@pytest.fixture
def full_case(app: Flask, factories: Factories, cases: CaseFactory):  # type: ignore[no-untyped-def]
    """A case with one contribution in every category, each by a partner that may provide it."""
    factories.example_convenant()
    case = cases.create(coordinator="veilig-thuis", stage=Stage.aanpak)
    providers: dict[str, int] = {}
    for category in CONVENANT.categories:
        org = next(p for p in PARTNERS if category.code in providable_categories(CONVENANT, p))
        if org not in providers:
            providers[org] = factories.user(Role.partner, org).id
        cases.contribute(case, providers[org], category.code, marker(category.code))
    return case


@pytest.mark.parametrize("partner", PARTNERS)
def test_each_partner_sees_exactly_the_categories_its_rules_allow(
    client: FlaskClient, factories: Factories, cases: CaseFactory, full_case, partner: str
) -> None:  # type: ignore[no-untyped-def]
    cases.involve(full_case, partner, InvolvementReason.invited)
    login(client, factories.user(Role.partner, partner))
    html = client.get(f"/casussen/{full_case.code}").get_data(as_text=True)
    allowed = {c.code for c in CONVENANT.categories if may_receive(CONVENANT, partner, c.code)}
    assert page_categories(html) == allowed
    for category in CONVENANT.categories:
        assert (marker(category.code) in html) is (category.code in allowed), category.code


def test_recorded_consent_opens_a_consent_category(
    app: Flask, factories: Factories, cases: CaseFactory, full_case
) -> None:  # type: ignore[no-untyped-def]
    cases.involve(full_case, "mee", InvolvementReason.invited)
    chair, mee = app.test_client(), app.test_client()
    login(chair, factories.user(Role.chair, "gemeente"))
    login(mee, factories.user(Role.partner, "mee"))
    assert marker("gezondheid") not in mee.get(f"/casussen/{full_case.code}").get_data(True)
    token = csrf_token(chair, f"/casussen/{full_case.code}")
    response = chair.post(
        f"/casussen/{full_case.code}/toestemming",
        data={"rule": "mee/gezondheid", "csrf_token": token},
    )
    assert response.status_code == 302
    assert marker("gezondheid") in mee.get(f"/casussen/{full_case.code}").get_data(True)


def test_withdrawn_consent_closes_the_category_again_logged(
    app: Flask, factories: Factories, cases: CaseFactory, full_case
) -> None:  # type: ignore[no-untyped-def]
    """AVG art. 7(3): a withdrawal has a date and who recorded it; from then on the category
    is refused, and the refusal is logged."""
    from datetime import timedelta

    from zorgtafel.cases.models import Consent

    cases.involve(full_case, "mee", InvolvementReason.invited)
    chair, mee = app.test_client(), app.test_client()
    chair_user = factories.user(Role.chair, "gemeente")
    login(chair, chair_user)
    login(mee, factories.user(Role.partner, "mee"))
    path = f"/casussen/{full_case.code}"
    token = csrf_token(chair, path)
    chair.post(f"{path}/toestemming", data={"rule": "mee/gezondheid", "csrf_token": token})
    assert marker("gezondheid") in mee.get(path).get_data(True)
    withdraw = f"{path}/toestemming/intrekken"
    future = (date.today() + timedelta(days=2)).isoformat()
    chair.post(
        withdraw, data={"rule": "mee/gezondheid", "withdrawn_on": future, "csrf_token": token}
    )
    assert marker("gezondheid") in mee.get(path).get_data(True)  # a future date: refused
    response = chair.post(
        withdraw,
        data={
            "rule": "mee/gezondheid",
            "withdrawn_on": date.today().isoformat(),
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "De toestemming is ingetrokken." in response.get_data(as_text=True)
    assert "ingetrokken " + date.today().strftime("%d-%m-%Y") in response.get_data(as_text=True)
    assert marker("gezondheid") not in mee.get(path).get_data(True)
    with in_app(app) as session:
        consent = session.scalars(select(Consent)).one()
        assert consent.withdrawn_at is not None
        assert consent.withdrawn_by_user_id == chair_user.id
        withdrawn = session.scalars(
            select(AuditEvent).where(AuditEvent.reason == "consent_withdrawn")
        ).all()
        assert [(e.actor_user_id, e.categories) for e in withdrawn] == [
            (chair_user.id, "gezondheid")
        ]
        refused = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == full_case.code,
                AuditEvent.actor_org == "mee",
                AuditEvent.categories == "gezondheid",
            )
        ).all()
        assert [e.outcome for e in refused][-1] == "refused"
        assert refused[-1].reason == "consent_required"
    again = chair.post(
        withdraw,
        data={
            "rule": "mee/gezondheid",
            "withdrawn_on": date.today().isoformat(),
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "Kies een datum vanaf de toestemming tot vandaag." in again.get_data(as_text=True)


def test_another_partners_case_answers_like_a_missing_one(
    app: Flask, client: FlaskClient, login_as, cases: CaseFactory, factories: Factories
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    case = cases.create(coordinator="veilig-thuis")
    login_as("partner", "politie")
    forbidden = client.get(f"/casussen/{case.code}")
    missing = client.get("/casussen/ZT-2026-00000000")
    assert forbidden.status_code == missing.status_code == 404
    assert same_body(forbidden) == same_body(missing)
    assert client.get(f"/casussen/{case.code}/inbreng").status_code == 404
    token = csrf_token(client, "/")
    assert (
        client.post(f"/casussen/{case.code}/identiteit", data={"csrf_token": token}).status_code
        == 404
    )
    with in_app(app) as session:
        refused = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == case.code, AuditEvent.outcome == "refused"
            )
        ).all()
        assert {e.reason for e in refused} == {"no_need_to_know"}


def test_identity_only_on_request_logged_and_for_that_response_only(
    app: Flask, client: FlaskClient, login_as, factories: Factories
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as("chair")
    code = registered_code(post_intake(client))
    client = app.test_client()
    login(client, factories.user(Role.partner, "politie"))
    page = client.get(f"/casussen/{code}").get_data(as_text=True)
    assert "Verzinsel" not in page
    assert "Toon identiteit" in page
    token = csrf_token(client, f"/casussen/{code}")
    revealed = client.post(f"/casussen/{code}/identiteit", data={"csrf_token": token})
    assert revealed.status_code == 200
    assert revealed.headers["Cache-Control"] == "no-store"
    html = revealed.get_data(as_text=True)
    assert "Fenna Lotte Verzinsel" in html
    assert "111222333" in html
    assert "moeder: Greetje" in html
    assert "Verzinsel" not in client.get(f"/casussen/{code}").get_data(as_text=True)
    with in_app(app) as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == code, AuditEvent.action == "reveal_identity"
            )
        ).one()
        assert event.outcome == "allowed"
        assert event.actor_org == "politie"
        assert "identiteit" in (event.categories or "")


def test_comensha_without_consent_gets_no_identity_button_and_a_404(
    app: Flask, client: FlaskClient, factories: Factories, cases: CaseFactory
) -> None:
    factories.example_convenant()
    case = cases.create(coordinator="veilig-thuis")
    cases.involve(case, "comensha", InvolvementReason.invited)
    login(client, factories.user(Role.partner, "comensha"))
    assert "Toon identiteit" not in client.get(f"/casussen/{case.code}").get_data(True)
    token = csrf_token(client, "/")
    response = client.post(f"/casussen/{case.code}/identiteit", data={"csrf_token": token})
    assert response.status_code == 404
    with in_app(app) as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == case.code, AuditEvent.action == "reveal_identity"
            )
        ).one()
        assert (event.outcome, event.reason) == ("refused", "consent_required")


def test_lists_chair_all_with_filters_partner_only_involved(
    client: FlaskClient, factories: Factories, cases: CaseFactory
) -> None:
    factories.example_convenant()
    one = cases.create(coordinator="veilig-thuis", stage=Stage.triage)
    two = cases.create(coordinator="politie", stage=Stage.aanpak)
    login(client, factories.user(Role.chair, "gemeente"))
    html = client.get("/casussen").get_data(as_text=True)
    assert one.code in html
    assert two.code in html
    html = client.get("/casussen?fase=triage").get_data(as_text=True)
    assert one.code in html
    assert two.code not in html
    html = client.get("/casussen?coordinator=politie").get_data(as_text=True)
    assert one.code not in html
    assert two.code in html
    assert client.get("/casussen?fase=onzin").status_code == 400
    client = client.application.test_client()
    login(client, factories.user(Role.partner, "politie"))
    html = client.get("/casussen").get_data(as_text=True)
    assert one.code not in html
    assert two.code in html


def test_stage_change_with_reason_and_comensha_melding(
    app: Flask, client: FlaskClient, factories: Factories, cases: CaseFactory
) -> None:
    factories.example_convenant()
    case = cases.create(coordinator="gemeente", stage=Stage.melding)
    login(client, factories.user(Role.chair, "gemeente"))
    page = client.get(f"/casussen/{case.code}").get_data(as_text=True)
    assert "Melding bij CoMensha staat nog open" in page
    token = csrf_token(client, f"/casussen/{case.code}")
    client.post(
        f"/casussen/{case.code}/fase",
        data={"stage": "triage", "reason": "signals_confirmed", "csrf_token": token},
    )
    refused = client.post(
        f"/casussen/{case.code}/comensha",
        data={"reported_on": date.today().isoformat(), "by_partner": "politie",
              "with_identity": "y", "csrf_token": token},
    )  # fmt: skip
    assert refused.status_code == 302
    with in_app(app) as session:
        assert session.get(Case, case.id).comensha_reported_on is None  # type: ignore[union-attr]
    client.post(
        f"/casussen/{case.code}/comensha",
        data={"reported_on": date.today().isoformat(), "by_partner": "politie",
              "csrf_token": token},
    )  # fmt: skip
    page = client.get(f"/casussen/{case.code}").get_data(as_text=True)
    assert "Melding bij CoMensha staat nog open" not in page
    assert "geanonimiseerd" in page
    assert "signalen bevestigd" in page
    with in_app(app) as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        assert stored.stage is Stage.triage
        assert stored.comensha_reported_by == "politie"
        assert stored.comensha_with_identity is False
        assert [c.reason.value for c in stored.stage_changes] == ["signals_confirmed"]


def test_an_outstanding_comensha_melding_says_what_by_whom_and_links_the_action(
    app: Flask, factories: Factories
) -> None:
    factories.example_convenant()
    chair, politie = app.test_client(), app.test_client()
    login(chair, factories.user(Role.chair, "gemeente"))
    login(politie, factories.user(Role.partner, "politie"))
    code = registered_code(post_intake(chair))  # stage melding, coordinator veilig-thuis
    html = chair.get(f"/casussen/{code}").get_data(as_text=True)
    banner = re.search(r'<div class="flash flash-error" id="comensha-open".*?</div>', html, re.S)
    assert banner
    assert "de casuscoördinator, Veilig Thuis Voorbeeldland, meldt" in banner.group(0)
    assert "vóór de eerstvolgende zorgtafel" in banner.group(0)
    assert '<a href="#comensha-melding">' in banner.group(0)
    assert 'id="comensha-melding"' in html
    seen = politie.get(f"/casussen/{code}").get_data(as_text=True)
    assert "de casuscoördinator, Veilig Thuis Voorbeeldland, meldt" in seen
    assert "#comensha-melding" not in seen  # only the chair records it
