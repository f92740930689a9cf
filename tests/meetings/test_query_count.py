"""The agenda page costs the same number of SQL statements for 5 items as for 40."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import counting
from tests.fixtures.auth import Factories, login
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.auth.models import Role

PARTNERS = ("politie", "om", "veilig-thuis", "raad", "gi", "jeugd-ggz")


def agenda_statements(
    app: Flask, client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, items: int
) -> list[str]:
    records = [cases.create(coordinator="veilig-thuis") for _ in range(items)]
    meeting = meetings.create(
        [(record.id, PARTNERS[: 2 + n % 4]) for n, record in enumerate(records)]
    )
    client.get(f"/vergaderingen/{meeting.id}")  # warm: session touch, caches
    with counting(app) as statements:
        response = client.get(f"/vergaderingen/{meeting.id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count(records[-1].code) == 1
    return statements


@pytest.mark.parametrize("role", [Role.partner, Role.chair])
def test_agenda_queries_do_not_grow_with_the_items(
    app: Flask, factories: Factories, cases: CaseFactory, role: Role
) -> None:
    counts = []
    for items in (5, 40):
        client = app.test_client()
        login(client, factories.user(role, "politie" if role is Role.partner else "gemeente"))
        meetings = MeetingFactory(app, factories)
        counts.append(len(agenda_statements(app, client, cases, meetings, items)))
    assert counts[0] == counts[1], counts
    assert counts[0] < 30
