"""Every page each role can reach, in Dutch (desktop) and English (phone), checked by axe-core.

The walk logs in as the chair, a partner, the privacy officer and the admin, opens every page
reachable from the start page through the app's own links (the menu and each page's), with every
``<details>`` opened (as every browser test's check does), plus the form states a user meets
(errors, a preview). It writes every violation, of any impact, to ``axe-violations.txt`` in
the test's tmp dir, prints the counts and fails on a serious or critical one. All data is
fictitious (the demo cases).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from tests.browser.conftest import (
    IMPACT_ORDER,
    LiveServer,
    Violation,
    login_in_browser,
    new_page,
    report,
)
from tests.fixtures.app import build_app, in_app, make_instance
from tests.fixtures.auth import Factories, UserRecord
from tests.fixtures.meetings import today_at
from zorgtafel.auth.models import User
from zorgtafel.auth.operations import create_organisation
from zorgtafel.cases.demo import create_demo_cases
from zorgtafel.cases.models import Case
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.db import db
from zorgtafel.meetings import operations
from zorgtafel.migrate import upgrade
from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROLES = (
    ("chair", "gemeente"),
    ("partner", "politie"),
    ("privacy", "gemeente"),
    ("admin", "gemeente"),
)
DEMO_NAMES = ("Demo Voorzitter", "Demo Politie", "Demo FG", "Demo Beheerder", "Demo Veilig Thuis")
#: each role walks twice: in Dutch on a desktop, in English on a phone (narrow layouts, tables
#: that scroll) without walking four times
WALKS = (("nl", 1280), ("en", 390))
#: a bound on one walk, so a page that links to ever new pages fails instead of running on
MAX_PAGES = 60
#: files, not pages: PDF and CSV downloads (the figures export at /cijfers/csv and /pdf)
SKIPPED_SUFFIXES = (".pdf", ".csv", "/csv", "/pdf")


@dataclass
class WalkData:
    server: LiveServer
    users: dict[str, UserRecord]
    case_codes: list[str]


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WalkData]:
    """A server of its own (the session's live database is shared), with the demo cases, a
    meeting in session today, one tomorrow open for preparation and a draft next week."""
    folder = tmp_path_factory.mktemp("walk")
    app = build_app(f"sqlite:///{folder / 'walk.db'}", make_instance(folder / "instance"))
    with app.app_context():
        upgrade(db.engine)
    use_pseudonymiser(app, Pseudonymiser(detector=lambda _text: ()))  # no deduce needed
    users = demo_users(app)
    codes = _demo_data(app, users)
    with LiveServer(app) as server:
        yield WalkData(server, users, codes)
    app.extensions["zorgtafel.db"].engine.dispose()


def demo_users(app: Flask) -> dict[str, UserRecord]:
    """One user per role, with the demo's organisations and names (long ones: the header must
    hold them), and a second partner for the demo's contributions."""
    factories = Factories(app)
    factories.example_convenant()
    with in_app(app):
        for partner in convenant_in_force().partners:
            create_organisation(partner.code, f"{partner.name} (demo)", is_demo=True)
    users = {role: factories.user(role, org, email=f"{role}@{org}.test") for role, org in ROLES}
    users["veilig-thuis"] = factories.user("partner", "veilig-thuis", email="vt@veilig-thuis.test")
    with in_app(app) as session:
        for record, name in zip(users.values(), DEMO_NAMES, strict=True):
            session.get(User, record.id).name = name
    return users


def _demo_data(app: Flask, users: dict[str, UserRecord]) -> list[str]:
    with in_app(app) as session:
        chair = session.get(User, users["chair"].id)
        partners = {
            user.organisation.code: user
            for user in session.scalars(select(User).where(User.role == "partner"))
        }
        create_demo_cases(chair, partners, convenant_in_force())
        cases = list(session.scalars(select(Case).order_by(Case.id)))
        in_session = operations.create_meeting(chair, today_at(1), "Vergaderzaal 2 (fictief)")
        tomorrow = today_at(12) + timedelta(days=1)
        preparing = operations.create_meeting(
            chair, tomorrow, "Videoverbinding (fictief)", tomorrow - timedelta(hours=3)
        )
        draft = operations.create_meeting(chair, today_at(12) + timedelta(days=7), "Zaal 3")
        for meeting, case, seats in (
            (in_session, cases[0], ["politie", "veilig-thuis"]),
            (in_session, cases[1], ["gi"]),
            (preparing, cases[1], ["politie"]),
            (draft, cases[2], ["politie"]),
        ):
            item = operations.add_item(chair, meeting, case)
            operations.update_item(chair, item, minutes=15, kind=item.kind, partner_codes=seats)
        operations.publish(chair, in_session)
        operations.publish(chair, preparing)
        operations.confirm_pledge(chair, in_session)
        operations.confirm_pledge(session.get(User, users["partner"].id), in_session)
        operations.step(chair, in_session, operations.Step.start)
        return [case.code for case in cases]


