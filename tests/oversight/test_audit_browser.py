"""The audit browser: every filter, keyset pages, every code in words (nl and en), CSV export;
reading the log is itself a logged disclosure."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.app import counting, in_app
from tests.fixtures.audit import AuditFactory
from tests.fixtures.auth import Factories, UserRecord
from tests.fixtures.cases import example_convenant
from zorgtafel.audit.operations import Actor
from zorgtafel.audit.vocabulary import (
    AuditAction,
    Basis,
    Level,
    ObjectType,
    Outcome,
    Purpose,
    Refusal,
)
from zorgtafel.auth.models import Role, User
from zorgtafel.oversight.csvfile import cell
from zorgtafel.privacy.gate import DisclosureRefused, oversight
from zorgtafel.privacy.gate.oversight import LogFilter

POLITIE = Actor(None, "politie", "partner")


def page(client: FlaskClient, query: str = "", **headers: str) -> str:
    response = client.get(f"/fg/auditlog{query}", headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_every_code_is_shown_in_dutch_words(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(outcome=Outcome.refused, reason=Refusal.no_need_to_know, object_id="ZT-2026-0007")
    html = page(client, "?code=ZT-2026-0007")
    for words in ("ingezien", "casus", "inhoud", "casusoverleg", "geweigerd"):
        assert words in html
    assert "geen noodzaak (need-to-know)" in html
    assert "Signalen" in html or "signalen" in html
    assert "no_need_to_know" not in html
    assert ">read<" not in html


def test_every_code_is_shown_in_english_words(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(outcome=Outcome.refused, reason=Refusal.no_need_to_know, object_id="ZT-2026-0007")
    html = page(client, "?code=ZT-2026-0007", **{"Accept-Language": "en"})
    assert ">viewed<" in html
    assert ">refused<" in html
    assert "no_need_to_know" not in html
    assert "ingezien" not in html


FILTERS = [
    # (query string, what the matching event has, what the other has)
    ("code=ZT-2026-0101", {"object_id": "ZT-2026-0101"}, {"object_id": "ZT-2026-0102"}),
    ("organisatie=om", {"actor": Actor(None, "om", "partner")}, {}),
    ("handeling=export", {"action": AuditAction.export}, {}),
    ("uitkomst=refused", {"outcome": Outcome.refused, "reason": Refusal.no_rule}, {}),
    ("niveau=process", {"level": Level.process, "categories": ()}, {}),
    ("artikel=art.+6.2", {"article": "art. 6.2"}, {}),
    ("van=2025-03-01&tot=2025-03-01", {"at": datetime(2025, 3, 1, 12, tzinfo=UTC)}, {}),
]


@pytest.mark.parametrize(("query", "matching", "other"), FILTERS, ids=[f[0] for f in FILTERS])
def test_each_filter_narrows_the_log(
    client: FlaskClient,
    fg: UserRecord,
    audit: AuditFactory,
    query: str,
    matching: dict,
    other: dict,
) -> None:
    audit.append(**({"object_id": "ZT-2026-0102", "at": datetime(2025, 2, 1, tzinfo=UTC)} | other))
    audit.append(**({"object_id": "ZT-2026-0101"} | matching))
    html = page(client, "?" + query)
    assert "ZT-2026-0101" in html
    assert "ZT-2026-0102" not in html


def test_the_user_and_version_filters(
    client: FlaskClient, fg: UserRecord, factories: Factories, audit: AuditFactory
) -> None:
    someone = factories.user(Role.partner, "politie")
    audit.append(actor=Actor(someone.id, "politie", "partner"), object_id="ZT-2026-0101")
    audit.append(object_id="ZT-2026-0102")
    html = page(client, f"?gebruiker={someone.id}&versie={example_convenant().version}")
    assert "ZT-2026-0101" in html
    assert "ZT-2026-0102" not in html
    assert someone.email in html
    assert "ZT-2026-0101" not in page(client, f"?gebruiker={someone.id}&versie=1.0")


@pytest.mark.parametrize(
    "query", ["?van=gisteren", "?code=<script>", "?gebruiker=999999", "?na=-3", "?artikel=%3D1"]
)
def test_bad_filters_are_refused_with_a_clear_error_and_read_nothing(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory, query: str
) -> None:
    before = audit.newest()[0].seq
    response = client.get("/fg/auditlog" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Controleer het formulier" in html or query.startswith("?na")
    assert audit.newest()[0].seq == before  # nothing read, nothing logged


def test_reading_the_log_is_a_logged_disclosure(
    client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    page(client, "?code=ZT-2026-0042")
    newest = audit.newest()[0]
    assert (newest.actor_user_id, newest.action, newest.object_type) == (
        fg.id,
        AuditAction.search.value,
        ObjectType.audit_log.value,
    )
    assert newest.object_id == "ZT-2026-0042"
    assert (newest.purpose, newest.outcome, newest.reason) == (
        Purpose.oversight.value,
        Outcome.allowed.value,
        Basis.privacy_officer.value,
    )


def test_only_the_privacy_officer_reads_the_log_even_through_the_gate(
    app: Flask, factories: Factories, audit: AuditFactory
) -> None:
    factories.example_convenant()
    chair = factories.user(Role.chair, "gemeente")
    with in_app(app) as session, pytest.raises(DisclosureRefused):
        oversight.audit_page(session.get(User, chair.id), example_convenant(), LogFilter())
    newest = audit.newest()[0]
    assert (newest.actor_user_id, newest.outcome, newest.reason) == (
        chair.id,
        Outcome.refused.value,
        Refusal.not_privacy_officer.value,
    )


def next_link(html: str) -> str:
    start = html.index('rel="next"')
    href = html.rindex('href="', 0, start) + len('href="')
    return html[href : html.index('"', href)].replace("&amp;", "&")


def test_pages_go_by_keyset_and_a_deep_page_costs_what_the_first_does(
    app: Flask, client: FlaskClient, fg: UserRecord, audit: AuditFactory
) -> None:
    audit.append(400, object_id="ZT-2026-0300")
    page(client)  # warm: session touch, caches
    with counting(app) as first:
        html = page(client, "?organisatie=politie")
    seen = set()
    link = next_link(html)
    for _ in range(6):  # follow the pages down: 50 a page, none repeated
        with counting(app) as deep:
            response = client.get(link)
        html = response.get_data(as_text=True)
        rows = html.count("<code>ZT-2026-0300</code>")
        assert rows == oversight.PAGE_SIZE
        assert link not in seen
        seen.add(link)
        link = next_link(html)
    assert len(deep) == len(first), (first, deep)
    reads = [s for s in first + deep if s.startswith("SELECT") and "FROM audit_events" in s]
    assert len(reads) == 2  # one page read per request
    assert not [s for s in reads if "OFFSET" in s.upper()]
    assert "na=" in link


def test_the_export_is_csv_in_words_with_formula_cells_defused(
    client: FlaskClient, fg: UserRecord, factories: Factories, audit: AuditFactory
) -> None:
    factories.organisation("fictief", '=HYPERLINK("http://example.invalid")')
    audit.append(3, actor=Actor(None, "fictief", "partner"), object_id="ZT-2026-0500")
    response = client.get("/fg/auditlog.csv?code=ZT-2026-0500")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["Nr.", "Tijdstip", "Organisatie"]
    reads = [row for row in rows[1:] if row[6] == "casus"]
    assert len(reads) == 3
    assert {row[2] for row in reads} == {'\'=HYPERLINK("http://example.invalid")'}
    assert {row[5] for row in reads} == {"ingezien"}
    # the export itself is recorded before the log is read (on PostgreSQL it may still queue)
    own = [row[5:8] for row in rows[1:] if row[6] == "auditlog"]
    assert own in ([], [["geëxporteerd", "auditlog", "ZT-2026-0500"]])
    newest = audit.newest()[0]
    assert (newest.action, newest.object_type) == (AuditAction.export.value, "audit_log")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_would_start_a_formula_is_made_text(value: str) -> None:
    assert cell(value) == "'" + value


def test_an_ordinary_cell_is_left_alone() -> None:
    assert cell("ZT-2026-0042") == "ZT-2026-0042"
    assert cell(None) == ""
