"""Intake by the chair: sealed identity, partners, first stage, validation, 'already known?'."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import INTAKE, post_intake, registered_code
from zorgtafel.audit.models import AuditEvent
from zorgtafel.cases.identity import bsn_valid, normalise_bsn
from zorgtafel.cases.models import Case, InvolvementReason, Reporter, Stage, StageReason


@pytest.fixture(autouse=True)
def _convenant(factories: Factories) -> None:
    factories.example_convenant()


def test_the_chair_registers_a_case_with_sealed_identity(
    app: Flask, client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    code = registered_code(post_intake(client))
    with in_app(app) as session:
        case = session.scalar(select(Case).where(Case.code == code))
        assert case is not None
        assert case.identity is not None
        for secret in (b"Verzinsel", b"111222333", b"Fictieweg", b"Greetje", b"Lotje"):
            assert secret not in case.identity.blob
        assert case.stage is Stage.melding
        assert case.reported_by is Reporter.partner
        assert case.reporter_partner_code == "politie"
        assert {(i.partner_code, i.reason) for i in case.involvements} == {
            ("veilig-thuis", InvolvementReason.coordinator),
            ("politie", InvolvementReason.invited),
            ("jeugd-ggz", InvolvementReason.invited),
        }
        assert [(c.from_stage, c.to_stage, c.reason) for c in case.stage_changes] == [
            (None, Stage.melding, StageReason.intake)
        ]
        assert case.bsn_lookup
        assert case.name_lookup
        assert "111222333" not in case.bsn_lookup
        events = session.scalars(select(AuditEvent).where(AuditEvent.object_id.like(f"{code}%")))
        text = " ".join(str(e.__dict__) for e in events)
        assert "Verzinsel" not in text
        assert "111222333" not in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bsn", "111222334"),  # fails the elfproef
        ("bsn", "12345"),
        ("bsn", "abcdefghi"),
        ("birth_date", "2999-01-01"),  # in the future
        ("birth_date", "1850-01-01"),
        ("birth_date", "05-04-2010x"),
        ("surname", ""),
        ("surname", "x" * 201),
        ("first_names", "y" * 201),
        ("relatives", "zonder dubbele punt"),
        ("reported_by", "buurman"),
        ("coordinator", "onbekende-partner"),
        ("involved", ["onbekende-partner"]),
        ("stage", "afgesloten"),
        ("reporter_partner", ""),  # reported by a partner, but which?
    ],
)
def test_intake_refuses_bad_values_and_stores_nothing(
    app: Flask, client: FlaskClient, login_as, field: str, value: object
) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    with in_app(app) as session:
        before = session.scalar(select(func.count()).select_from(Case))
    response = post_intake(client, **{field: value})
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == before


def test_bsn_elfproef_and_normalisation() -> None:
    assert bsn_valid("111222333")
    assert bsn_valid("1112.22.333")
    assert not bsn_valid("111222334")
    assert not bsn_valid("000000000")
    assert not bsn_valid("")
    assert normalise_bsn("11122233") == "011122233"
    assert normalise_bsn("١١١٢٢٢٣٣٣") is None  # Arabic-Indic digits are not a BSN


@pytest.mark.parametrize(
    "changes",
    [
        {"first_names": "Andere", "surname": "Naam", "birth_date": "2011-01-01"},  # same BSN
        {"bsn": "", "first_names": "fenna", "surname": "VERZINSEL"},  # same name + birth date
    ],
    ids=["bsn", "name-birth-date"],
)
def test_already_known_shows_only_the_code_and_is_logged(
    app: Flask, client: FlaskClient, login_as, changes: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    first = registered_code(post_intake(client))
    response = post_intake(client, **{**changes, "address": "Andere straat 2"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mogelijk bekend als:" in html
    # a link for the chair, who may open that case; it opens beside the form
    assert f'<a href="/casussen/{first}" target="_blank" rel="noopener"' in html
    assert "Fictieweg" not in html  # nothing of the earlier case's identity
    with in_app(app) as session:
        assert session.scalar(select(func.count()).select_from(Case)) >= 1
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == first, AuditEvent.action == "search")
        ).all()[-1]
        assert event.purpose == "intake"
        assert event.reason.startswith("possibly_known.")
    second = registered_code(post_intake(client, **changes, confirm_new="y"))
    assert second != first


def test_a_new_subject_is_not_known(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("chair")
    registered_code(post_intake(client))
    response = post_intake(client, bsn="", first_names="Iemand", surname="Anders")
    registered_code(response)


def test_only_the_chair_registers(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("partner", "politie")
    assert client.get("/casussen/nieuw").status_code == 404


def test_intake_defaults_match_the_form() -> None:
    assert INTAKE["stage"] in {s.value for s in Stage}
