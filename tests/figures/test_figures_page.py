"""The figures page: the policy officer's (and the chair's and privacy officer's), counted
through the gate as a logged release, small numbers suppressed, the detection gap stated."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import example_convenant
from zorgtafel import ROOT
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Stage
from zorgtafel.figures.models import Release
from zorgtafel.privacy.gate import DisclosureRefused, Purpose
from zorgtafel.privacy.gate import cases as gate_cases
from zorgtafel.privacy.gate import figures as gate_figures

YEAR = 2026


@pytest.fixture(autouse=True)
def _convenant(factories: Factories) -> None:
    factories.example_convenant()


@pytest.fixture
def counted(figures):  # type: ignore[no-untyped-def]
    """31 cases in Voorbeeldstad (sexual, 16-17), 12 in Dorpshoven (criminal), 3 in Kleindijk."""
    figures.cases(31, municipality="GM9001", age_band=None, comensha="anonymised")
    figures.cases(12, municipality="GM9002", stage=Stage.triage)
    figures.cases(3, municipality="GM9003", stage=Stage.triage)
    return figures


def _cells(html: str, table: str) -> dict[str, str]:
    section = html.split(f'id="tabel-{table}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="number[^"]*"[^>]*>(.*?)</td>', section
    )
    return {label: ("–" if "abbr" in value else value) for label, value in rows}


def test_the_policy_officer_sees_rounded_tables_with_small_cells_suppressed(
    client: FlaskClient, login_as, counted
) -> None:  # type: ignore[no-untyped-def]
    login_as("policy")
    response = client.get(f"/cijfers?jaar={YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    municipalities = _cells(html, "municipality")
    assert municipalities["Voorbeeldstad"] == "30"  # 31, rounded to 5
    # Kleindijk's 3 is under 10, and the zeros with it; Dorpshoven's 12 goes along so that
    # 46 minus the rest does not give the 3 back
    assert municipalities["Kleindijk"] == "–"
    assert municipalities["Dorpshoven"] == "–"
    assert municipalities["Zandveen"] == "–"  # zero is suppressed too
    stages = _cells(html, "stage")
    # the zeros add up to nothing, so triage's 15 is hidden with them; aanpak's 31 shows
    assert (stages["aanpak"], stages["triage"], stages["nazorg"]) == ("30", "–", "–")
    assert "data-suppressed" in html
    assert 'id="detectiekloof"' in html
    assert "1 op de 6" in html
    assert re.search(r"ZT-\d{4}-\d+", html) is None  # no case code anywhere
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert html.count('src="data:image/svg+xml;base64,') == 7  # a chart beside every table


@pytest.mark.parametrize("role", ["chair", "privacy"])
def test_the_chair_and_the_privacy_officer_see_the_figures_too(
    client: FlaskClient, login_as, counted, role: str
) -> None:  # type: ignore[no-untyped-def]
    login_as(role)
    html = client.get(f"/cijfers?jaar={YEAR}").get_data(as_text=True)
    assert _cells(html, "municipality")["Voorbeeldstad"] == "30"


def test_every_view_is_a_release_stored_and_signed_into_the_audit_chain(
    app: Flask, client: FlaskClient, login_as, counted
) -> None:  # type: ignore[no-untyped-def]
    user = login_as("policy")
    client.get(f"/cijfers?jaar={YEAR}")
    client.get(f"/cijfers?jaar={YEAR}")
    with in_app(app) as session:
        releases = session.scalars(select(Release).order_by(Release.id)).all()
        assert len(releases) == 2
        release = releases[-1]
        assert (release.threshold, release.rounding, release.year) == (10, 5, YEAR)
        assert release.cells[f"{YEAR}:municipality:GM9001"] == 30
        assert release.cells[f"{YEAR}:municipality:GM9003"] is None
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "release")
        ).all()
        assert [e.object_id for e in events] == [r.code for r in releases]
        assert {(e.action, e.purpose, e.outcome, e.reason, e.actor_user_id) for e in events} == {
            ("export", "statistics", "allowed", "policy_officer", user.id)
        }
        # counting names no case: no event about a case was written for the policy officer
        assert (
            session.scalar(
                select(AuditEvent).where(
                    AuditEvent.actor_user_id == user.id, AuditEvent.object_type == "case"
                )
            )
            is None
        )


def test_a_partner_asking_the_gate_for_figures_is_refused_and_logged(
    app: Flask, factories: Factories, counted
) -> None:  # type: ignore[no-untyped-def]
    partner = factories.user(Role.partner, "politie")
    with app.test_request_context(), in_app(app) as session, pytest.raises(DisclosureRefused):
        gate_figures.counts(session.get(User, partner.id), example_convenant(), "release-99")
    with in_app(app) as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.object_id == "release-99"))
        assert event is not None
        assert (event.outcome, event.reason) == ("refused", "role_no_figures")


def test_the_policy_officer_opens_no_case_through_the_gate(
    app: Flask, factories: Factories, counted
) -> None:  # type: ignore[no-untyped-def]
    policy = factories.user(Role.policy, "gemeente")
    with app.test_request_context(), in_app(app) as session:
        user = session.get(User, policy.id)
        case = session.scalars(select(Case)).first()
        with pytest.raises(DisclosureRefused):
            gate_cases.case_page(user, case, Purpose.case_conference, example_convenant())
        assert gate_cases.case_list(user, Purpose.case_conference, example_convenant()).items == ()
    with in_app(app) as session:
        refusal = session.scalar(
            select(AuditEvent).where(
                AuditEvent.actor_user_id == policy.id, AuditEvent.outcome == "refused"
            )
        )
        assert refusal is not None
        assert refusal.reason == "role_policy_figures_only"


def test_the_policy_officers_start_page_is_the_figures_and_the_menu_holds_nothing_else(
    client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as("policy")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cijfers")
    html = client.get("/cijfers").get_data(as_text=True)
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "/cijfers" in nav
    for other in ("/casussen", "/vergaderingen", "/convenant", "/beheer"):
        assert other not in nav


def test_the_figures_domain_never_queries_cases_itself() -> None:
    """Counting is a read of case data: only the gate's figures surface counts."""
    for path in (ROOT / "zorgtafel" / "figures").glob("*.py"):
        source = path.read_text()
        assert "cases.models" not in source.replace(
            "from zorgtafel.cases.models import Stage", ""
        ), path
        assert "db.session.execute" not in source, path


