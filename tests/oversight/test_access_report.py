"""Issue 15 point 6 (part): the access report's search through the keyed lookup hashes is a
logged reveal for the privacy officer only, and the report lists the subject's cases, the
categories held with their sources and every release to an organisation. Fictitious data."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.cases import CaseFactory, CaseRecord, example_convenant, read_contents
from tests.fixtures.minutes import MinutesTable
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role, User
from zorgtafel.privacy.gate.access_report import access_report
from zorgtafel.privacy.gate.kernel import DisclosureRefused
from zorgtafel.privacy.lookup import lookups_for


@pytest.fixture(autouse=True)
def _pseudonymiser(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("pseudonymiser_without_deduce")


def report_for(app: Flask, user_id: int, bsn: str | None, name: bool = False):  # type: ignore[no-untyped-def]
    with in_app(app) as session:
        lookups = lookups_for(
            bsn, ("Fenna",) if name else (), "Verzinsel" if name else "", date(2010, 4, 5)
        )
        return access_report(
            session.get(User, user_id), lookups, example_convenant(), received_on=date(2026, 1, 31)
        )


def test_the_privacy_officer_finds_the_subject_by_bsn_or_name_and_sees_sources_and_releases(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    politie = t.factories.user(Role.partner, "politie")
    CaseFactory(app).contribute(CaseRecord(t.case_id, t.case_code), politie.id, "signalen")
    read_contents(app, politie.id, [t.case_id])  # a release to politie, in the log
    officer = t.factories.user(Role.privacy, "gemeente")
    report = report_for(app, officer.id, "111222333")
    (case,) = report.cases
    assert case.code == t.case_code
    assert case.held["signalen"] == ("politie",)
    assert any(r.partner_code == "politie" and "signalen" in r.categories for r in case.releases)
    assert report_for(app, officer.id, None, name=True).cases[0].code == t.case_code
    assert report.due_on == date(2026, 2, 28)
    assert report.extended_due_on == date(2026, 4, 30)
    assert report_for(app, officer.id, None, name=True).due_on == date(2026, 2, 28)
    with in_app(app) as session:
        reveals = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == t.case_code,
                AuditEvent.purpose == "access_request",
                AuditEvent.action == "reveal_identity",
            )
        ).all()
    assert len(reveals) == 3


def test_a_search_that_finds_nothing_finds_nothing_and_anyone_else_is_refused(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    officer = t.factories.user(Role.privacy, "gemeente")
    assert report_for(app, officer.id, "123456782").cases == ()
    politie = t.factories.user(Role.partner, "politie")
    with pytest.raises(DisclosureRefused):
        report_for(app, politie.id, "111222333")
