"""A live server in a thread (own SQLite file, real commits) and Debian's Chromium via Playwright.

Chromium missing: skipped on a developer machine, a failure in CI (``CI`` set). Every page a
browser test opens is checked by axe-core (``AuditedPage``): a serious or critical violation
fails the test.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.fixtures.app import build_app, make_instance
from zorgtafel.core.db import db
from zorgtafel.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


#: axe-core, vendored from npm (licence and version beside it); injected by evaluation, which
#: the page's CSP does not govern, so the app's own policy stays as strict in the tests
AXE_SCRIPT = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
#: the impacts that fail a browser test; moderate and minor ones are listed by the walk
FAILING_IMPACTS = frozenset({"serious", "critical"})
IMPACT_ORDER = ("critical", "serious", "moderate", "minor")
#: every axe rule except the experimental ones (axe's default), violations only; with every
#: <details> opened for the run (what a user can open is checked too), then closed again
AXE_RUN = """async () => {
  const closed = [...document.querySelectorAll("details:not([open])")];
  closed.forEach(d => { d.open = true; });
  try { return await axe.run(document, {resultTypes: ["violations"]}); }
  finally { closed.forEach(d => { d.open = false; }); }
}"""


@dataclass(frozen=True, order=True)
class Violation:
    """One axe rule broken on one page, with the elements that break it."""

    path: str
    impact: str
    rule: str
    help: str
    targets: tuple[str, ...]

    @property
    def fails(self) -> bool:
        return self.impact in FAILING_IMPACTS

    def line(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"{self.impact:8} {self.rule} on {self.path}: {self.help} [{shown}]"


def axe_violations(page) -> list[Violation]:  # type: ignore[no-untyped-def]
    """Run axe-core on the page's current document (injected once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(AXE_RUN)
    parts = urlsplit(results["url"])
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return sorted(
        Violation(
            path,
            found["impact"] or "minor",
            found["id"],
            found["help"],
            tuple(" ".join(node["target"]) for node in found["nodes"]),
        )
        for found in results["violations"]
    )


def report(violations: list[Violation]) -> str:
    return "\n".join(v.line() for v in violations)


class AuditedPage:
    """A Playwright page that runs axe-core on every document it loads, and on every screen a
    test takes a screenshot of (htmx may have changed it), handing the violations to
    ``on_violations`` (by default: fail on a serious or critical one). Load events only count;
    the check runs at the page's next use, so a page the test opened and left is checked too,
    whichever call opened it."""

    def __init__(self, page, on_violations: Callable[[list[Violation]], None]) -> None:  # type: ignore[no-untyped-def]
        self.unwrapped = page
        self.console_errors: list[str] = []
        self.on_violations = on_violations
        self._loads = 0
        self._checked = 0
        page.on("load", self._loaded)
        page.on("console", self._console)

    def _loaded(self, _page: object) -> None:
        self._loads += 1

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error":
            self.console_errors.append(message.text)

    def check(self) -> list[Violation]:
        """axe on the current document now; a navigation under way is waited for first."""
        from playwright.sync_api import Error

        for _attempt in range(3):
            self._checked = self._loads
            try:
                violations = axe_violations(self.unwrapped)
            except Error as error:  # the document went away while axe ran: check the next
                if "destroyed" not in str(error) and "navigat" not in str(error):
                    raise
                self.unwrapped.wait_for_load_state()
                continue
            self.on_violations(violations)
            return violations
        raise AssertionError(f"axe could not finish on {self.unwrapped.url}")

    def _check_new_document(self) -> None:
        if self._checked != self._loads and not self.unwrapped.is_closed():
            self.check()

    def screenshot(self, **kwargs: Any) -> bytes:
        self.check()
        return self.unwrapped.screenshot(**kwargs)

    def __getattr__(self, name: str) -> Any:
        self._check_new_document()
        found = getattr(self.unwrapped, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            self._check_new_document()
            return result

        return call


def fail_on_serious(violations: list[Violation]) -> None:
    failing = [v for v in violations if v.fails]
    if failing:
        pytest.fail(f"axe-core: serious or critical violations\n{report(failing)}", pytrace=False)


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("live")
    app = build_app(f"sqlite:///{folder / 'live.db'}", make_instance(folder / "instance"))
    with app.app_context():
        upgrade(db.engine)
    yield app
    app.extensions["zorgtafel.db"].engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(  # type: ignore[no-untyped-def]
    browser,
    on_violations: Callable[[list[Violation]], None] = fail_on_serious,
    *,
    width: int = 1280,
) -> AuditedPage:
    """A page in a fresh context (own cookies) that collects console errors (CSP violations)
    and has axe-core check every page it shows (by default failing on serious or critical)."""
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    return AuditedPage(context.new_page(), on_violations)


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    page = new_page(browser)
    yield page
    page.context.close()


def login_in_browser(page, base_url: str, user) -> None:  # type: ignore[no-untyped-def]
    """Password, then the TOTP code of the next step (the current one may be used already)."""
    page.goto(f"{base_url}/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(user.password)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/inloggen/code")
    page.get_by_label("Code uit uw authenticator-app").fill(user.code())
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base_url}/")