def test_the_csv_export_is_a_release_of_its_own_with_suppressed_cells_empty(
    app: Flask, client: FlaskClient, login_as, counted
) -> None:  # type: ignore[no-untyped-def]
    login_as("policy")
    response = client.get(f"/cijfers/csv?jaar={YEAR}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "tabel;rij;aantal;onderdrukt;uitgifte;gebied"
    with in_app(app) as session:
        release = session.scalars(select(Release)).one()
        assert release.medium == "csv"
        assert f"Per woongemeente;Voorbeeldstad;30;nee;{release.code};hele regio" in lines
        assert f"Per woongemeente;Kleindijk;;ja;{release.code};hele regio" in lines
        event = session.scalar(select(AuditEvent).where(AuditEvent.object_id == release.code))
        assert event is not None
        assert (event.action, event.purpose) == ("export", "statistics")


def test_the_pdf_report_is_a_release_of_its_own_in_dutch_with_its_charts(
    app: Flask, client: FlaskClient, login_as, counted
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    login_as("policy")
    response = client.get(f"/cijfers/pdf?jaar={YEAR}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(page.extract_text() for page in reader.pages)
    with in_app(app) as session:
        release = session.scalars(select(Release)).one()
        assert release.medium == "pdf"
        assert release.code in text
        event = session.scalar(select(AuditEvent).where(AuditEvent.object_id == release.code))
        assert event is not None
        assert (event.action, event.purpose) == ("export", "statistics")
    assert "Dit is niet het hele beeld" in text
    assert "Per woongemeente" in text
    assert "onderdrukt" in text
    # the charts are drawn in (pygal's SVG as vector drawing, not left out)
    assert any("/XObject" in str(page.get("/Resources", {})) for page in reader.pages)
