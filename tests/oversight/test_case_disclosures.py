"""Per case, every disclosure of its data (when, organisation and user, categories, article,
need-to-know reason, allowed or refused) as a page, CSV and PDF; each a logged oversight read."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import in_app
from tests.fixtures.audit import AuditFactory
from tests.fixtures.auth import Factories, UserRecord, login
from tests.fixtures.cases import CaseFactory, CaseRecord, example_convenant, read_contents
from zorgtafel.audit.vocabulary import AuditAction, Basis, Level, ObjectType, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.privacy.gate import DisclosureRefused, oversight


@pytest.fixture
def disclosed(
    app: Flask, factories: Factories, cases: CaseFactory, fg: UserRecord
) -> tuple[CaseRecord, UserRecord, UserRecord]:
    """A case coordinated by politie whose contribution politie read; om tried and was refused."""
    case = cases.create(coordinator="politie")
    politie = factories.user(Role.partner, "politie")
    om = factories.user(Role.partner, "om")
    cases.contribute(case, politie.id, "signalen")
    read_contents(app, politie.id, [case.id])
    other = app.test_client()
    login(other, om)
    assert other.get(f"/casussen/{case.code}").status_code == 404  # refused, and logged
    return case, politie, om


def test_the_page_shows_every_disclosure_in_words(
    client: FlaskClient, disclosed: tuple[CaseRecord, UserRecord, UserRecord]
) -> None:
    case, politie, om = disclosed
    response = client.get(f"/fg/verstrekkingen/{case.code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    convenant = example_convenant()
    assert convenant.partner("politie").name in html
    assert convenant.partner("om").name in html
    assert politie.email in html
    assert om.email in html
    assert convenant.category("signalen").label in html
    assert "art. 6.2" in html  # the article politie receives signalen on
    assert "casuscoördinator" in html  # the need-to-know it rested on
    assert "geen noodzaak (need-to-know)" in html  # why om was refused
    assert "toegestaan" in html
    assert "<mark>geweigerd</mark>" in html
    assert "aangemaakt" not in html  # writes are no disclosures


def test_opening_the_report_is_a_logged_oversight_read_of_the_case(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory, cases: CaseFactory
) -> None:
    case = cases.create(coordinator="politie")
    assert client.get(f"/fg/verstrekkingen/{case.code}").status_code == 200
    newest = audit.newest()[0]
    assert (newest.actor_user_id, newest.action, newest.object_type, newest.object_id) == (
        fg.id,
        AuditAction.read.value,
        ObjectType.case.value,
        case.code,
    )
    assert (newest.level, newest.purpose, newest.reason) == (
        Level.process.value,
        Purpose.oversight.value,
        Basis.privacy_officer.value,
    )
    # and the next report lists that read too
    html = client.get(f"/fg/verstrekkingen/{case.code}").get_data(as_text=True)
    assert "toezicht door de FG" in html


def test_the_csv_holds_one_row_per_event_in_words(
    client: FlaskClient, disclosed: tuple[CaseRecord, UserRecord, UserRecord], audit: AuditFactory
) -> None:
    case, politie, _om = disclosed
    response = client.get(f"/fg/verstrekkingen/{case.code}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Tijdstip", "Organisatie", "Gebruiker", "Handeling", "Niveau", "Categorieën", "Artikel",
        "Grond of reden (need-to-know)", "Doel", "Uitkomst",
    ]  # fmt: skip
    politie_rows = [row for row in rows[1:] if politie.email in row[2]]
    assert politie_rows
    assert {row[6] for row in politie_rows} == {"art. 6.2"}
    assert {row[9] for row in rows[1:]} == {"toegestaan", "geweigerd"}
    newest = audit.newest()[0]
    assert (newest.action, newest.object_id) == (AuditAction.export.value, case.code)


def test_the_pdf_is_a_logged_export(
    client: FlaskClient, disclosed: tuple[CaseRecord, UserRecord, UserRecord], audit: AuditFactory
) -> None:
    case, _politie, _om = disclosed
    response = client.get(f"/fg/verstrekkingen/{case.code}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    newest = audit.newest()[0]
    assert (newest.action, newest.object_id, newest.purpose) == (
        AuditAction.export.value,
        case.code,
        Purpose.oversight.value,
    )


def test_a_case_is_found_by_its_code(
    client: FlaskClient, fg: UserRecord, cases: CaseFactory
) -> None:
    case = cases.create()
    response = client.get(f"/fg/verstrekkingen?code={case.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/fg/verstrekkingen/{case.code}"


def test_a_bad_code_gets_a_clear_error(client: FlaskClient, fg: UserRecord) -> None:
    response = client.get("/fg/verstrekkingen?code=%3Cscript%3E")
    assert response.status_code == 400
    assert "Een casuscode, zoals ZT-2026-0042." in response.get_data(as_text=True)


def test_a_chair_asking_the_gate_for_the_report_is_refused_and_logged(
    app: Flask, factories: Factories, cases: CaseFactory, audit: AuditFactory
) -> None:
    factories.example_convenant()
    case = cases.create()
    chair = factories.user(Role.chair, "gemeente")
    with in_app(app) as session, pytest.raises(DisclosureRefused):
        oversight.case_disclosures(
            session.get(User, chair.id), session.get(Case, case.id), example_convenant()
        )
    newest = audit.newest()[0]
    assert (newest.actor_user_id, newest.object_id, newest.outcome) == (
        chair.id,
        case.code,
        "refused",
    )
