"""Cases: meaningless codes, a data key per case, involvement records with reason and period."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.cases import CaseFactory
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases import operations
from zorgtafel.cases.models import Case, Involvement, InvolvementReason, Stage
from zorgtafel.core.clock import utcnow
from zorgtafel.privacy import vault


def test_case_codes_are_meaningless_and_unique(app: Flask) -> None:
    with app.app_context():
        codes = {operations.new_case_code(2026) for _ in range(200)}
    assert all(re.fullmatch(r"ZT-2026-\d{4}", code) for code in codes)
    assert len(codes) > 150  # random, not a counter


def test_a_new_case_has_its_own_data_key_its_coordinator_and_an_event(
    app: Flask, cases: CaseFactory
) -> None:
    one, two = cases.create(coordinator="veilig-thuis"), cases.create()
    with in_app(app) as session:
        keys = [vault.case_key_for(session, c.id) for c in (one, two)]
        assert all(k is not None and not k.destroyed for k in keys)
        assert keys[0].key_id != keys[1].key_id  # type: ignore[union-attr]
        case = session.get(Case, one.id)
        assert case is not None
        assert case.stage is Stage.aanpak
        assert [(i.partner_code, i.reason) for i in case.involvements] == [
            ("veilig-thuis", InvolvementReason.coordinator)
        ]
        created = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == one.code, AuditEvent.action == "create"
            )
        ).all()
        assert [e.object_type for e in created] == ["case"]
        assert "ZT-" in repr(case)


def test_involvement_is_active_only_within_its_period(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    now = utcnow()
    cases.involve(
        case,
        "politie",
        InvolvementReason.at_table,
        valid_from=now,
        valid_until=now + timedelta(days=14),
        source="agenda-item:5",
    )
    with in_app(app) as session:
        involvement = session.scalar(select(Involvement).where(Involvement.case_id == case.id))
        assert involvement is not None
        assert involvement.source == "agenda-item:5"
        assert involvement.active_at(now)
        assert involvement.active_at(now + timedelta(days=13))
        assert not involvement.active_at(now + timedelta(days=14))
        assert not involvement.active_at(now - timedelta(seconds=1))
        operations.end_involvement(involvement)
        assert not involvement.active_at(utcnow() + timedelta(seconds=1))


def test_contributing_seals_the_text_and_gives_no_need_to_know_of_its_own(
    app: Flask, cases: CaseFactory, factories: Any
) -> None:
    case = cases.create(coordinator="veilig-thuis")
    author = factories.user(Role.partner, "jeugd-ggz")
    contribution_id = cases.contribute(case, author.id, "hulpverlening", "Fictief: hulp loopt.")
    with in_app(app) as session:
        case_ = session.get(Case, case.id)
        assert case_ is not None
        assert [i.partner_code for i in case_.involvements] == ["veilig-thuis"]
        contribution = case_.contributions[0]
        assert contribution.id == contribution_id
        assert contribution.text is not None
        assert b"hulp loopt" not in contribution.text.blob
        assert "loopt" not in repr(contribution)
