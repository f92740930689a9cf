"""The start pages that say what to do today, in a browser: the chair's work list above the
cards, and politie's seat and overdue action, each line a link that opens. Screenshots are
kept in /tmp/shots-today/. All data is fictitious."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.browser.conftest import login_in_browser, new_page
from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory, example_convenant
from tests.fixtures.meetings import MeetingFactory, future
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Stage
from zorgtafel.core.clock import today
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes import outcomes
from zorgtafel.minutes.models import ActionItem

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-today")  # noqa: S108 - screenshots to look at, fictitious data


def test_the_chair_and_politie_see_what_to_do_today(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    app, base = live_server.app, live_server.url
    factories = Factories(app)
    factories.example_convenant()
    cases = CaseFactory(app)
    case = cases.create(coordinator="politie")
    waiting = cases.create(stage=Stage.melding)
    run = secrets.token_hex(3)
    chair = factories.user("chair", "gemeente", email=f"vandaag-{run}@gemeente.test")
    politie = factories.user("partner", "politie", email=f"vandaag-{run}@politie.test")
    meetings = MeetingFactory(app, factories)
    meeting = meetings.create(
        [(case.id, ["gemeente", "politie"])],
        starts_at=future(3),
        deadline=future(2),
        chair_id=chair.id,
    )
    convenant = example_convenant()
    with in_app(app) as session:
        item = session.get(AgendaItem, meeting.item_ids[0])
        outcomes.add_action(
            session.get(User, chair.id), item, "politie", today() + timedelta(days=5),
            "Gesprek met de school plannen.", convenant=convenant,
        )  # fmt: skip
        session.execute(
            update(ActionItem)
            .where(ActionItem.case_id == case.id)
            .values(due_on=today() - timedelta(days=2))
        )

    login_in_browser(page, base, chair)
    page.goto(f"{base}/")
    page.screenshot(path=SHOTS / "1-chair-today.png", full_page=True)
    work = page.locator("section.today")
    assert work.locator('[data-today="next-meeting"] a').count() == 1
    assert work.locator(f'[data-today="triage"] a:has-text("{waiting.code}")').count() == 1
    assert work.locator('[data-today="overdue"][data-partner="politie"]').count() == 1
    work.locator(f'[data-today="triage"] a:has-text("{waiting.code}")').click()
    page.wait_for_url(f"**/casussen/{waiting.code}")

    other = new_page(browser)
    login_in_browser(other, base, politie)
    other.goto(f"{base}/")
    other.screenshot(path=SHOTS / "2-politie-today.png", full_page=True)
    # the live app's database is the session's: other tests' politie lines may be there too
    assert other.locator(f'[data-today="seat"]:has-text("{case.code}")').count() == 1
    overdue = other.locator(f'[data-today="action"].overdue a:has-text("{case.code}")')
    assert overdue.count() == 1
    overdue.click()
    other.wait_for_url("**/notulen/mijn-acties#actie-*")
    other.screenshot(path=SHOTS / "3-politie-my-actions.png", full_page=True)
    other.close()
