"""The per-partner excerpt: exactly the minutes paragraphs, decisions and actions of the items
its organisation sat at the table for, in the categories it may receive; on a page and as a
PDF marked Vertrouwelijk with organisation, reader and time; every view and export logged.
All data is fictitious."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import login
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import MeetingFactory
from tests.fixtures.minutes import SEATED, MinutesTable, submit, write
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import Change
from zorgtafel.auth.models import Role, User

ROWS = (
    ("discussion", "signalen", "Gezien bij het station met een oudere man."),
    ("discussion", "school", "Verzuimt sinds september."),
    ("assessment", "veiligheid-risico", "Acuut risico op uitbuiting."),
)


@pytest.fixture
def two_items(app: Flask, minutes_table: MinutesTable) -> tuple[MinutesTable, int, int]:
    """A meeting with the table's case (gemeente, politie, jeugd-ggz seated) and a second case
    with only jeugd-ggz at the table; minutes and a decision and an action on the first."""
    t = minutes_table
    other = CaseFactory(app).create(coordinator="jeugd-ggz")
    meeting = MeetingFactory(app, t.factories).create(
        [(t.case_id, list(SEATED)), (other.id, ["gemeente", "jeugd-ggz"])], chair_id=t.chair_id
    )
    first, second = meeting.item_ids
    t.item_id = first
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    assert submit(t.chair, f"/notulen/punten/{first}/besluiten", text="Plan.").status_code == 302
    return t, meeting.id, second


def test_a_partner_s_excerpt_holds_only_its_items_in_its_categories(
    app: Flask, two_items: tuple[MinutesTable, int, int]
) -> None:
    t, meeting_id, second = two_items
    politie = t.client(Role.partner, "politie")
    html = politie.get(f"/notulen/vergaderingen/{meeting_id}").get_data(as_text=True)
    assert t.case_code in html
    assert "Acuut risico op uitbuiting." in html
    assert "Verzuimt" not in html  # school: politie may not receive it
    assert f'data-item="{second}"' not in html  # not at that table
    assert "Besluit 1" in html
    reads = [
        e
        for e in _events(app, actor_org="politie", action="read")
        if e.object_id == t.case_code and e.level == "content"
    ]
    assert reads
    om = t.client(Role.partner, "om")
    html = om.get(f"/notulen/vergaderingen/{meeting_id}").get_data(as_text=True)
    assert t.case_code not in html
    assert "zat bij geen enkel punt" in html


def test_the_excerpt_pdf_is_marked_on_every_page_and_logged_as_an_export(
    app: Flask, two_items: tuple[MinutesTable, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zorgtafel.meetings import export

    t, meeting_id, _second = two_items
    rendered: list[str] = []
    real = export.render_pdf
    monkeypatch.setattr(export, "render_pdf", lambda html: rendered.append(html) or real(html))
    politie = t.client(Role.partner, "politie")
    response = politie.get(f"/notulen/vergaderingen/{meeting_id}/uittreksel.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    (html,) = rendered
    assert "@bottom-left" in html
    assert "Vertrouwelijk · Organisatie politie · Test partner · " in html
    assert "Acuut risico op uitbuiting." in html
    assert "Verzuimt" not in html
    exported = _events(app, actor_org="politie", action="export")
    assert {e.object_id for e in exported if e.object_type == "case"} == {t.case_code}
    files = [e for e in exported if e.reason == Change.minutes_excerpt_pdf.value]
    assert [e.object_id for e in files] == [f"meeting-{meeting_id}"]


def _events(app: Flask, **where: object) -> list[AuditEvent]:
    with in_app(app) as session:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(session.scalars(query))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_every_page_of_a_long_excerpt_pdf_carries_the_marking_in_its_footer(
    app: Flask, minutes_table: MinutesTable, tmp_path: Path
) -> None:
    t = minutes_table
    long = " ".join(["Het gesprek met de jongere wordt voortgezet door de hulpverlening."] * 25)
    rows = [("discussion", "veiligheid-risico", f"{n}. {long}") for n in range(1, 9)]
    assert write(t.chair, t.edit_path, rows, 0).status_code == 302
    record = t.factories.user(Role.partner, "politie")
    with in_app(app) as session:  # a reader's name with characters CSS and HTML treat apart
        session.get(User, record.id).name = 'Anne "An" O\'Brien & <Co>'
    politie = app.test_client()
    login(politie, record)
    response = politie.get(f"/notulen/vergaderingen/{t.meeting_id}/uittreksel.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "uittreksel.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 3
    for page in pages:
        assert "VERTROUWELIJK" in page
        marking = 'Vertrouwelijk · Organisatie politie · Anne "An" O\'Brien & <Co> · '
        assert re.search(re.escape(marking) + r"\d\d-\d\d-\d{4} \d\d:\d\d", page), page
