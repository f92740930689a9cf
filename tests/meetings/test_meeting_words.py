"""Words on the meeting screens: stages in the reader's language on the agenda, in meeting mode
and in the PDF; a PDF that says truly what it holds. All data is fictitious."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.fixtures.auth import csrf_token
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Stage
from zorgtafel.meetings.operations import Step


@pytest.fixture
def rendered_pdfs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML each agenda PDF is made from (what the PDF says, without reading the PDF)."""
    from zorgtafel.meetings import export

    rendered: list[str] = []
    real = export.render_pdf
    monkeypatch.setattr(export, "render_pdf", lambda html: rendered.append(html) or real(html))
    return rendered


def in_english(client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", html)]


def test_the_stage_is_shown_in_english_on_the_agenda_in_meeting_mode_and_in_the_pdf(
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
    rendered_pdfs: list[str],
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create(stage=Stage.melding)
    meeting = meetings.create([(case.id, ["politie"])])
    meetings.step(meeting, Step.start)
    user = login_as(Role.partner, "politie")
    meetings.pledge(meeting, user.id)
    in_english(client)

    agenda = client.get(f"/vergaderingen/{meeting.id}").get_data(as_text=True)
    assert "report" in cells(agenda)
    assert "melding" not in cells(agenda)
    live = client.get(f"/vergaderingen/{meeting.id}/vergadermodus").get_data(as_text=True)
    header = re.search(r'<header><code class="case-code">.*?</header>', live, re.S)
    assert header
    assert " · report · " in header.group(0)
    assert client.get(f"/vergaderingen/{meeting.id}/agenda.pdf").status_code == 200
    (pdf,) = rendered_pdfs
    assert "report" in cells(pdf)
    assert "melding" not in cells(pdf)


def test_the_agenda_builder_names_the_stage_of_a_suggestion_in_english(
    client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    chair = login_as(Role.chair)
    cases.create(stage=Stage.aanpak)  # new since the previous meeting: suggested
    meeting = meetings.create([], publish=False, chair_id=chair.id)
    in_english(client)
    html = client.get(f"/vergaderingen/{meeting.id}").get_data(as_text=True)
    suggestions = re.findall(r'<form [^>]*class="suggestion".*?</form>', html, re.S)
    assert suggestions
    assert all(" · approach<br>" in form for form in suggestions)


def test_meeting_mode_names_the_contributing_partner_not_its_code(
    client: FlaskClient, cases: CaseFactory, meetings: MeetingFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = cases.create()
    meeting = meetings.create([(case.id, ["politie"])])
    meetings.step(meeting, Step.start)
    user = login_as(Role.partner, "politie")
    cases.contribute(case, user.id, "signalen")
    meetings.pledge(meeting, user.id)
    live = client.get(f"/vergaderingen/{meeting.id}/vergadermodus").get_data(as_text=True)
    (heading,) = re.findall(r'<h3 class="h4">(.*?)</h3>', live)
    assert heading.endswith("· Politie eenheid Voorbeeldland, team mensenhandel")


def test_the_chairs_pdf_says_it_holds_every_item(
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
    rendered_pdfs: list[str],
) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = cases.create(), cases.create()
    chair = login_as(Role.chair)
    meeting = meetings.create([(ours.id, ["politie"]), (theirs.id, ["om"])], chair_id=chair.id)
    client.get(f"/vergaderingen/{meeting.id}/agenda.pdf")
    (html,) = rendered_pdfs
    assert ours.code in html
    assert theirs.code in html
    assert "alle punten van de agenda" in html
    assert "alleen de punten waarvoor deze organisatie aan tafel zit" not in html


def test_a_partners_pdf_says_it_holds_only_its_own_items(
    client: FlaskClient,
    cases: CaseFactory,
    meetings: MeetingFactory,
    login_as,
    rendered_pdfs: list[str],
) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = cases.create(), cases.create()
    meeting = meetings.create([(ours.id, ["politie"]), (theirs.id, ["om"])])
    login_as(Role.partner, "politie")
    in_english(client)
    client.get(f"/vergaderingen/{meeting.id}/agenda.pdf")
    (html,) = rendered_pdfs
    assert theirs.code not in html
    assert "only the items this organisation is at the table for" in html


def test_the_new_meeting_form_summarises_its_errors_with_links_to_the_fields(
    client: FlaskClient, login_as
) -> None:  # type: ignore[no-untyped-def]
    login_as(Role.chair)
    token = csrf_token(client, "/vergaderingen/nieuw")
    html = client.post("/vergaderingen/nieuw", data={"csrf_token": token}).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    assert 'href="#starts_at"' in summary.group(0)
    assert 'aria-describedby="location-hint' in html  # the hint is tied to its field
