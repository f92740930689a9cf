"""The retention pages driven like users: the chair proposes, the privacy officer sets and
lifts a hold and approves, the receiving partner confirms the notice."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import csrf_token, login
from tests.retention.conftest import Scenario
from zorgtafel.privacy.models import CaseKey
from zorgtafel.retention.models import ErasureNotice, ErasureProposal


def _client(app: Flask, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, user)
    return client


def test_the_whole_round_through_the_pages(app: Flask, scenario: Scenario) -> None:
    chair, officer = _client(app, scenario.chair), _client(app, scenario.privacy)
    page = chair.get("/bewaartermijnen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert scenario.code in html
    for text in scenario.plaintexts:
        assert text not in html
    token = csrf_token(chair, "/bewaartermijnen")
    proposed = chair.post(
        "/bewaartermijnen/voorstellen",
        data={"csrf_token": token, "case_code": scenario.code, "target": "case"},
    )
    assert proposed.status_code == 303
    with in_app(app) as session:
        proposal_id = session.scalar(select(ErasureProposal.id))

    token = csrf_token(officer, "/bewaartermijnen")
    held = officer.post(
        "/bewaartermijnen/bewaarplicht",
        data={"csrf_token": token, "case_code": scenario.code, "kind": "complaint",
              "reason": "klacht 2026-7", "ends_on": "2099-01-01"},
    )  # fmt: skip
    assert held.status_code == 303
    html = officer.get("/bewaartermijnen").get_data(as_text=True)
    hold_id = re.search(r'id="opheffen-(\d+)"', html).group(1)  # type: ignore[union-attr]
    refused = officer.post(
        f"/bewaartermijnen/voorstellen/{proposal_id}/goedkeuren", data={"csrf_token": token}
    )
    assert refused.status_code == 303
    assert "bewaarplicht" in officer.get("/bewaartermijnen").get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalar(select(CaseKey.destroyed_at)) is None
    lifted = officer.post(
        f"/bewaartermijnen/bewaarplicht/{hold_id}/opheffen", data={"csrf_token": token}
    )
    assert lifted.status_code == 303
    approved = officer.post(
        f"/bewaartermijnen/voorstellen/{proposal_id}/goedkeuren", data={"csrf_token": token}
    )
    assert approved.status_code == 303
    with in_app(app) as session:
        assert session.scalar(select(CaseKey.destroyed_at)) is not None
        notice_id = session.scalar(select(ErasureNotice.id))

    partner = _client(app, scenario.partner)
    html = partner.get("/bewaartermijnen/meldingen").get_data(as_text=True)
    assert scenario.code in html
    assert "signalen" in html
    token = csrf_token(partner, "/bewaartermijnen/meldingen")
    confirmed = partner.post(
        f"/bewaartermijnen/meldingen/{notice_id}/bevestigen", data={"csrf_token": token}
    )
    assert confirmed.status_code == 303
    with in_app(app) as session:
        assert session.get(ErasureNotice, notice_id).confirmed_at is not None  # type: ignore[union-attr]


def test_another_organisation_cannot_confirm_a_notice(app: Flask, scenario: Scenario) -> None:
    from zorgtafel.auth.models import Role

    chair, officer = _client(app, scenario.chair), _client(app, scenario.privacy)
    token = csrf_token(chair, "/bewaartermijnen")
    chair.post(
        "/bewaartermijnen/voorstellen",
        data={"csrf_token": token, "case_code": scenario.code, "target": "case"},
    )
    with in_app(app) as session:
        proposal_id = session.scalar(select(ErasureProposal.id))
    token = csrf_token(officer, "/bewaartermijnen")
    officer.post(
        f"/bewaartermijnen/voorstellen/{proposal_id}/goedkeuren", data={"csrf_token": token}
    )
    with in_app(app) as session:
        notice_id = session.scalar(select(ErasureNotice.id))
    from tests.fixtures.auth import Factories

    other = _client(app, Factories(app).user(Role.partner, "jeugd-ggz"))
    assert scenario.code not in other.get("/bewaartermijnen/meldingen").get_data(as_text=True)
    token = csrf_token(other, "/bewaartermijnen/meldingen")
    answer = other.post(
        f"/bewaartermijnen/meldingen/{notice_id}/bevestigen", data={"csrf_token": token}
    )
    assert answer.status_code == 404


def test_the_erased_case_pages_still_answer_without_content(app: Flask, scenario: Scenario) -> None:
    from zorgtafel.auth.models import User
    from zorgtafel.cases.models import Case
    from zorgtafel.retention import operations
    from zorgtafel.retention.models import Scope

    with in_app(app) as session:
        case = session.get(Case, scenario.case_id)
        proposal = operations.propose(session.get(User, scenario.chair.id), case, Scope.case)
        operations.approve(session.get(User, scenario.privacy.id), proposal)
    chair = _client(app, scenario.chair)
    for path in (f"/casussen/{scenario.code}", f"/notulen/punten/{scenario.item_id}"):
        answer = chair.get(path)
        assert answer.status_code in (200, 404), path
        for text in scenario.plaintexts:
            assert text not in answer.get_data(as_text=True)


def test_a_hold_ending_in_the_past_is_refused_and_changes_nothing(
    app: Flask, scenario: Scenario
) -> None:
    from zorgtafel.retention.models import Hold

    officer = _client(app, scenario.privacy)
    token = csrf_token(officer, "/bewaartermijnen")
    answer = officer.post(
        "/bewaartermijnen/bewaarplicht",
        data={"csrf_token": token, "case_code": scenario.code, "kind": "complaint",
              "reason": "klacht", "ends_on": "2001-01-01"},
    )  # fmt: skip
    assert answer.status_code == 303
    page = officer.get("/bewaartermijnen").get_data(as_text=True)
    assert "De einddatum moet na vandaag liggen." in page
    with in_app(app) as session:
        assert session.scalar(select(Hold.id)) is None


def test_the_cli_refuses_a_user_who_may_not_see_the_list(app: Flask, scenario: Scenario) -> None:
    from zorgtafel.auth.models import User

    with in_app(app) as session:
        email = session.get(User, scenario.partner.id).email  # type: ignore[union-attr]
    result = app.test_cli_runner().invoke(args=["retention", "due", "--as", email])
    assert result.exit_code == 1
    assert "geen actieve FG of voorzitter" in result.output
    assert scenario.code not in result.output
