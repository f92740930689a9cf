"""The case list: newest first in pages of fifty, a search by the start of a code, a partner's
own cases only, one search event per listed case appended in one go, and the same number of
statements however many cases there are."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory, CaseRecord
from zorgtafel.audit import ledger
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import InvolvementReason, Stage

CODES = re.compile(r'href="/casussen/(ZT-\d{4}-\d+)"')


def listed(client: FlaskClient, query: str = "") -> tuple[list[str], str | None]:
    response = client.get(f"/casussen{query}")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    after = re.search(r'href="/casussen\?[^"]*na=(ZT-[0-9-]+)"', html)
    return CODES.findall(html), after.group(1) if after else None


@pytest.fixture
def many(cases: CaseFactory, factories: Factories) -> list[CaseRecord]:
    factories.example_convenant()
    return [cases.create(stage=Stage.melding if n % 3 else Stage.triage) for n in range(120)]


def test_the_chair_pages_through_every_case_newest_first(
    client: FlaskClient, login_as: Any, many: list[CaseRecord]
) -> None:
    login_as(Role.chair, "gemeente")
    seen: list[str] = []
    codes, after = listed(client)
    assert len(codes) == 50
    while True:
        seen += codes
        if after is None:
            break
        codes, after = listed(client, f"?na={after}")
    assert seen == [record.code for record in reversed(many)]  # newest first, each once


def test_filters_and_a_search_by_the_start_of_a_code(
    client: FlaskClient, login_as: Any, many: list[CaseRecord]
) -> None:
    login_as(Role.chair, "gemeente")
    triage = [r.code for r in reversed(many) if many.index(r) % 3 == 0]
    codes, _ = listed(client, "?fase=triage")
    assert codes == triage[:50]
    target = many[17].code
    codes, _ = listed(client, f"?code={target}")
    assert codes == [target]
    year = target[:8]  # "ZT-2026-": every case of the year, in code order
    codes, _ = listed(client, f"?code={year.lower()}")
    assert codes == sorted(r.code for r in many)[:50]
    assert client.get("/casussen?code=ZT%25").status_code == 400  # a wildcard is no code


def test_a_partner_lists_only_its_own_cases_and_a_foreign_position_tells_it_nothing(
    client: FlaskClient, login_as: Any, many: list[CaseRecord], cases: CaseFactory
) -> None:
    own = many[::7]
    for record in own:
        cases.involve(record, "politie", InvolvementReason.invited)
    login_as(Role.partner, "politie")
    codes, after = listed(client)
    assert codes == [r.code for r in reversed(own)]
    assert after is None
    foreign = next(r for r in many if r not in own)
    assert listed(client, f"?na={foreign.code}") == listed(client, "?na=ZT-1999-0000")
    assert listed(client, f"?na={foreign.code}")[0] == codes  # the top, as if unknown
    assert listed(client, f"?code={foreign.code}")[0] == []


def test_a_page_is_one_search_event_per_listed_case_appended_in_one_go(
    app: Flask,
    client: FlaskClient,
    login_as: Any,
    many: list[CaseRecord],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login_as(Role.chair, "gemeente")
    appends: list[int] = []
    real = ledger.append

    def counted(session: Any, events: list[dict[str, object]]) -> None:
        appends.append(len(events))
        real(session, events)

    from zorgtafel.privacy.gate import kernel

    monkeypatch.setattr(kernel.ledger, "append", counted)
    codes, _ = listed(client)
    assert appends == [50]
    with in_app(app) as session:
        searched = session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "search")
        ).all()
    assert set(codes) <= set(searched)


@pytest.mark.parametrize("role", [Role.chair, Role.partner])
def test_the_list_costs_the_same_statements_for_few_and_many_cases(
    app: Flask,
    factories: Factories,
    cases: CaseFactory,
    count_queries: Any,
    role: Role,
) -> None:
    factories.example_convenant()
    client = app.test_client()
    from tests.fixtures.auth import login

    login(client, factories.user(role, "politie" if role is Role.partner else "gemeente"))
    counts = []
    for total in (60, 240):
        while _cases(app) < total:
            record = cases.create()
            cases.involve(record, "politie", InvolvementReason.invited)
        client.get("/casussen")  # warm
        with count_queries() as statements:
            assert client.get("/casussen").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def _cases(app: Flask) -> int:
    from zorgtafel.cases.models import Case

    with in_app(app) as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0