def _links(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The app's own pages this page links to (no fragments, files or other hosts)."""
    found = []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        url = urljoin(base, href).split("#", 1)[0]
        parts = urlsplit(url)
        own = url.startswith(base) and not parts.path.startswith("/static/")
        if own and not parts.path.endswith(SKIPPED_SUFFIXES) and url not in found:
            found.append(url)
    return found


def _form_states(page, walk: WalkData, role: str) -> None:  # type: ignore[no-untyped-def]
    """The screens a form shows after a submit: errors, and the contribution preview."""
    base = walk.server.url
    page.goto(f"{base}/account/wachtwoord")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if role == "chair":
        for path in ("/casussen/nieuw", "/vergaderingen/nieuw"):
            page.goto(f"{base}{path}")
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_load_state()
    if role == "partner":
        page.goto(f"{base}/casussen/{walk.case_codes[0]}/inbreng")
        page.locator("main select").first.select_option(index=1)
        page.locator("main textarea").first.fill("Fictief: [BETROKKENE] is gezien bij het station.")
        page.locator("main form button[name=preview]").click()
        page.wait_for_load_state()


def _walk_role(page, walk: WalkData, role: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Every page reachable from the start page by the app's own links (the menu first), each
    checked as it loads; then the form states."""
    base = walk.server.url
    queue, visited = [f"{base}/"], set()
    while queue:
        url = queue.pop(0)
        if url in visited:
            continue
        assert len(visited) < MAX_PAGES, f"more than {MAX_PAGES} pages: {sorted(visited)}"
        page.goto(url)
        visited.add(url)
        queue += [linked for linked in _links(page, base) if linked not in visited]
    _form_states(page, walk, role)
    return {url.removeprefix(base) for url in visited}


def _switch_language(page, locale: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#locale").select_option(locale)
    page.locator("footer form.language button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == locale
    # the catalogue is compiled (``make``): otherwise "English" pages would be Dutch
    assert (
        page.locator("label[for=locale]").inner_text() == {"nl": "Taal", "en": "Language"}[locale]
    )


def test_every_page_of_every_role_passes_axe(browser, walk: WalkData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found: dict[tuple[str, str], set[Violation]] = {}
    pages_seen: dict[tuple[str, str], set[str]] = {}
    for role, _org in ROLES:
        page = new_page(browser, lambda _found: None)  # the walk collects, fails at the end
        login_in_browser(page, walk.server.url, walk.users[role])  # once: a code works once
        for locale, width in WALKS:
            seen: set[Violation] = set()
            page.on_violations = seen.update
            page.set_viewport_size({"width": width, "height": 900})
            _switch_language(page, locale)
            pages_seen[(role, locale)] = _walk_role(page, walk, role)
            found[(role, locale)] = seen
        page.context.close()

    lines = []
    for (role, locale), violations in found.items():
        counts = Counter(v.impact for v in violations)
        summary = ", ".join(f"{counts[i]} {i}" for i in IMPACT_ORDER if counts[i])
        lines.append(
            f"{role} ({locale}, {dict(WALKS)[locale]} px): {len(violations)} violations "
            f"({summary or 'none'}) on {len(pages_seen[(role, locale)])} pages"
        )
        lines.append(f"  pages: {' '.join(sorted(pages_seen[(role, locale)]))}")
        lines += [f"  {v.line()}" for v in sorted(violations)]
    out = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path)) / "axe-violations.txt"
    out.write_text("\n".join(lines) + "\n")
    total = sum(len(v) for v in found.values())
    print(f"axe-core: {total} violations in all, listed in {out}")
    print("\n".join(line for line in lines if not line.startswith("  ")))
    # every role saw the pages it works with (the walk did not stop at the start page)
    assert {"/casussen", "/vergaderingen", "/convenant"} <= pages_seen[("chair", "nl")]
    assert {"/beheer/gebruikers"} <= pages_seen[("admin", "en")]
    failing = sorted(v for violations in found.values() for v in violations if v.fails)
    assert not failing, f"serious or critical violations:\n{report(failing)}"
