"""The header and the intake form as people see them, at a desktop, a laptop and a phone width,
in Dutch and English. Screenshots go to the test's tmp dir (or ``ZORGTAFEL_SCREENSHOTS``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from zorgtafel.auth.models import User

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1024, 390)
#: per element in the header: its text and on how many lines it is drawn
LINES_PER_ITEM = """() => [...document.querySelectorAll(
    "header nav a, header nav mark, header nav summary")].filter(
      element => element.getClientRects().length > 0  // a closed dropdown's items are not shown
    ).map(element => {
  const tops = new Set();
  const texts = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(texts.currentNode);
    for (const box of range.getClientRects()) {
      if (box.width > 0) tops.add(Math.round(box.top));
    }
  }
  return [element.textContent.trim(), tops.size];
})"""
#: the tops of the header's items; one row when they lie within a line of each other
ROW_TOPS = """() => [...document.querySelectorAll("header nav > ul > li")]
  .map(li => li.getBoundingClientRect().top)"""
LINE_PX = 20


def _switch_language(page, locale: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#locale").select_option(locale)
    page.locator("footer form.language button").click()
    page.wait_for_load_state()


def test_the_header_never_wraps_inside_an_item(live_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    factories = Factories(live_server.app)
    factories.example_convenant()
    chair = factories.user(
        "chair", "gemeente", email=f"layout-{secrets.token_hex(3)}@gemeente.test"
    )
    with in_app(live_server.app) as session:  # a long (fictitious) name, as people have
        session.get(User, chair.id).name = "Demo Voorzitter van Voorbeeldstad-Oost"
    login_in_browser(page, live_server.url, chair)
    for locale in ("nl", "en"):
        _switch_language(page, locale)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/casussen")
            page.screenshot(
                path=shots / f"header-{locale}-{width}.png",
                clip={"x": 0, "y": 0, "width": width, "height": 240},
            )
            wrapped = [text for text, lines in page.evaluate(LINES_PER_ITEM) if lines != 1]
            assert wrapped == [], f"{locale} at {width} px: wrapped inside an item"
            overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{locale} at {width} px: the page scrolls sideways"
            if width >= 1280:
                tops = page.evaluate(ROW_TOPS)
                assert max(tops) - min(tops) < LINE_PX, f"{locale}: the menu takes two rows"
    print(f"screenshots: {shots}")


def test_the_intake_form_leads_from_its_error_summary_to_each_field(  # type: ignore[no-untyped-def]
    live_server, page, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    factories = Factories(live_server.app)
    factories.example_convenant()
    chair = factories.user(
        "chair", "gemeente", email=f"intake-{secrets.token_hex(3)}@gemeente.test"
    )
    login_in_browser(page, live_server.url, chair)
    page.goto(f"{live_server.url}/casussen/nieuw")
    markers = page.eval_on_selector_all(
        "#involved li", "items => items.map(li => getComputedStyle(li).listStyleType)"
    )
    assert markers
    assert set(markers) == {"none"}, "list bullets beside the checkboxes"
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert page.evaluate("() => document.activeElement.id") == "foutoverzicht"
    page.screenshot(path=shots / "intake-errors.png", full_page=True)
    summary.get_by_role("link", name="Voornamen: Dit veld is vereist.").click()
    assert page.evaluate("() => document.activeElement.id") == "first_names"
    # the form answers 400 (logged by the browser as a failed load); nothing else went wrong
    assert [e for e in page.console_errors if "400 (BAD REQUEST)" not in e] == []
