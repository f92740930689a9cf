"""Refused input in the browser: a meeting date far from today and a name with a bidi override
each get their form error beside the field (screenshots where ``ZORGTAFEL_SHOTS`` says, else in
the test's temporary folder)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.auth import Factories

pytestmark = pytest.mark.browser


def _shot(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("ZORGTAFEL_SHOTS") or tmp_path)
    page.screenshot(path=folder / name, full_page=True)


def test_a_far_meeting_date_and_a_bidi_override_get_form_errors(  # type: ignore[no-untyped-def]
    live_server, page, tmp_path: Path
) -> None:
    base = live_server.url
    factories = Factories(live_server.app)
    factories.example_convenant()
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"voorzitter-{run}@gemeente.test")
    login_in_browser(page, base, chair)

    page.goto(f"{base}/vergaderingen/nieuw")
    page.get_by_label("Datum en tijd").fill("9999-12-31T10:00")
    page.get_by_label("Plaats of videoverbinding").fill("Vergaderzaal 2 (fictief)")
    page.get_by_role("button", name="Aanmaken").click()
    page.wait_for_load_state()
    assert "binnen 2 jaar van vandaag" in page.locator("#starts_at-fout").inner_text()
    _shot(page, tmp_path, "meeting-far-date.png")

    page.goto(f"{base}/casussen/nieuw")
    page.get_by_label("Voornamen").fill("Fenna")
    page.get_by_label("Achternaam").fill("Verzin\u202esel")
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_load_state()
    assert "stuur- of richtingsteken" in page.locator("#surname-fout").inner_text()
    _shot(page, tmp_path, "intake-bidi-override.png")
