"""The processing register (AVG art. 30) generated from the convenant version in force, as a
page, CSV and PDF, and the difference between two versions; compiling it is logged."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient

from tests.fixtures.audit import AuditFactory
from tests.fixtures.auth import UserRecord
from tests.fixtures.cases import example_convenant
from zorgtafel.audit.vocabulary import AuditAction, ObjectType


def test_the_register_holds_every_part_of_article_30(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    response = client.get("/fg/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    convenant = example_convenant()
    for heading in (
        "Verwerkingsverantwoordelijken", "Doel van de verwerking", "Categorieën betrokkenen",
        "Categorieën persoonsgegevens", "Ontvangers", "Rechtsgronden", "Bewaartermijnen",
        "Beveiligingsmaatregelen",
    ):  # fmt: skip
        assert heading in html
    assert convenant.partner("politie").name in html
    assert "AVG art. 9" in html
    assert f"{convenant.category('signalen').label}: {convenant.partner('politie').name}" in html
    assert "Politiewet 2012 art. 3" in html  # a legal ground
    assert f"{convenant.retention.audit_log_years} jaar" in html
    assert "met toestemming (art. 8.1)" in html  # gezondheid to gemeente
    newest = audit.newest()[0]
    assert (newest.action, newest.object_type) == (
        AuditAction.read.value,
        ObjectType.processing_register.value,
    )


def test_the_register_as_csv_and_pdf_are_logged_exports(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    response = client.get("/fg/register.csv")
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Onderdeel", "Omschrijving", "Toelichting"]
    assert {row[0] for row in rows[1:]} >= {"Ontvangers", "Bewaartermijnen"}
    assert audit.newest()[0].action == AuditAction.export.value
    pdf = client.get("/fg/register.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")


def test_the_difference_between_two_versions(client: FlaskClient, fg: UserRecord) -> None:
    response = client.get("/fg/register/verschil")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    convenant = example_convenant()
    added, removed = html.split("Vervallen sinds")
    leerplicht = f"{convenant.category('signalen').label}: {convenant.partner('leerplicht').name}"
    pmw = f"{convenant.category('gezin-netwerk').label}: {convenant.partner('pmw').name}"
    assert leerplicht in added  # 1.1 lets leerplicht receive signalen (art. 6.13)
    assert pmw in removed  # 1.1 no longer lets pmw receive gezin-netwerk (art. 6.10)
    assert pmw not in added
