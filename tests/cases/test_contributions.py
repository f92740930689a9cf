"""Contributions: only providable categories, a pseudonymised preview, marked words, the
original sealed for identity readers, and nothing stored when the pseudonymiser is down."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from tests.fixtures.cases import example_convenant, post_intake, registered_code
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Case, Contribution, InvolvementReason
from zorgtafel.convenant.rights import providable_categories
from zorgtafel.pseudonymise import PseudonymiserUnavailable, use_pseudonymiser

TEXT = "Fenna en haar moeder Greetje Verzinsel zagen Lotje bij het station met Rocco."


@pytest.fixture
def case_code(app: Flask, factories: Factories) -> str:
    factories.example_convenant()
    chair = app.test_client()
    login(chair, factories.user(Role.chair, "gemeente"))
    return registered_code(post_intake(chair))


@pytest.fixture
def politie(app: Flask, factories: Factories) -> FlaskClient:
    client = app.test_client()
    login(client, factories.user(Role.partner, "politie"))
    return client


def post_contribution(client: FlaskClient, code: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/casussen/{code}/inbreng")
    return client.post(f"/casussen/{code}/inbreng", data={"csrf_token": token, **data})


def test_the_form_offers_only_categories_the_organisation_may_provide(
    politie: FlaskClient, case_code: str
) -> None:
    html = politie.get(f"/casussen/{case_code}/inbreng").get_data(as_text=True)
    select_ = re.search(r'<select[^>]*name="category".*?</select>', html, re.S)
    assert select_
    offered = set(re.findall(r'<option[^>]*value="([^"]+)"', select_.group(0)))
    assert offered == set(providable_categories(example_convenant(), "politie"))
    refused = post_contribution(politie, case_code, category="gezondheid", text="x", preview="1")
    assert refused.status_code == 400  # not a choice: politie may not provide gezondheid


def test_preview_then_save_stores_the_pseudonymised_text_and_seals_the_original(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    data = {"category": "signalen", "text": TEXT, "marked": "Rocco"}
    preview = post_contribution(politie, case_code, **data, preview="1")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    expected = (
        "[BETROKKENE] en haar moeder [MOEDER] zagen [BETROKKENE] bij het station met [HANDMATIG-1]."
    )
    assert expected in html
    assert "Gepseudonimiseerd opslaan" in html
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', html)
    assert proof
    with in_app(app) as session:
        case = session.scalar(select(Case).where(Case.code == case_code))
        assert case is not None
        assert case.contributions == []  # a preview stores nothing
    saved = post_contribution(politie, case_code, **data, previewed=proof.group(1), save="1")
    assert saved.status_code == 302
    page = politie.get(f"/casussen/{case_code}").get_data(as_text=True)
    assert expected in page
    assert "Greetje" not in page
    with in_app(app) as session:
        contribution = session.scalars(select(Contribution)).all()[-1]
        assert contribution.original is not None
        assert contribution.text is not None
        assert b"Greetje" not in contribution.original.blob
        assert contribution.replacements == 4
    token = csrf_token(politie, f"/casussen/{case_code}")
    revealed = politie.post(f"/casussen/{case_code}/identiteit", data={"csrf_token": token})
    assert TEXT in revealed.get_data(as_text=True)  # the original, for identity readers


def test_a_changed_text_is_previewed_again_not_saved(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    data = {"category": "signalen", "text": TEXT}
    html = post_contribution(politie, case_code, **data, preview="1").get_data(as_text=True)
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', html)
    assert proof
    changed = post_contribution(
        politie, case_code, category="signalen", text=TEXT + " Ook Ties.", previewed=proof.group(1),
        save="1",
    )  # fmt: skip
    assert changed.status_code == 200
    assert "[BROER]" in changed.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


class Down:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserUnavailable("test: service down")


def test_nothing_is_stored_when_the_pseudonymiser_is_down(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    use_pseudonymiser(app, Down())  # restored by the autouse fixture
    for step in ({"preview": "1"}, {"save": "1"}):
        response = post_contribution(politie, case_code, category="signalen", text=TEXT, **step)
        assert response.status_code == 503
        assert "niets opgeslagen" in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


def test_contributing_makes_an_invited_partner_a_contributor_only_once(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    html = post_contribution(
        politie, case_code, category="signalen", text="Fictief.", preview="1"
    ).get_data(as_text=True)
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', html)
    assert proof
    post_contribution(
        politie, case_code, category="signalen", text="Fictief.", previewed=proof.group(1),
        save="1",
    )  # fmt: skip
    with in_app(app) as session:
        case = session.scalar(select(Case).where(Case.code == case_code))
        assert case is not None
        reasons = [i.reason for i in case.involvements if i.partner_code == "politie"]
        assert reasons == [InvolvementReason.invited]


def exists_reads(app: Flask, code: str) -> int:
    """The contribution page's reads of the case at exists level, as the log holds them."""
    with in_app(app) as session:
        return len(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.object_id == code,
                    AuditEvent.action == "read",
                    AuditEvent.level == "exists",
                )
            ).all()
        )


def test_the_invalid_form_page_keeps_its_read_event(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    path, token = (
        f"/casussen/{case_code}/inbreng",
        csrf_token(politie, f"/casussen/{case_code}/inbreng"),
    )
    before = exists_reads(app, case_code)
    data = {"csrf_token": token, "category": "signalen", "text": "", "preview": "1"}
    response = politie.post(path, data=data)
    assert response.status_code == 400
    assert case_code in response.get_data(as_text=True)  # the page showed the case's code
    assert exists_reads(app, case_code) == before + 1


def test_the_pseudonymiser_down_page_keeps_its_read_event(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    use_pseudonymiser(app, Down())  # restored by the autouse fixture
    path, token = (
        f"/casussen/{case_code}/inbreng",
        csrf_token(politie, f"/casussen/{case_code}/inbreng"),
    )
    before = exists_reads(app, case_code)
    data = {"csrf_token": token, "category": "signalen", "text": TEXT, "preview": "1"}
    response = politie.post(path, data=data)
    assert response.status_code == 503
    assert case_code in response.get_data(as_text=True)
    assert exists_reads(app, case_code) == before + 1
