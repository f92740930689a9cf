"""A live server in a thread (own SQLite file, real commits) and Debian's Chromium via Playwright.

Chromium missing: skipped on a developer machine, a failure in CI (``CI`` set).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

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


def new_page(browser):  # type: ignore[no-untyped-def]
    """A page in a fresh context (own cookies) that collects console errors (CSP violations)."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    return page


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
