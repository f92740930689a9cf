"""The gate's kernel: decide, record, then open; one need-to-know rule; one decision per page;
web code that asks the gate and never the rules."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory, CaseRecord, example_convenant
from zorgtafel import ROOT
from zorgtafel.audit import ledger
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Involvement, InvolvementReason
from zorgtafel.core.clock import utcnow
from zorgtafel.privacy import access_rules
from zorgtafel.privacy.gate import Purpose, kernel
from zorgtafel.privacy.gate import cases as surface
from zorgtafel.privacy.gate.kernel import Disclosure, NotGranted, OpenedTooEarly
from zorgtafel.privacy.need_to_know import need_to_know

CONVENANT = example_convenant()


@pytest.fixture
def case(cases: CaseFactory, factories: Factories) -> CaseRecord:
    record = cases.create(coordinator="veilig-thuis")
    author = factories.user(Role.partner, "veilig-thuis")
    cases.contribute(record, author.id, "signalen", FICTIONAL_TEXT)
    return record


def _contribution(session: Any, case: CaseRecord) -> Any:
    return session.get(Case, case.id).contributions[0]


def test_opening_before_the_decisions_are_recorded_is_refused(
    app: Flask, factories: Factories, case: CaseRecord
) -> None:
    care = factories.user(Role.partner, "veilig-thuis")
    with in_app(app) as session:
        disclosure = Disclosure(session.get(User, care.id), Purpose.case_work, CONVENANT)
        row = session.get(Case, case.id)
        decision = disclosure.highest(row, (access_rules.Level.content,))
        disclosure.categories(row, decision, (), held=["signalen"])
        contribution = _contribution(session, case)
        with pytest.raises(OpenedTooEarly):
            disclosure.open(
                case.id, contribution.text, category="signalen", table="contributions",
                row_id=contribution.id, column="text",
            )  # fmt: skip
        disclosure.record()
        opened = disclosure.open(
            case.id, contribution.text, category="signalen", table="contributions",
            row_id=contribution.id, column="text",
        )  # fmt: skip
        assert opened.reveal() == FICTIONAL_TEXT


def test_opening_what_no_decision_granted_is_refused(
    app: Flask, factories: Factories, case: CaseRecord, cases: CaseFactory
) -> None:
    police = factories.user(Role.partner, "politie")
    cases.involve(case, "politie", InvolvementReason.invited)
    with in_app(app) as session:
        disclosure = Disclosure(session.get(User, police.id), Purpose.case_work, CONVENANT)
        row = session.get(Case, case.id)
        decision = disclosure.highest(row, (access_rules.Level.content,))
        disclosure.categories(row, decision, (), held=["signalen"])
        disclosure.record()
        contribution = _contribution(session, case)
        with pytest.raises(NotGranted):  # politie received signalen, never identity
            disclosure.open(
                case.id, row.identity, category="identiteit", table="cases", row_id=case.id,
                column="identity",
            )  # fmt: skip
        with pytest.raises(NotGranted):  # nor another case's signalen
            disclosure.open(
                case.id + 1, contribution.text, category="signalen", table="contributions",
                row_id=contribution.id, column="text",
            )  # fmt: skip


def test_a_disclosure_appends_all_its_events_in_one_go(
    app: Flask, factories: Factories, case: CaseRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    care = factories.user(Role.partner, "veilig-thuis")
    factories_case = CaseFactory(app)
    factories_case.contribute(case, care.id, "gezondheid", "Fictief: [BETROKKENE] rust.")
    appends: list[int] = []
    real = ledger.append
    monkeypatch.setattr(
        kernel.ledger,
        "append",
        lambda session, events: appends.append(len(events)) or real(session, events),
    )
    with in_app(app) as session:
        surface.case_page(
            session.get(User, care.id), session.get(Case, case.id), Purpose.case_work, CONVENANT
        )
    assert appends == [2]  # two categories, two events, one append


def test_a_case_page_decides_its_level_once_and_its_categories_once(
    client: FlaskClient,
    login_as: Any,
    factories: Factories,
    case: CaseRecord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    factories.example_convenant()
    login_as(Role.partner, "veilig-thuis")
    calls: dict[str, int] = {"level": 0, "categories": 0}

    def counted(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(kernel, "decide_highest", counted("level", kernel.decide_highest))
    monkeypatch.setattr(kernel, "decide_level", counted("level", kernel.decide_level))
    monkeypatch.setattr(
        kernel, "decide_categories", counted("categories", kernel.decide_categories)
    )
    response = client.get(f"/casussen/{case.code}")
    assert response.status_code == 200
    assert calls == {"level": 1, "categories": 1}


#: web modules: they ask the gate; the rules behind it are the gate's business
WEB_MODULES = ("controllers.py", "blueprint.py", "forms.py")
RULES = (
    "zorgtafel.privacy.access_rules",
    "zorgtafel.privacy.need_to_know",
    "zorgtafel.privacy.vault",
    "zorgtafel.convenant.rights",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_web_modules_ask_the_gate_never_the_rules() -> None:
    web = [p for name in WEB_MODULES for p in (ROOT / "zorgtafel").rglob(name)]
    web.append(ROOT / "zorgtafel" / "templating.py")
    assert len(web) > 10
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(
            module for module in _imports(path) if module.startswith(RULES)
        )
        for path in web
    }
    assert {path: found for path, found in offenders.items() if found} == {}
    asking = [
        path for path in web if any(m.startswith("zorgtafel.privacy.gate") for m in _imports(path))
    ]
    assert {p.parent.name for p in asking} >= {"cases", "meetings"}


MOMENT = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=MOMENT,
    length=st.one_of(
        st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90))
    ),
    offset=st.timedeltas(min_value=timedelta(days=-100), max_value=timedelta(days=100)),
)
def test_an_active_involvement_is_one_rule_in_python_and_in_sql(
    app: Flask, case: CaseRecord, start: datetime, length: timedelta | None, offset: timedelta
) -> None:
    moment = start + offset
    with in_app(app) as session:
        involvement = Involvement(
            case_id=case.id,
            partner_code="politie",
            reason=InvolvementReason.invited,
            valid_from=start,
            valid_until=None if length is None else start + length,
        )
        session.add(involvement)
        session.flush()
        in_sql = session.scalar(
            select(Involvement.id).where(
                Involvement.id == involvement.id, Involvement.active_at(moment)
            )
        )
        assert (in_sql is not None) is involvement.active_at(moment)
        assert (case.id in need_to_know("politie", [case.id], moment)) is involvement.active_at(
            moment
        )
        session.delete(involvement)


def test_need_to_know_takes_the_strongest_reason_of_many_cases_in_one_query(
    app: Flask, cases: CaseFactory, count_queries: Any
) -> None:
    records = [cases.create() for _ in range(30)]
    for number, record in enumerate(records):
        cases.involve(record, "politie", InvolvementReason.at_table)
        if number % 2:
            cases.involve(record, "politie", InvolvementReason.coordinator)
    with in_app(app), count_queries() as queries:
        found = need_to_know("politie", [r.id for r in records], utcnow())
    assert [q for q in queries if q.startswith("SELECT")] == queries[-1:]  # one query
    assert [found[r.id] for r in records[:2]] == [
        InvolvementReason.at_table,
        InvolvementReason.coordinator,
    ]
