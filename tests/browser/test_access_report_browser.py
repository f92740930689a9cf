"""Issue 15 point 9, the access report in Chromium: the privacy officer searches a subject by
BSN, sees the report, records politie's partial refusal, downloads the PDF; the PDF is turned
into images (pdftoppm) to look at. Screenshots in /tmp/shots-access/. Fictitious data."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, login
from tests.fixtures.cases import (
    CaseFactory,
    CaseRecord,
    post_intake,
    read_contents,
    registered_code,
)
from zorgtafel.cases.models import Case
from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-access")  # noqa: S108 - screenshots to look at, fictitious data


def fictitious_bsn() -> str:
    """A random nine-digit number that passes the elfproef (no real person's, as far as
    anyone can tell: the live app's database is the test session's own)."""
    rng = random.Random()
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(7)]
        last = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
        if last < 10:
            return "".join(map(str, [*digits, last]))


def test_the_privacy_officer_produces_an_access_report_pdf(live_server, page) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    app, base = live_server.app, live_server.url
    use_pseudonymiser(app, Pseudonymiser(detector=lambda _text: ()))  # no deduce
    factories = Factories(app)
    factories.example_convenant()
    bsn = fictitious_bsn()
    chair = app.test_client()
    login(chair, factories.user("chair", "gemeente"))
    code = registered_code(post_intake(chair, bsn=bsn))
    with in_app(app) as session:
        case_id = session.query(Case.id).filter(Case.code == code).scalar()
    politie = factories.user("partner", "politie")
    CaseFactory(app).contribute(
        CaseRecord(case_id, code), politie.id, "signalen", "Fictief: gezien bij het station."
    )
    read_contents(app, politie.id, [case_id])

    login_in_browser(page, base, factories.user("privacy", "gemeente"))
    page.get_by_role("link", name="Inzageverzoek").first.click()
    page.get_by_label("BSN", exact=True).fill(bsn)
    page.get_by_role("button", name="Zoeken en verzoek vastleggen").click()
    page.wait_for_url("**/fg/inzage/*")
    assert bsn not in page.url
    assert page.locator(f'[data-case="{code}"]').count() == 1
    page.screenshot(path=SHOTS / "1-report.png", full_page=True)

    page.get_by_label("Casus", exact=True).select_option(code)
    page.get_by_label("Ketenpartner", exact=True).select_option("politie")
    page.get_by_label("Categorie", exact=True).select_option("signalen")
    page.get_by_label("Grond", exact=True).select_option("wpg")
    page.get_by_label("Toelichting voor de betrokkene (zonder persoonsgegevens)").fill(
        "Lopend opsporingsonderzoek (Wpg art. 27)."
    )
    page.get_by_role("button", name="Weigering vastleggen").click()
    assert "Niet verstrekt (zie gedeeltelijke weigering)." in page.content()
    page.screenshot(path=SHOTS / "2-report-with-refusal.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_text("PDF voor de betrokkene").click()
    pdf = SHOTS / "inzage.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["/usr/bin/pdftoppm", "-png", "-r", "70", str(pdf), str(SHOTS / "pdf")], check=True
    )
    pages = sorted(SHOTS.glob("pdf-*.png"))
    assert pages
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "VERTROUWELIJK" in text
    assert code in text
    assert "Wet politiegegevens" in text
    assert "gezien bij het station" not in text  # withheld by politie
