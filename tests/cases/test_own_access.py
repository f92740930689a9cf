"""No user raises its own organisation's access by its own action (issue 12 point 3, issue 13
point 4): a contribution and a self-invitation leave the chair's reveal at 404; chairing a
published meeting gives the chair's organisation need-to-know of its own (``chairing``, for the
table's period, logged), limited to the categories the convenant lets it receive. All data is
fictitious."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories, UserRecord, csrf_token, login
from tests.fixtures.cases import example_convenant, post_intake, registered_code
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Case, Involvement, InvolvementReason
from zorgtafel.convenant.rights import may_receive
from zorgtafel.meetings.models import Meeting


@pytest.fixture
def chair(factories: Factories) -> UserRecord:
    factories.example_convenant()
    return factories.user(Role.chair, "gemeente")


@pytest.fixture
def chair_client(app: Flask, chair: UserRecord) -> FlaskClient:
    client = app.test_client()
    login(client, chair)
    return client


@pytest.fixture
def code(chair_client: FlaskClient) -> str:
    """A case the chair registered, with gemeente neither coordinator nor involved."""
    return registered_code(post_intake(chair_client))


def reveal(client: FlaskClient, code: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/casussen/{code}")
    return client.post(f"/casussen/{code}/identiteit", data={"csrf_token": token})


def gemeente_reasons(app: Flask, code: str) -> list[InvolvementReason]:
    with in_app(app) as session:
        case = session.scalar(select(Case).where(Case.code == code))
        assert case is not None
        return [i.reason for i in case.involvements if i.partner_code == "gemeente"]


def events(app: Flask, code: str, **where: str) -> list[AuditEvent]:
    with in_app(app) as session:
        query = select(AuditEvent).where(AuditEvent.object_id.startswith(code))
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(session.scalars(query.order_by(AuditEvent.seq)))


def contribute(client: FlaskClient, code: str, text: str, *, save: bool) -> str:
    path = f"/casussen/{code}/inbreng"
    data = {"csrf_token": csrf_token(client, path), "category": "signalen", "text": text}
    html = client.post(path, data={**data, "preview": "1"}).get_data(as_text=True)
    if not save:
        return html
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', html)
    assert proof, html[:2000]
    response = client.post(path, data={**data, "previewed": proof.group(1), "save": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return ""


def test_the_chair_without_need_to_know_cannot_reveal(chair_client: FlaskClient, code: str) -> None:
    assert reveal(chair_client, code).status_code == 404


def test_a_contribution_does_not_widen_what_its_authors_organisation_receives(
    app: Flask, chair_client: FlaskClient, code: str
) -> None:
    contribute(chair_client, code, "x", save=True)
    assert gemeente_reasons(app, code) == []
    assert reveal(chair_client, code).status_code == 404
    page = chair_client.get(f"/casussen/{code}").get_data(as_text=True)
    assert "Verzinsel" not in page
    assert "Toon identiteit" not in page


def test_a_partner_contributing_keeps_its_own_involvement_only(
    app: Flask, factories: Factories, code: str
) -> None:
    politie = app.test_client()
    login(politie, factories.user(Role.partner, "politie"))
    contribute(politie, code, "Fictief: gezien bij het station.", save=True)
    with in_app(app) as session:
        case = session.scalar(select(Case).where(Case.code == code))
        assert case is not None
        assert [i.reason for i in case.involvements if i.partner_code == "politie"] == [
            InvolvementReason.invited
        ]


def test_inviting_ones_own_organisation_is_refused_and_logged(
    app: Flask, chair_client: FlaskClient, code: str
) -> None:
    token = csrf_token(chair_client, f"/casussen/{code}")
    response = chair_client.post(
        f"/casussen/{code}/partners",
        data={"csrf_token": token, "partner": "gemeente"},
        follow_redirects=True,
    )
    assert "Uw eigen organisatie kunt u niet zelf betrekken." in response.get_data(as_text=True)
    assert gemeente_reasons(app, code) == []
    assert reveal(chair_client, code).status_code == 404
    refused = events(app, code, object_type="involvement", outcome="refused")
    assert [(e.reason, e.actor_org) for e in refused] == [("own_organisation", "gemeente")]


def test_an_intake_involving_the_chairs_own_organisation_is_refused(
    app: Flask, chair_client: FlaskClient
) -> None:
    response = post_intake(chair_client, involved=["politie", "gemeente"])
    assert response.status_code == 400
    assert "Uw eigen organisatie kunt u niet zelf betrekken." in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Case)).all() == []
        refused = session.scalars(
            select(AuditEvent).where(AuditEvent.reason == "own_organisation")
        ).all()
        assert len(refused) == 1


def case_id(app: Flask, code: str) -> int:
    with in_app(app) as session:
        found = session.scalar(select(Case.id).where(Case.code == code))
        assert found is not None
        return found


def test_chairing_a_published_meeting_gives_need_to_know_of_its_own_logged(
    app: Flask, chair: UserRecord, chair_client: FlaskClient, code: str, meetings: MeetingFactory
) -> None:
    draft = meetings.create([(case_id(app, code), ["politie"])], publish=False, chair_id=chair.id)
    assert gemeente_reasons(app, code) == []
    assert reveal(chair_client, code).status_code == 404
    token = csrf_token(chair_client, f"/vergaderingen/{draft.id}")
    chair_client.post(f"/vergaderingen/{draft.id}/publiceren", data={"csrf_token": token})
    assert gemeente_reasons(app, code) == [InvolvementReason.chairing]
    with in_app(app) as session:
        meeting = session.get(Meeting, draft.id)
        assert meeting is not None
        involvement = session.scalar(
            select(Involvement).where(
                Involvement.partner_code == "gemeente",
                Involvement.reason == InvolvementReason.chairing,
            )
        )
        assert involvement is not None
        assert involvement.source == f"agenda-item:{draft.item_ids[0]}"
        assert involvement.valid_from == meeting.published_at
        assert involvement.valid_until == meeting.starts_at + timedelta(days=14)
    granted = events(app, code, object_type="involvement", reason="chairing")
    assert [(e.object_id, e.actor_user_id) for e in granted] == [(f"{code}/gemeente", chair.id)]
    revealed = reveal(chair_client, code)
    assert revealed.status_code == 200
    assert "Fenna Lotte Verzinsel" in revealed.get_data(as_text=True)
    shown = events(app, code, action="reveal_identity")
    assert [(e.outcome, e.reason) for e in shown] == [
        ("refused", "no_need_to_know"),
        ("allowed", "chairing"),
    ]


def test_the_chair_sees_only_the_categories_the_convenant_lets_gemeente_receive(
    app: Flask, chair: UserRecord, chair_client: FlaskClient, code: str, meetings: MeetingFactory
) -> None:
    convenant = example_convenant()
    assert may_receive(convenant, "gemeente", "identiteit").rule == "art. 6.1"
    assert not may_receive(convenant, "gemeente", "gezondheid")  # consent first (art. 8.1)
    meetings.create([(case_id(app, code), ["politie"])], chair_id=chair.id)
    page = chair_client.get(f"/casussen/{code}").get_data(as_text=True)
    receivable = set(re.findall(r'data-category="([^"]+)"', page))
    assert "identiteit" in receivable
    assert "gezondheid" not in receivable
    assert "Toon identiteit" in page


def test_a_chair_without_need_to_know_cannot_tell_a_true_name_from_a_wrong_one(
    chair_client: FlaskClient, code: str
) -> None:
    frame = "Gisteren zag de wijkagent {} met een oudere man bij het station."
    previews = [
        contribute(chair_client, code, frame.format(name), save=False)
        for name in ("Fenna Verzinsel", "Sanne Bakkerus")
    ]
    shown = [re.search(r'<p class="pseudonymised"[^>]*>(.*?)</p>', p, re.S) for p in previews]
    assert shown[0]
    assert shown[1]
    assert shown[0].group(1) == shown[1].group(1)
    assert "[BETROKKENE]" not in shown[0].group(1)


def test_a_chair_of_the_meeting_may_receive_identity_so_keeps_the_role_tags(
    app: Flask, chair: UserRecord, chair_client: FlaskClient, code: str, meetings: MeetingFactory
) -> None:
    meetings.create([(case_id(app, code), ["politie"])], chair_id=chair.id)
    html = contribute(chair_client, code, "Fenna was er niet.", save=False)
    shown = re.search(r'<p class="pseudonymised"[^>]*>(.*?)</p>', html, re.S)
    assert shown
    assert shown.group(1).strip() == "[BETROKKENE] was er niet."
