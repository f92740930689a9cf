"""The contribution page when the pseudonymiser starts, fails on a text, or masks known names
(issue 13), in a real browser; screenshots in ZORGTAFEL_SCREENSHOTS."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory
from zorgtafel.cases.models import InvolvementReason
from zorgtafel.pseudonymise import (
    Pseudonymiser,
    PseudonymiserFailed,
    PseudonymiserStarting,
    ServiceStatus,
    use_pseudonymiser,
)

pytestmark = pytest.mark.browser


class Starting:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserStarting(14)

    def status(self) -> ServiceStatus:
        return ServiceStatus("starting", 14)


class Failing:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserFailed("pseudonimiseren mislukt: TypeError")


def test_contribution_page_while_starting_and_after_a_failure(
    live_server, page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    factories = Factories(live_server.app)
    factories.example_convenant()
    cases = CaseFactory(live_server.app)
    case = cases.create(coordinator="veilig-thuis")
    cases.involve(case, "politie", InvolvementReason.invited)
    base = live_server.url
    login_in_browser(
        page, base, factories.user("partner", "politie", email="pseudo-partner@politie.test")
    )

    use_pseudonymiser(live_server.app, Starting())
    page.goto(f"{base}/casussen/{case.code}/inbreng")
    status = page.locator("#pseudonimiseerder-status")
    assert "De pseudonimiseerder start nog (± 14 s)." in status.inner_text()
    page.screenshot(path=shots / "pseudo-1-starting.png", full_page=True)
    page.get_by_label("Gegevenscategorie").select_option("signalen")
    page.get_by_label("Inbreng", exact=True).fill("Piet bij de Kerkstraat 5.")
    page.get_by_role("button", name="Voorvertoning").click()
    assert "Er is niets opgeslagen" in page.locator("#pseudonimiseerder-status").inner_text()
    page.screenshot(path=shots / "pseudo-2-starting-after-preview.png", full_page=True)

    use_pseudonymiser(live_server.app, Failing())
    page.goto(f"{base}/casussen/{case.code}/inbreng")
    page.get_by_label("Gegevenscategorie").select_option("signalen")
    page.get_by_label("Inbreng", exact=True).fill("Piet bij de Kerkstraat 5.")
    page.get_by_role("button", name="Voorvertoning").click()
    flash = page.locator(".flash-error").inner_text()
    assert "kon deze tekst niet verwerken" in flash
    assert "niet beschikbaar" not in flash
    page.screenshot(path=shots / "pseudo-3-engine-failure.png", full_page=True)

    use_pseudonymiser(live_server.app, Pseudonymiser(detector=lambda _text: ()))
    page.get_by_role("button", name="Voorvertoning").click()
    assert "bij de [LOCATIE-1]." in page.locator("#voorvertoning .pseudonymised").inner_text()
    page.screenshot(path=shots / "pseudo-4-preview.png", full_page=True)
    # the 503 and 500 of the refused previews are logged as such; nothing else (no CSP error)
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []
