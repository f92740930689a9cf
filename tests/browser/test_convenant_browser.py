"""The convenant matrix and diff as a partner and the privacy officer see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import login_in_browser
from tests.fixtures.auth import Factories

pytestmark = pytest.mark.browser


def test_matrix_and_diff_pages(live_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    factories = Factories(live_server.app)
    factories.example_convenant()
    partner = factories.user("partner", "politie")
    login_in_browser(page, live_server.url, partner)
    page.goto(f"{live_server.url}/convenant")
    assert "Versie 1.1" in page.locator("hgroup").inner_text()
    page.screenshot(path=tmp_path / "convenant-matrix.png", full_page=True)
    assert page.console_errors == []

    privacy = factories.user("privacy", "gemeente")
    page.context.clear_cookies()
    login_in_browser(page, live_server.url, privacy)
    page.goto(f"{live_server.url}/convenant/verschil")
    page.get_by_role("button", name="Vergelijk").click()
    assert page.locator("article.partner-diff").count() >= 4
    page.screenshot(path=tmp_path / "convenant-diff.png", full_page=True)
    print(f"screenshots: {tmp_path}")
