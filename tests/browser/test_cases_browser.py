"""The first workflow in a real browser: the chair registers a case, a partner contributes
through the pseudonymised preview, a partner without a reason to know cannot open it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.auth import Factories
from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

pytestmark = pytest.mark.browser


def test_register_contribute_and_refuse(live_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    use_pseudonymiser(live_server.app, Pseudonymiser(detector=lambda _text: ()))  # no deduce
    factories = Factories(live_server.app)  # the live database is shared: addresses of our own
    factories.example_convenant()
    base = live_server.url

    login_in_browser(
        page, base, factories.user("chair", "gemeente", email="cases-chair@gemeente.test")
    )
    page.goto(f"{base}/casussen/nieuw")
    page.get_by_label("Voornamen").fill("Mila")
    page.get_by_label("Achternaam").fill("Verzonnen-Demo")
    page.get_by_label("Geboortedatum").fill("2010-06-01")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Bijnamen en aliassen (één per regel)").fill("Mimi")
    page.get_by_label("Verwanten en netwerk (per regel 'relatie: naam')").fill(
        "moeder: Carla Verzonnen-Demo"
    )
    page.get_by_label("Gemeld door").select_option("professional")
    page.get_by_label("Casuscoördinator").select_option("veilig-thuis")
    page.get_by_label("Politie eenheid Voorbeeldland, team mensenhandel").check()
    page.get_by_label("Fase", exact=True).select_option("melding")
    page.screenshot(path=shots / "cases-1-intake.png", full_page=True)
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_url(f"{base}/casussen/ZT-*")
    code = page.url.rsplit("/", 1)[1]
    assert "Mila" not in page.content()
    assert page.locator("#comensha-open").is_visible()
    page.screenshot(path=shots / "cases-2-case-chair.png", full_page=True)

    page.context.clear_cookies()
    login_in_browser(
        page, base, factories.user("partner", "politie", email="cases-partner@politie.test")
    )
    page.goto(f"{base}/casussen/{code}")
    page.get_by_role("button", name="Inbreng toevoegen").click()
    page.get_by_label("Gegevenscategorie").select_option("signalen")
    page.get_by_label("Inbreng", exact=True).fill(
        "Mimi en haar moeder Carla zijn gezien bij station Voorbeeldstad met ene Dino."
    )
    page.get_by_label("Gemiste woorden om te vervangen (één per regel)").fill("Dino")
    page.get_by_role("button", name="Voorvertoning").click()
    preview = page.locator("#voorvertoning .pseudonymised").inner_text()
    assert preview.startswith("[BETROKKENE] en haar moeder [MOEDER]")
    assert "[HANDMATIG-1]" in preview
    page.screenshot(path=shots / "cases-3-preview.png", full_page=True)
    page.get_by_role("button", name="Gepseudonimiseerd opslaan").click()
    page.wait_for_url(f"{base}/casussen/{code}#inbreng-*")  # at the saved contribution
    content = page.locator("article[data-category=signalen]").inner_text()
    assert "[BETROKKENE] en haar moeder [MOEDER]" in content
    assert "Carla" not in page.content()
    page.screenshot(path=shots / "cases-4-case-partner.png", full_page=True)
    assert page.console_errors == []

    page.context.clear_cookies()
    login_in_browser(
        page, base, factories.user("partner", "leerplicht", email="cases-partner@leerplicht.test")
    )
    response = page.goto(f"{base}/casussen/{code}")
    assert response is not None
    assert response.status == 404
    assert code not in page.content()
    page.screenshot(path=shots / "cases-5-no-need-to-know.png", full_page=True)
