"""A case code that names no case takes the refused path: the same work, a logged refusal,
the same 404, in the same time (an enumeration of codes shows up in the log instead of in
the timing)."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import AuditAction, Outcome, Refusal
from zorgtafel.auth.models import Role

MISSING = "ZT-2026-9999"


def _events(app: Flask, code: str) -> list[tuple[str, str | None]]:
    with in_app(app) as session:
        rows = session.execute(
            select(AuditEvent.outcome, AuditEvent.reason).where(
                AuditEvent.object_id == code, AuditEvent.action == AuditAction.read
            )
        ).all()
    return [(str(outcome), reason) for outcome, reason in rows]


@pytest.fixture
def partner(app: Flask, client: FlaskClient, factories: Factories, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as(Role.partner, "gemeente")
    return client


def test_a_missing_code_is_refused_and_logged_like_a_refused_case(
    app: Flask, partner: FlaskClient
) -> None:
    refused = CaseFactory(app).create(coordinator="politie").code
    answers = [partner.get(f"/casussen/{code}") for code in (refused, MISSING)]
    assert [answer.status_code for answer in answers] == [404, 404]
    pages = [re.sub(r'nonce="[^"]+"', "", answer.get_data(as_text=True)) for answer in answers]
    assert pages[0] == pages[1]
    assert _events(app, refused) == [(Outcome.refused.value, Refusal.no_need_to_know.value)]
    assert _events(app, MISSING) == [(Outcome.refused.value, Refusal.unknown_case.value)]


@pytest.mark.parametrize(
    "path", ["/casussen/{}/inbreng", "/casussen/{}/identiteit"], ids=["contribute", "reveal"]
)
def test_every_case_route_logs_a_missing_code_as_a_refusal(
    app: Flask, partner: FlaskClient, path: str
) -> None:
    from tests.fixtures.auth import csrf_token

    token = csrf_token(partner, "/")
    method = "POST" if path.endswith("identiteit") else "GET"
    answer = partner.open(path.format(MISSING), method=method, data={"csrf_token": token})
    assert answer.status_code == 404
    assert _events(app, MISSING) == [(Outcome.refused.value, Refusal.unknown_case.value)]


@pytest.mark.parametrize("code", ["Fenna Verzinsel", "ZT-2026-%00", "zt-2026-0001"])
def test_a_code_that_is_no_case_code_is_refused_without_its_text_in_the_log(
    app: Flask, partner: FlaskClient, code: str
) -> None:
    with in_app(app) as session:
        before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert partner.get(f"/casussen/{code}").status_code == 404
    with in_app(app) as session:
        after = session.execute(
            select(AuditEvent.object_id, AuditEvent.reason).where(AuditEvent.seq > (before or 0))
        ).all()
    assert [(row.object_id, row.reason) for row in after] == [
        ("ongeldige-code", Refusal.unknown_case.value)
    ]


#: requests of each kind, interleaved (after a warm-up): enough for a stable median
ROUNDS = 500
WARM_UP = 30


@pytest.mark.slow
def test_refused_and_missing_codes_answer_in_the_same_median_time(
    app: Flask, partner: FlaskClient
) -> None:
    refused = CaseFactory(app).create(coordinator="politie").code
    timings: dict[str, list[float]] = {refused: [], MISSING: []}
    for round_ in range(WARM_UP + ROUNDS):
        order = (refused, MISSING) if round_ % 2 else (MISSING, refused)
        for code in order:
            start = time.perf_counter()
            status = partner.get(f"/casussen/{code}").status_code
            elapsed = time.perf_counter() - start
            assert status == 404
            if round_ >= WARM_UP:
                timings[code].append(elapsed)
    ratio = statistics.median(timings[MISSING]) / statistics.median(timings[refused])
    medians = {code: round(statistics.median(times) * 1000, 2) for code, times in timings.items()}
    assert 0.9 <= ratio <= 1.1, f"missing/refused median ratio {ratio:.3f} ({medians} ms)"
