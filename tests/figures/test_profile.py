"""A case's coded profile: entered at intake or later by the chair, codes only, labelled."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token
from tests.fixtures.cases import post_intake, registered_code
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import vocabulary
from zorgtafel.cases.models import Case
from zorgtafel.figures.codes import (
    AgeBand,
    Exploitation,
    Gender,
    NotRegisteredReason,
    SignalSource,
)
from zorgtafel.figures.models import CaseProfile
from zorgtafel.figures.operations import Profile, ProfileError

PROFILE = {
    "municipality": "GM9002",
    "age_band": "12_15",
    "gender": "female",
    "exploitation": "sexual",
    "signal_source": "school",
    "comensha_reason": "no_consent",
}


@pytest.fixture(autouse=True)
def _convenant(factories: Factories) -> None:
    factories.example_convenant()


def _profile(app: Flask, code: str) -> CaseProfile | None:
    with in_app(app) as session:
        case_id = session.scalar(select(Case.id).where(Case.code == code))
        profile = session.get(CaseProfile, case_id)
        session.expunge_all()
        return profile


def test_the_chair_records_the_profile_at_intake(app: Flask, client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    code = registered_code(post_intake(client, **PROFILE))
    profile = _profile(app, code)
    assert profile is not None
    assert profile.municipality == "GM9002"
    assert profile.age_band is AgeBand.age_12_15
    assert profile.gender is Gender.female
    assert profile.exploitation is Exploitation.sexual
    assert profile.signal_source is SignalSource.school
    assert profile.comensha_reason is NotRegisteredReason.no_consent


def test_an_intake_without_profile_leaves_every_field_unknown(
    app: Flask, client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    profile = _profile(app, registered_code(post_intake(client)))
    assert profile is not None
    assert (profile.municipality, profile.age_band, profile.exploitation) == (None, None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("municipality", "Voorbeeldstad"),
        ("municipality", "GM0363"),
        ("age_band", "14"),
        ("gender", "vrouw"),
        ("exploitation", "seksueel; via Instagram"),
        ("signal_source", "<script>"),
        ("comensha_reason", "de ouders wilden het niet"),
    ],
)
def test_free_text_in_a_profile_field_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, login_as, field: str, value: str
) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    with in_app(app) as session:
        before = session.scalar(select(func.count()).select_from(Case))
    response = post_intake(client, **{**PROFILE, field: value})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True) or "geldige" in (
        response.get_data(as_text=True)
    )
    with in_app(app) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == before


def test_the_chair_records_or_corrects_the_profile_later_on_the_case_page(
    app: Flask, client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    code = registered_code(post_intake(client))
    page = client.get(f"/casussen/{code}").get_data(as_text=True)
    assert 'id="kenmerken"' in page
    data = {**PROFILE, "csrf_token": csrf_token(client, f"/casussen/{code}")}
    response = client.post(f"/casussen/{code}/kenmerken", data=data)
    assert response.status_code == 302
    profile = _profile(app, code)
    assert profile is not None
    assert profile.exploitation is Exploitation.sexual
    page = client.get(f"/casussen/{code}").get_data(as_text=True)
    assert '<option selected value="sexual">' in page
    data = {**PROFILE, "exploitation": "criminal", "csrf_token": data["csrf_token"]}
    client.post(f"/casussen/{code}/kenmerken", data=data)
    profile = _profile(app, code)
    assert profile is not None
    assert profile.exploitation is Exploitation.criminal
    with in_app(app) as session:
        updates = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == code, AuditEvent.reason == "profile_recorded"
            )
        ).all()
        assert len(updates) == 3  # at intake, and twice on the case page
        assert all(event.purpose == "case_work" for event in updates)


def test_a_forged_profile_changes_nothing(app: Flask, client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    code = registered_code(post_intake(client, **PROFILE))
    data = {**PROFILE, "gender": "iets anders", "csrf_token": csrf_token(client, "/")}
    client.post(f"/casussen/{code}/kenmerken", data=data)
    profile = _profile(app, code)
    assert profile is not None
    assert profile.gender is Gender.female


def test_a_partner_never_sees_the_profile_form(
    app: Flask, client: FlaskClient, factories: Factories, login_as, cases
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(coordinator="politie")
    login_as("partner", "politie")
    page = client.get(f"/casussen/{case.code}").get_data(as_text=True)
    assert 'id="kenmerken"' not in page


def test_a_profile_takes_codes_only() -> None:
    with pytest.raises(ProfileError):
        Profile(municipality="Voorbeeldstad")
    with pytest.raises(ProfileError):
        Profile(gender="female")  # type: ignore[arg-type]


def test_every_profile_code_has_a_dutch_and_an_english_label(app: Flask) -> None:
    kinds = (AgeBand, Gender, Exploitation, SignalSource, NotRegisteredReason)
    assert set(kinds) <= set(vocabulary())
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        dutch = {code: code.label for kind in kinds for code in kind}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = {code: code.label for kind in kinds for code in kind}
    assert dutch[Exploitation.labour] == "arbeidsuitbuiting"
    assert english[Exploitation.labour] == "labour exploitation"
    untranslated = [code for code in dutch if dutch[code] == english[code]]
    assert untranslated == []
