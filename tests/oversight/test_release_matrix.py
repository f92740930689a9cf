"""Per partner against the convenant: a partner x category matrix for a period, releases next to
what the version in force allows; unused rights, refusals, releases on consent and releases the
version in force would no longer allow stand out."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask.testing import FlaskClient

from tests.fixtures.audit import AuditFactory
from tests.fixtures.auth import UserRecord
from zorgtafel import ROOT
from zorgtafel.audit.operations import Actor
from zorgtafel.audit.vocabulary import AuditAction, Level, ObjectType, Outcome, Refusal
from zorgtafel.convenant.loader import load_convenant

VERSION_1_0 = ROOT / "convenants" / "zorgtafel-jpmh-voorbeeldland-1.0.toml"
IN_PERIOD = datetime(2026, 3, 2, 10, tzinfo=UTC)


def partner(code: str) -> Actor:
    return Actor(None, code, "partner")


def cell(html: str, partner_code: str, category: str) -> str:
    match = re.search(rf'data-cell="{partner_code}/{category}">(.*?)</td>', html, re.S)
    assert match, (partner_code, category)
    return match.group(1)


def matrix(client: FlaskClient, query: str = "?van=2026-01-01&tot=2026-12-31") -> str:
    response = client.get(f"/fg/matrix{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_releases_and_refusals_are_counted_per_partner_and_category(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(3, actor=partner("politie"), categories=("signalen",), at=IN_PERIOD)
    audit.append(
        actor=partner("politie"),
        categories=("gezondheid",),
        outcome=Outcome.refused,
        reason=Refusal.no_rule,
        at=IN_PERIOD,
    )
    audit.append(
        actor=partner("politie"), categories=("signalen",), at=datetime(2025, 6, 1, tzinfo=UTC)
    )
    html = matrix(client)
    signalen = cell(html, "politie", "signalen")
    assert "art. 6.2" in signalen
    assert '<span class="released">3</span>' in signalen  # the 2025 release is outside the period
    gezondheid = cell(html, "politie", "gezondheid")
    assert "–" in gezondheid  # politie may not receive it
    assert '<mark class="refused">1</mark>' in gezondheid


def test_a_right_never_used_stands_out(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(actor=partner("politie"), categories=("signalen",), at=IN_PERIOD)
    html = matrix(client)
    assert 'class="unused" data-cell="politie/identiteit"' in html
    assert 'class="" data-cell="politie/signalen"' in html
    assert 'class="" data-cell="politie/gezondheid"' in html  # no right: nothing unused


def test_a_release_on_recorded_consent_stands_out(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(
        actor=partner("gemeente"), categories=("gezondheid",), article="art. 8.1", at=IN_PERIOD
    )
    audit.append(actor=partner("gemeente"), categories=("signalen",), at=IN_PERIOD)
    assert "T 1" in cell(matrix(client), "gemeente", "gezondheid")
    assert "T " not in cell(matrix(client), "gemeente", "signalen")


def test_a_release_the_version_in_force_no_longer_allows_stands_out(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    # convenant 1.0 let pmw receive gezin-netwerk (art. 6.10); 1.1 no longer does
    audit.append(
        actor=partner("pmw"),
        categories=("gezin-netwerk",),
        article="art. 6.10",
        convenant=load_convenant(VERSION_1_0),
        at=datetime(2025, 11, 3, tzinfo=UTC),
    )
    html = matrix(client, "?van=2025-01-01&tot=2026-12-31")
    gezin = cell(html, "pmw", "gezin-netwerk")
    assert "! 1" in gezin
    assert "–" in gezin


def test_the_matrix_is_a_logged_oversight_read(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    matrix(client)
    newest = audit.newest()[0]
    assert (newest.actor_user_id, newest.action, newest.object_type, newest.level) == (
        fg.id,
        AuditAction.read.value,
        ObjectType.release_matrix.value,
        Level.process.value,
    )


def test_the_period_defaults_to_this_year(client: FlaskClient, fg: UserRecord) -> None:
    html = matrix(client, "")
    assert 'name="van"' in html
    assert "-01-01" in html


def test_a_period_that_ends_before_it_starts_is_refused_clearly(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    before = audit.newest()[0].seq
    response = client.get("/fg/matrix?van=2026-05-01&tot=2026-04-01")
    assert response.status_code == 400
    assert "De einddatum ligt voor de begindatum." in response.get_data(as_text=True)
    assert audit.newest()[0].seq == before
