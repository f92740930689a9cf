"""The minutes excerpt and Mijn acties cost the same number of SQL statements whatever the
number of items or actions: a page's rows are read in a fixed number of queries (issue 14).
All data is fictitious."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from tests.fixtures.app import counting, in_app
from tests.fixtures.auth import Factories, login
from tests.fixtures.cases import CaseFactory, example_convenant
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.auth.models import Role, User
from zorgtafel.core.clock import today
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes import operations, outcomes
from zorgtafel.minutes.models import MinutesPart

SEATS = ("gemeente", "politie", "jeugd-ggz")


def _meeting(app: Flask, factories: Factories, items: int, *, actions_per_item: int = 1) -> int:
    """A published meeting of ``items`` cases, politie at every table; on each item minutes in
    two categories, a decision and ``actions_per_item`` open actions for politie."""
    convenant = example_convenant()
    chair = factories.user(Role.chair, "gemeente")
    records = [CaseFactory(app).create(coordinator="veilig-thuis") for _ in range(items)]
    meeting = MeetingFactory(app, factories).create(
        [(record.id, list(SEATS)) for record in records], chair_id=chair.id
    )
    with in_app(app) as session:
        user = session.get(User, chair.id)
        for n, item_id in enumerate(meeting.item_ids):
            item = session.get(AgendaItem, item_id)
            paragraphs = [
                operations.Paragraph(MinutesPart.discussion, "signalen", "Besproken."),
                operations.Paragraph(MinutesPart.conclusion, "veiligheid-risico", "Risico."),
            ]
            operations.save_draft(user, item, paragraphs, based_on=0, convenant=convenant)
            outcomes.add_decision(user, item, "Plan van aanpak.", convenant=convenant)
            for k in range(actions_per_item):
                outcomes.add_action(
                    user,
                    item,
                    "politie",
                    today() + timedelta(days=(n + k) % 20),
                    "Gesprek voeren.",
                    convenant=convenant,
                )
    return meeting.id


def _statements(app: Flask, factories: Factories, path: str) -> list[str]:
    client = app.test_client()
    login(client, factories.user(Role.partner, "politie"))
    client.get(path)  # warm: session touch, caches
    with counting(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return statements


def test_the_excerpt_s_queries_do_not_grow_with_the_items(app: Flask, factories: Factories) -> None:
    factories.example_convenant()
    counts = []
    for items in (5, 40):
        meeting_id = _meeting(app, factories, items)
        statements = _statements(app, factories, f"/notulen/vergaderingen/{meeting_id}")
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] < 40, counts


def test_my_actions_queries_do_not_grow_with_the_actions(app: Flask, factories: Factories) -> None:
    factories.example_convenant()
    counts = []
    for total, items in ((10, 5), (100, 20)):
        # the first run's actions are still open: politie's page holds them too
        _meeting(app, factories, items, actions_per_item=total // items)
        html_path = "/notulen/mijn-acties"
        counts.append(len(_statements(app, factories, html_path)))
    assert counts[0] == counts[1], counts
    assert counts[0] < 30, counts
