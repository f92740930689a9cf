"""Words on the case screens: every code has a label in both languages, the page tells each role
truly what it sees, the intake form summarises its errors. All data is fictitious."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory, post_intake
from zorgtafel.auth.models import Role
from zorgtafel.cases.forms import involvement_label, reason_label, reporter_label, stage_label
from zorgtafel.cases.models import InvolvementReason, Reporter, Stage, StageReason

LABELLED = (
    (Stage, stage_label),
    (Reporter, reporter_label),
    (StageReason, reason_label),
    (InvolvementReason, involvement_label),
)


@pytest.fixture(autouse=True)
def _convenant(factories: Factories) -> None:
    factories.example_convenant()


@pytest.mark.parametrize(("codes", "label"), LABELLED, ids=[c.__name__ for c, _ in LABELLED])
def test_every_code_has_a_dutch_and_an_english_label(app: Flask, codes, label) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        for code in codes:
            with force_locale("nl"):
                dutch = label(code)
            with force_locale("en"):
                english = label(code)
            assert dutch, code
            assert english, code
    # the English catalogue translates the words that differ (a few are the same: "triage")
    with app.test_request_context(), force_locale("en"):
        assert stage_label(Stage.melding) == "report"


def test_the_privacy_officer_is_told_it_never_sees_content(
    client: FlaskClient, cases: CaseFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(coordinator="politie")
    login_as(Role.privacy)
    html = client.get(f"/casussen/{case.code}").get_data(as_text=True)
    (said,) = re.findall(r'<p id="inbreng-niveau">(.*?)</p>', html, re.S)
    assert "nooit de inhoud" in said
    assert "alleen als uw organisatie" not in said


def test_the_chair_is_told_what_decides_whether_it_sees_content(
    client: FlaskClient, cases: CaseFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(coordinator="politie")
    login_as(Role.chair)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/casussen/{case.code}").get_data(as_text=True)
    (said,) = re.findall(r'<p id="inbreng-niveau">(.*?)</p>', html, re.S)
    assert "only if your organisation is involved" in said
    assert "the categories the convenant lets it receive" in said


def test_the_intake_form_summarises_its_errors_with_a_link_to_each_field(
    client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as(Role.chair)
    response = post_intake(client, first_names="", bsn="111222334", involved=["onbekend"])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert summary, "no error summary"
    assert 'role="alert"' in summary.group(0)
    assert "autofocus" in summary.group(0)  # the first thing focused after the submit
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0)))
    assert set(links) == {"first_names", "bsn", "involved-0"}  # a group: its first choice
    assert links["first_names"].startswith("Voornamen: ")
    for target in links:
        assert f'id="{target}"' in html
    # each field in error says so itself, and points to its own message
    assert re.search(r'<input [^>]*aria-invalid="true"[^>]*id="first_names"', html) or re.search(
        r'<input [^>]*id="first_names"[^>]*aria-invalid="true"', html
    )
    assert 'aria-describedby="first_names-fout"' in html


def test_no_form_field_carries_an_aria_attribute_without_a_value(
    client: FlaskClient, cases: CaseFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(coordinator="gemeente")
    login_as(Role.chair)
    for path in ("/casussen/nieuw", f"/casussen/{case.code}/inbreng", "/account/wachtwoord"):
        html = client.get(path).get_data(as_text=True)
        assert "<input" in html or "<select" in html, path
        assert not re.search(r'aria-[a-z]+="None"', html), path
    html = post_intake(client, first_names="").get_data(as_text=True)
    assert not re.search(r'aria-[a-z]+="None"', html)


def test_the_intake_checkboxes_are_a_group_without_list_bullets(
    client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as(Role.chair)
    html = client.get("/casussen/nieuw").get_data(as_text=True)
    group = re.search(r'<fieldset class="checkboxes partners".*?</fieldset>', html, re.S)
    assert group, "the partners are no fieldset group"
    assert "<legend>Betrokken ketenpartners</legend>" in group.group(0)
    assert '<ul class="choices" id="involved">' in group.group(0)
