"""The figures in a real browser: the chair records a case's profile at intake, the policy
officer opens the figures, sees small counts suppressed, shown as such, and downloads the PDF
report (its first page drawn as an image with poppler's pdftoppm, where installed, to look
at)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.auth import Factories
from tests.fixtures.figures import FiguresFactory
from zorgtafel.cases.models import Stage
from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(user.password)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/inloggen/code")
    page.get_by_label("Code uit uw authenticator-app").fill(user.code())
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_profile_at_intake_and_the_policy_officers_figures(  # type: ignore[no-untyped-def]
    live_server, page, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    use_pseudonymiser(live_server.app, Pseudonymiser(detector=lambda _text: ()))
    factories = Factories(live_server.app)
    factories.example_convenant()
    base = live_server.url
    cases = FiguresFactory(live_server.app, factories)
    cases.cases(34, municipality="GM9001", exploitation="sexual", age_band="16_17")
    cases.cases(14, municipality="GM9002", exploitation="criminal", comensha="anonymised")
    cases.cases(4, municipality="GM9004", exploitation="labour", stage=Stage.triage)
    cases.cases(12, year=2025, municipality="GM9001", exploitation="sexual")

    _login(page, base, factories.user("chair", "gemeente", email="figures-chair@gemeente.test"))
    page.goto(f"{base}/casussen/nieuw")
    page.get_by_label("Voornamen").fill("Noor")
    page.get_by_label("Achternaam").fill("Verzonnen-Figuur")
    page.get_by_label("Gemeld door").select_option("professional")
    page.get_by_label("Fase", exact=True).select_option("melding")
    page.get_by_label("Woongemeente").select_option("GM9003")
    page.get_by_label("Leeftijd bij het eerste signaal").select_option("12_15")
    page.get_by_label("Vorm van uitbuiting").select_option("sexual")
    page.get_by_label("Bron van het eerste signaal").select_option("school")
    page.locator("#kenmerken").screenshot(path=shots / "figures-1-intake-profile.png")
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_url(f"{base}/casussen/ZT-*")
    assert page.get_by_label("Woongemeente").input_value() == "GM9003"
    page.locator("form#kenmerken").screenshot(path=shots / "figures-2-case-profile.png")

    page.context.clear_cookies()
    _login(page, base, factories.user("policy", "gemeente", email="figures-policy@gemeente.test"))
    page.wait_for_url(f"{base}/cijfers")
    assert page.locator("#detectiekloof").is_visible()
    municipality = page.locator("#tabel-municipality")
    assert municipality.get_by_role("row", name="Voorbeeldstad").inner_text().split()[-1] == "35"
    kleindijk = municipality.get_by_role("row", name="Kleindijk")
    assert kleindijk.locator("[data-suppressed]").count() == 1
    assert page.locator("img.chart").count() == 7
    page.screenshot(path=shots / "figures-3-policy-page.png", full_page=True)
    assert page.console_errors == []
    with page.expect_download() as download:
        page.locator("a#pdf").click()
    pdf = shots / "figures-4-report.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.startswith("cijfers-")
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(shots / "figures-4-report")],
            check=True,
        )
    # one municipality: chosen on the page, a release of its own cut from the protected whole
    page.locator("select#gemeente").select_option("GM9001")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url(f"{base}/cijfers?*gemeente=GM9001*")
    assert page.locator("select#gemeente").input_value() == "GM9001"
    assert "/GM9001" in page.locator("#beveiliging").inner_text()
    assert "gemeente=GM9001" in (page.locator("a#pdf").get_attribute("href") or "")
    assert page.locator("img.chart").count() >= 1
    page.screenshot(path=shots / "figures-5-municipality-page.png", full_page=True)
    assert page.console_errors == []
    page.goto(f"{base}/casussen")
    assert "404" in page.title() or page.locator("h1").inner_text() != "Casussen"
