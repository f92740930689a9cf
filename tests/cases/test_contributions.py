"""Contributions: only providable categories, a pseudonymised preview, marked words, the
original sealed for identity readers, and nothing stored when the pseudonymiser is down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, csrf_token, login
from tests.fixtures.cases import (
    EXAMPLE_CONVENANT,
    example_convenant,
    post_intake,
    registered_code,
)
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Case, Contribution, InvolvementReason
from zorgtafel.convenant.rights import providable_categories
from zorgtafel.pseudonymise import (
    PseudonymiserFailed,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    ServiceStatus,
    use_pseudonymiser,
)

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


# --- issue 13: failures named as such, the start-up message, name probing -------------------------


class Failing:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserFailed("pseudonimiseren mislukt: TypeError")


class Starting:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserStarting(12)

    def status(self) -> ServiceStatus:
        return ServiceStatus("starting", 12)


def test_an_engine_failure_is_reported_as_such_not_as_unavailable(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    use_pseudonymiser(app, Failing())
    for step in ({"preview": "1"}, {"save": "1"}):
        response = post_contribution(politie, case_code, category="signalen", text=TEXT, **step)
        html = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "kon deze tekst niet verwerken" in html
        assert "niet beschikbaar" not in html
        assert "Fenna" in html  # the author's text stays in the form, nothing else shows it
    with in_app(app) as session:
        assert session.scalars(select(Contribution)).all() == []


def test_while_the_pseudonymiser_starts_the_page_says_so(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    use_pseudonymiser(app, Starting())
    page = politie.get(f"/casussen/{case_code}/inbreng")
    assert "De pseudonimiseerder start nog (± 12 s)." in page.get_data(as_text=True)
    refused = post_contribution(politie, case_code, category="signalen", text=TEXT, preview="1")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "12"
    assert "De pseudonimiseerder start nog (± 12 s)." in html
    assert "Er is niets opgeslagen" in html
    assert "niet beschikbaar" not in html


def test_when_the_service_is_down_the_form_says_so_before_anything_is_written(
    app: Flask, politie: FlaskClient, case_code: str
) -> None:
    from zorgtafel.pseudonymise import PseudonymiserClient

    use_pseudonymiser(app, PseudonymiserClient(Path(app.instance_path) / "geen.sock", 1))
    page = politie.get(f"/casussen/{case_code}/inbreng").get_data(as_text=True)
    assert "De pseudonimiseerder is niet beschikbaar" in page


def _load_without_identity(app: Flask, partner: str, folder: Path) -> None:
    """The example convenant, version 1.1 amended so that ``partner`` no longer receives
    identiteit (art. 6.2), stored instead of the real 1.1 (rolled back with the test)."""
    from zorgtafel import ROOT
    from zorgtafel.convenant.operations import load_version

    text = EXAMPLE_CONVENANT.read_text(encoding="utf-8")
    rule = f'partner = "{partner}"\ndirection = "receive"\ncategories = ["identiteit", '
    assert rule in text
    amended = folder / EXAMPLE_CONVENANT.name
    amended.write_text(text.replace(rule, rule.removesuffix('"identiteit", ')), encoding="utf-8")
    with in_app(app):
        load_version(ROOT / "convenants" / "zorgtafel-jpmh-voorbeeldland-1.0.toml")
        load_version(amended)


def _preview(client: FlaskClient, code: str, text: str) -> tuple[str, tuple[str, ...]]:
    html = post_contribution(client, code, category="signalen", text=text, preview="1").get_data(
        as_text=True
    )
    shown = re.search(r'<p class="pseudonymised"[^>]*>(.*?)</p>', html, re.S)
    assert shown, html[:3000]
    return shown.group(1), tuple(re.findall(r'<mark title="([^"]+)">', html))


def test_an_author_without_identity_cannot_tell_a_true_name_from_a_wrong_one(
    app: Flask, factories: Factories, tmp_path: Path
) -> None:
    _load_without_identity(app, "politie", tmp_path)
    chair = app.test_client()
    login(chair, factories.user(Role.chair, "gemeente"))
    code = registered_code(post_intake(chair))
    politie = app.test_client()
    login(politie, factories.user(Role.partner, "politie"))
    for true, wrong in [
        ("Fenna Verzinsel", "Sanne Bakkerus"),
        ("Lotje", "Mimie"),  # an alias no detector knows
        ("Greetje Verzinsel", "Ingrid Bakkerus"),  # the mother
        ("Ties", "Joep"),  # the brother
    ]:
        frame = "Gisteren zag de wijkagent {} met een oudere man bij het station."
        seen_true = _preview(politie, code, frame.format(true))
        assert seen_true == _preview(politie, code, frame.format(wrong)), true
        assert seen_true[0].startswith("Gisteren zag de wijkagent [PERSOON-1] met"), seen_true
    masked, _ = _preview(politie, code, TEXT)
    assert "[BETROKKENE]" not in masked
    assert "[MOEDER]" not in masked
    assert "[PERSOON-1] en haar moeder [PERSOON-2]" in masked


def test_an_author_who_may_receive_identity_keeps_the_role_tags(
    politie: FlaskClient, case_code: str
) -> None:
    shown, marks = _preview(politie, case_code, TEXT)
    assert shown.startswith("[BETROKKENE] en haar moeder [MOEDER] zagen [BETROKKENE]")
    assert "[BETROKKENE]" in marks
