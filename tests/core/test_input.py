"""What may enter: ids in URLs (plain ASCII digits within a row id's range), free text without
control characters or bidi overrides, dates within their bounds; no URL parameter causes a 5xx."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.core.routes import ROUTES, Route
from tests.core.test_access import _meeting_objects
from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token
from tests.fixtures.cases import CaseFactory, post_intake, registered_code
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.core.clock import today
from zorgtafel.core.input import MAX_ROW_ID, refused_character
from zorgtafel.meetings import operations as meeting_operations
from zorgtafel.meetings.models import Meeting

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _meeting(app: Flask, factories: Factories) -> int:
    case = CaseFactory(app).create(coordinator="politie")
    return MeetingFactory(app, factories).create([(case.id, ["politie"])]).id


@pytest.mark.parametrize(
    "segment",
    [
        lambda id_: f"0{id_}",
        lambda id_: str(id_).translate(ARABIC_INDIC),
        lambda id_: f"+{id_}",
        lambda id_: "0",
        lambda id_: str(MAX_ROW_ID + 1),
        lambda id_: str(2**63),
        lambda id_: "9" * 30,
    ],
    ids=["leading-zero", "arabic-indic", "plus", "zero", "2^31", "2^63", "thirty-nines"],
)
def test_an_int_segment_takes_plain_ascii_digits_within_a_row_id_only(
    app: Flask, client: FlaskClient, factories: Factories, login_as, segment
) -> None:  # type: ignore[no-untyped-def]
    meeting_id = _meeting(app, factories)
    login_as(Role.chair)
    assert client.get(f"/vergaderingen/{meeting_id}").status_code == 200
    assert client.get(f"/vergaderingen/{segment(meeting_id)}").status_code == 404


def test_the_largest_row_id_is_a_missing_row_not_an_error(
    client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as(Role.chair)
    assert client.get(f"/vergaderingen/{MAX_ROW_ID}").status_code == 404
    token = csrf_token(client, "/vergaderingen/nieuw")
    response = client.post(
        f"/vergaderingen/{MAX_ROW_ID}/punten/{MAX_ROW_ID + 1}/verwijderen",
        data={"csrf_token": token},
    )
    assert response.status_code == 404


# --- free text ------------------------------------------------------------------------------

REFUSED = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069"]
ACCEPTED = ["regel 1\nregel 2\r\n\tingesprongen", "مرحبا بالعالم", "שלום", "Zoë’s café — 😀"]


@pytest.mark.parametrize("text", REFUSED)
def test_control_characters_and_bidi_controls_are_refused(text: str) -> None:
    assert refused_character(f"Fictief {text} tekst") == text[0]


@pytest.mark.parametrize("text", ACCEPTED)
def test_line_breaks_tabs_and_right_to_left_script_are_plain_text(text: str) -> None:
    assert refused_character(text) is None


@pytest.fixture
def chair(client: FlaskClient, factories: Factories, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as(Role.chair)
    return client


def _cases(app: Flask) -> int:
    with in_app(app) as session:
        return session.scalar(select(func.count(Case.id))) or 0


@pytest.mark.parametrize("text", REFUSED)
@pytest.mark.parametrize("field", ["surname", "aliases", "address"])
def test_an_intake_with_a_control_character_gets_a_form_error_and_stores_nothing(
    app: Flask, chair: FlaskClient, field: str, text: str
) -> None:
    before = _cases(app)
    response = post_intake(chair, confirm_new="y", **{field: f"Fictief{text}waarde"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-fout" class="field-error">[^<]*stuur', html), html[-3000:]
    assert _cases(app) == before


def test_an_intake_in_right_to_left_script_with_line_breaks_is_registered(
    chair: FlaskClient,
) -> None:
    registered_code(post_intake(chair, confirm_new="y", aliases="مرحبا\nשלום\tx"))


@pytest.mark.parametrize("text", ["\x00", "\u202e"])
def test_a_contribution_with_a_control_character_gets_a_form_error(
    app: Flask, chair: FlaskClient, text: str
) -> None:
    code = registered_code(post_intake(chair, confirm_new="y", coordinator="gemeente"))
    path = f"/casussen/{code}/inbreng"
    data = {"category": "signalen", "text": f"Fictief{text}", "csrf_token": csrf_token(chair, path)}
    response = chair.post(path, data={**data, "preview": "1"})
    assert response.status_code == 400
    assert 'id="text-fout" class="field-error"' in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


# --- dates -----------------------------------------------------------------------------------


def _create_meeting(client: FlaskClient, starts_at: str, deadline: str = "") -> object:
    token = csrf_token(client, "/vergaderingen/nieuw")
    return client.post(
        "/vergaderingen/nieuw",
        data={
            "starts_at": starts_at,
            "location": "Zaal 1 (fictief)",
            "preparation_deadline": deadline,
            "csrf_token": token,
        },
    )


def _meetings(app: Flask) -> int:
    with in_app(app) as session:
        return session.scalar(select(func.count(Meeting.id))) or 0


@pytest.mark.parametrize(
    ("starts_at", "deadline"),
    [
        ("0001-01-01T00:00", ""),
        ("9999-12-31T23:59", ""),
        (f"{today().year + 5}-01-01T10:00", ""),
        (f"{today().year - 5}-01-01T10:00", ""),
        (f"{today().isoformat()}T10:00", "0001-01-01T00:00"),
    ],
    ids=["year-one", "year-9999", "in-five-years", "five-years-ago", "deadline-year-one"],
)
def test_a_meeting_far_from_today_gets_a_form_error_and_is_not_created(
    app: Flask, chair: FlaskClient, starts_at: str, deadline: str
) -> None:
    before = _meetings(app)
    response = _create_meeting(chair, starts_at, deadline)
    assert response.status_code == 200
    assert "jaar van vandaag" in response.get_data(as_text=True)
    assert _meetings(app) == before


def test_a_meeting_next_month_is_created(app: Flask, chair: FlaskClient) -> None:
    day = today() + timedelta(days=30)
    response = _create_meeting(chair, f"{day.isoformat()}T10:00")
    assert response.status_code == 302


def test_the_operation_refuses_a_meeting_far_from_today_too(
    app: Flask, factories: Factories
) -> None:
    from datetime import UTC, datetime

    factories.example_convenant()
    chair_id = factories.user(Role.chair, "gemeente").id
    with in_app(app) as session, pytest.raises(meeting_operations.MeetingError):
        meeting_operations.create_meeting(
            session.get(User, chair_id), datetime(9999, 12, 30, tzinfo=UTC), "Zaal (fictief)"
        )


def test_a_comensha_report_before_the_case_is_refused_and_changes_nothing(
    app: Flask, chair: FlaskClient
) -> None:
    code = registered_code(post_intake(chair, confirm_new="y", coordinator="gemeente"))
    path = f"/casussen/{code}/comensha"
    token = csrf_token(chair, f"/casussen/{code}")
    before = (today() - timedelta(days=1)).isoformat()
    data = {"reported_on": before, "by_partner": "politie", "csrf_token": token}
    response = chair.post(path, data=data, follow_redirects=True)
    assert "niet vóór de registratie" in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalar(select(Case).where(Case.code == code)).comensha_reported_on is None
    response = chair.post(path, data={**data, "reported_on": today().isoformat()})
    with in_app(app) as session:
        assert session.scalar(select(Case).where(Case.code == code)).comensha_reported_on == today()


# --- every route's parameters ----------------------------------------------------------------

PARAMETERS = ("other_user_id", "convenant_version_id", "case_code", "meeting_id", "item_id")
VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=0, max_value=10**6).map(lambda n: f"0{n}"),
    st.integers(min_value=0, max_value=10**6).map(lambda n: str(n).translate(ARABIC_INDIC)),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
    st.sampled_from(["ZT-2026-0001", "ZT-1999-0000", "%00", "..", "١", "9" * 19, "-1"]),
)
PARAMETERISED = [route for route in ROUTES if any(f"{{{p}}}" in route.path for p in PARAMETERS)]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def objects(app: Flask, client: FlaskClient, factories: Factories, login_as) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Real objects for every parameter a route's path holds, and a chair logged in."""
    versions = factories.example_convenant()
    other = factories.user(Role.partner, "politie")
    found = {"other_user_id": other.id, "convenant_version_id": versions[-1]}
    found |= _meeting_objects(app, factories)
    found["case_code"] = CaseFactory(app).create(coordinator="politie").code
    login_as(Role.chair)
    found["csrf_token"] = csrf_token(client, "/")
    return {key: str(value) for key, value in found.items()}


@pytest.mark.slow
@pytest.mark.parametrize("route", PARAMETERISED, ids=lambda r: f"{r.method} {r.endpoint}")
@FUZZ
@given(value=VALUES, which=st.integers(min_value=0, max_value=4))
def test_no_url_parameter_causes_a_server_error(
    client: FlaskClient, objects: dict[str, str], route: Route, value: str, which: int
) -> None:
    present = [p for p in PARAMETERS if f"{{{p}}}" in route.path]
    fuzzed = present[which % len(present)]
    filled = {**objects, fuzzed: quote(value, safe="")}
    path = route.path.format(**filled)
    if route.method == "GET":
        response = client.get(path)
    else:
        response = client.open(
            path, method=route.method, data={"csrf_token": objects["csrf_token"]}
        )
    with client.session_transaction() as session:
        session.pop("_flashes", None)
    assert response.status_code < 500, (path, response.status_code)
