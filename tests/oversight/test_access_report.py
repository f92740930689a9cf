"""Issue 15 point 6: the access report (AVG art. 15). The privacy officer searches by BSN or by
name and birth date through the keyed lookup hashes (a POST; the search is a logged reveal);
the report lists every case with a copy of the data held, its categories and sources, the
purposes, every release with its date, the retention terms and the deadline; a partner's
partial refusal withholds its part with a reason; a Dutch PDF marked Vertrouwelijk.
All data is fictitious."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import csrf_token
from tests.fixtures.cases import CaseFactory, CaseRecord, example_convenant, read_contents
from tests.fixtures.minutes import MinutesTable
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role, User
from zorgtafel.oversight.access_requests import AccessRequest
from zorgtafel.privacy.gate.access_report import add_months, find_subject
from zorgtafel.privacy.gate.kernel import DisclosureRefused
from zorgtafel.privacy.lookup import lookups_for

POLICE_TEXT = "Fictief: [BETROKKENE] is gezien bij een verdachte woning."


@pytest.fixture(autouse=True)
def _pseudonymiser(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("pseudonymiser_without_deduce")


def search(client: FlaskClient, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/fg/inzage")
    return client.post("/fg/inzage", data={"csrf_token": token, **data})


def officer(t: MinutesTable) -> FlaskClient:
    return t.client(Role.privacy, "gemeente")


def with_police_release(app: Flask, t: MinutesTable) -> None:
    """Politie adds information and reads the case: a release to politie in the log."""
    politie = t.factories.user(Role.partner, "politie")
    record = CaseRecord(t.case_id, t.case_code)
    CaseFactory(app).contribute(record, politie.id, "signalen", POLICE_TEXT)
    read_contents(app, politie.id, [t.case_id])


def events(app: Flask, **where: str) -> list[AuditEvent]:
    with in_app(app) as session:
        query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.seq)
        return list(session.scalars(query))


def test_a_search_by_bsn_is_a_logged_reveal_and_the_report_holds_copy_sources_and_releases(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    with_police_release(app, t)
    fg = officer(t)
    response = search(fg, received_on="2026-11-30", bsn="111222333")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/fg/inzage/\d+", location)  # nothing of the person in the URL
    (reveal,) = events(app, action="reveal_identity", purpose="access_request")
    assert reveal.object_id == t.case_code
    assert reveal.actor_role == "privacy"
    html = fg.get(location).get_data(as_text=True)
    assert f'data-case="{t.case_code}"' in html
    assert "Verzinsel" in html  # the copy of the identity held
    assert "111222333" in html
    assert "is gezien bij een verdachte woning" in html  # the copy of the contribution
    held = re.search(r'<table class="held">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "Politie eenheid Voorbeeldland" in held  # its source
    releases = re.search(r'<table class="releases">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "Politie eenheid Voorbeeldland" in releases
    assert example_convenant().purpose in html
    assert "Antwoord uiterlijk 30-12-2026" in html
    assert "te verlengen tot 28-02-2027" in html
    assert "jaar na het afsluiten" in html
    # reading the report is a content disclosure for the access request, all categories named
    (read,) = events(app, action="read", purpose="access_request", object_id=t.case_code)
    assert read.level == "content"
    assert "identiteit" in read.categories
    assert "signalen" in read.categories


def test_a_search_by_name_and_birth_date_finds_the_same_case(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    fg = officer(t)
    response = search(
        fg, received_on="2026-11-30", first_name="fenna", surname="VERZINSEL",
        birth_date="2010-04-05",
    )  # fmt: skip
    assert response.status_code == 303
    assert t.case_code in fg.get(response.headers["Location"]).get_data(as_text=True)


def test_a_search_without_bsn_or_full_name_is_refused_and_stores_nothing(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    fg = officer(t)
    assert search(fg, received_on="2026-11-30", first_name="Fenna").status_code == 400
    assert search(fg, received_on="2026-11-30", bsn="123456789").status_code == 400  # elfproef
    assert search(fg, received_on="2999-01-01", bsn="111222333").status_code == 400
    with in_app(app) as session:
        assert session.scalars(select(AccessRequest)).all() == []
    assert events(app, purpose="access_request") == []


def test_a_search_that_finds_nothing_is_logged_and_answered_so(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    fg = officer(t)
    response = search(fg, received_on="2026-11-30", bsn="123456782")
    html = fg.get(response.headers["Location"]).get_data(as_text=True)
    assert "In de zorgtafel zijn geen gegevens over u gevonden." in html
    (searched,) = events(app, action="search", purpose="access_request")
    assert searched.object_id is None


def test_a_partners_partial_refusal_withholds_its_part_with_the_ground(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    with_police_release(app, t)
    fg = officer(t)
    location = search(fg, received_on="2026-11-30", bsn="111222333").headers["Location"]
    response = fg.post(
        location + "/weigering",
        data={
            "csrf_token": csrf_token(fg, location),
            "case": t.case_code,
            "partner": "politie",
            "category": "signalen",
            "ground": "wpg",
            "explanation": "Lopend opsporingsonderzoek (Wpg art. 27).",
        },
    )
    assert response.status_code == 303
    html = fg.get(location).get_data(as_text=True)
    assert "is gezien bij een verdachte woning" not in html
    assert "Niet verstrekt (zie gedeeltelijke weigering)." in html
    assert "Wet politiegegevens (Wpg)" in html
    assert "Lopend opsporingsonderzoek" in html
    assert events(app, reason="access_partly_refused")
    # a part that is not the request's own case is refused and changes nothing
    bad = fg.post(
        location + "/weigering",
        data={"csrf_token": csrf_token(fg, location), "case": "ZT-1999-0000"},
    )
    assert bad.status_code == 303
    with in_app(app) as session:
        assert len(session.scalars(select(AccessRequest)).one().refusals) == 1


def test_the_deadline_is_extended_by_two_months(app: Flask, minutes_table: MinutesTable) -> None:
    t = minutes_table
    fg = officer(t)
    location = search(fg, received_on="2026-11-30", bsn="111222333").headers["Location"]
    token = csrf_token(fg, location)
    assert fg.post(location + "/verlengen", data={"csrf_token": token}).status_code == 303
    html = fg.get(location).get_data(as_text=True)
    assert "antwoord uiterlijk 28-02-2027" in html
    assert events(app, reason="access_extended")
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)


def test_the_pdf_is_dutch_marked_vertrouwelijk_and_its_export_logged(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    with_police_release(app, t)
    fg = officer(t)
    location = search(fg, received_on="2026-11-30", bsn="111222333").headers["Location"]
    fg.post("/taal", data={"csrf_token": csrf_token(fg, "/"), "locale": "en"})
    response = fg.get(location + ".pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "VERTROUWELIJK" in text
    assert "Inzage in uw gegevens" in text  # Dutch, though the officer reads English
    assert t.case_code in text
    assert "Verzinsel" in text
    (export,) = events(app, action="export", purpose="access_request")
    assert export.object_id == t.case_code


def test_nobody_but_the_privacy_officer_searches(app: Flask, minutes_table: MinutesTable) -> None:
    t = minutes_table
    for role, org in ((Role.partner, "politie"), (Role.chair, "gemeente")):
        user = t.factories.user(role, org)
        with in_app(app) as session:
            reader, lookups = session.get(User, user.id), lookups_for("111222333", (), "", None)
            with pytest.raises(DisclosureRefused):
                find_subject(reader, lookups, example_convenant())
