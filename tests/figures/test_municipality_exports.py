"""Figures per municipality (issue 18 point 6): the page, the CSV and the PDF for one
municipality and year, each a release cut from one protected whole (the region's tables and
every municipality's), so that no municipality's release shows what the whole suppressed and
no subtraction of releases narrows a suppressed cell."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.figures.test_attacker import Attacker
from tests.fixtures.app import in_app
from zorgtafel.audit.models import AuditEvent
from zorgtafel.figures.disclosure import Protected
from zorgtafel.figures.models import Release
from zorgtafel.figures.tables import (
    local_key,
    municipality_keys,
    region_keys,
    whole,
)

YEAR = 2026
THRESHOLD = 10
ROUTES = ("/cijfers", "/cijfers/csv", "/cijfers/pdf")


@pytest.fixture(autouse=True)
def _convenant(factories) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()


@pytest.fixture
def trap(figures):  # type: ignore[no-untyped-def]
    """The small-number trap. Criminal exploitation: 11 in Voorbeeldstad, 3 in Dorpshoven, so
    14 in the region (published as 15). Voorbeeldstad's 11 is above the threshold; shown in
    its report (as 10) it would give Dorpshoven's 3 away: 15 - 10 leaves 1 to 7."""
    figures.cases(20, municipality="GM9001", exploitation="sexual")
    figures.cases(11, municipality="GM9001", exploitation="criminal")
    figures.cases(10, municipality="GM9001")
    figures.cases(20, municipality="GM9002", exploitation="sexual")
    figures.cases(3, municipality="GM9002", exploitation="criminal")
    return figures


def _cells(html: str, table: str) -> dict[str, str]:
    section = html.split(f'id="tabel-{table}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="number[^"]*"[^>]*>(.*?)</td>', section
    )
    return {label: ("–" if "abbr" in value else value) for label, value in rows}


def _releases(app: Flask) -> list[Release]:
    with in_app(app) as session:
        releases = list(session.scalars(select(Release).order_by(Release.id)))
        session.expunge_all()
        return releases


def _release_events(app: Flask) -> list[AuditEvent]:
    with in_app(app) as session:
        events = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "release")
                .order_by(AuditEvent.seq)
            )
        )
        session.expunge_all()
        return events


def test_the_page_per_municipality_shows_its_own_tables_with_a_chooser(
    app: Flask, client: FlaskClient, login_as, trap
) -> None:  # type: ignore[no-untyped-def]
    user = login_as("policy")
    response = client.get(f"/cijfers?jaar={YEAR}&gemeente=GM9001")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Lokale cijfers 2026: Voorbeeldstad" in html
    # the chooser: a GET select with the whole region and the region's municipalities
    chooser = html.split('<select id="gemeente" name="gemeente">', 1)[1].split("</select>")[0]
    assert '<option value="">hele regio</option>' in chooser
    assert '<option value="GM9001" selected>Voorbeeldstad</option>' in chooser
    assert "GM9999" not in chooser  # outside the region: no municipality to report on
    # the municipality's own cut: no table per year or per municipality
    assert 'id="tabel-year"' not in html
    assert 'id="tabel-municipality"' not in html
    exploitation = _cells(html, "exploitation")
    assert exploitation["seksuele uitbuiting"] == "20"
    assert exploitation["criminele uitbuiting"] == "–"  # the trap: see the test below
    assert html.count('src="data:image/svg+xml;base64,') == 5  # a chart beside every table
    assert 'href="/cijfers/pdf?jaar=2026&amp;gemeente=GM9001"' in html
    assert 'href="/cijfers/csv?jaar=2026&amp;gemeente=GM9001"' in html
    (release,) = _releases(app)
    assert (release.medium, release.year, release.municipality) == ("page", YEAR, "GM9001")
    assert release.code == f"release-{release.id}/GM9001"
    assert set(release.cells) == set(municipality_keys(YEAR, "GM9001"))
    (event,) = _release_events(app)
    assert (event.object_id, event.action, event.purpose, event.actor_user_id) == (
        release.code, "export", "statistics", user.id,
    )  # fmt: skip
    assert f"Uitgifte {release.code}," in html


@pytest.mark.parametrize("role", ["chair", "privacy"])
def test_the_chair_and_the_privacy_officer_choose_a_municipality_too(
    client: FlaskClient, login_as, trap, role: str
) -> None:  # type: ignore[no-untyped-def]
    login_as(role)
    html = client.get(f"/cijfers?jaar={YEAR}&gemeente=GM9001").get_data(as_text=True)
    assert _cells(html, "exploitation")["seksuele uitbuiting"] == "20"


def test_the_csv_per_municipality_is_a_release_naming_it(
    app: Flask, client: FlaskClient, login_as, trap
) -> None:  # type: ignore[no-untyped-def]
    login_as("policy")
    response = client.get(f"/cijfers/csv?jaar={YEAR}&gemeente=GM9001")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="cijfers-2026-GM9001.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "tabel;rij;aantal;onderdrukt;uitgifte;gebied"
    (release,) = _releases(app)
    assert (release.medium, release.municipality) == ("csv", "GM9001")
    code = release.code
    assert f"Per vorm van uitbuiting;seksuele uitbuiting;20;nee;{code};Voorbeeldstad" in lines
    assert f"Per vorm van uitbuiting;criminele uitbuiting;;ja;{code};Voorbeeldstad" in lines
    assert not any("Per woongemeente" in line for line in lines)
    assert all(line.endswith(";Voorbeeldstad") for line in lines[1:])
    (event,) = _release_events(app)
    assert (event.object_id, event.action, event.purpose) == (code, "export", "statistics")


def test_the_pdf_per_municipality_is_a_marked_dutch_release_with_its_charts(
    app: Flask, client: FlaskClient, login_as, trap
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    login_as("policy")
    response = client.get(f"/cijfers/pdf?jaar={YEAR}&gemeente=GM9002")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="cijfers-2026-GM9002.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.get_data()))
    pages = [page.extract_text() for page in reader.pages]
    (release,) = _releases(app)
    assert (release.medium, release.municipality) == ("pdf", "GM9002")
    text = " ".join(pages)
    assert "Lokale cijfers 2026: Dorpshoven" in text
    assert "Gemeente Dorpshoven (GM9002)" in text
    assert "Dit is niet het hele beeld" in text
    assert "Per vorm van uitbuiting" in text
    assert "Per woongemeente" not in text
    for page in pages:  # every page marked: whose figures, which release
        assert "Lokale cijfers 2026 · Dorpshoven" in page
        assert f"uitgifte {release.code}" in page
    assert any("/XObject" in str(page.get("/Resources", {})) for page in reader.pages)
    (event,) = _release_events(app)
    assert (event.object_id, event.action) == (release.code, "export")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("code", ["GM0000", "GM9999", "gm9001", "Voorbeeldstad", "GM9001'"])
def test_an_unknown_municipality_is_refused_and_nothing_is_released(
    app: Flask, client: FlaskClient, login_as, trap, route: str, code: str
) -> None:  # type: ignore[no-untyped-def]
    login_as("policy")
    response = client.get(route, query_string={"jaar": YEAR, "gemeente": code})
    assert response.status_code == 400
    assert code not in response.get_data(as_text=True)  # the error page echoes nothing
    with in_app(app) as session:
        assert session.scalar(select(func.count()).select_from(Release)) == 0
    assert _release_events(app) == []


def test_the_gate_level_release_refuses_an_unknown_municipality_before_counting(
    app: Flask, factories, trap
) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.cases import example_convenant
    from zorgtafel.auth.models import Role, User
    from zorgtafel.figures import releases

    policy = factories.user(Role.policy, "gemeente")
    with app.test_request_context(), in_app(app) as session:
        user = session.get(User, policy.id)
        with pytest.raises(releases.UnknownMunicipality):
            releases.release(user, example_convenant(), YEAR, municipality="GM0000")
    assert _releases(app) == []
    assert _release_events(app) == []


def _attacker(published: list[dict[str, int | None]]) -> tuple[Attacker, list[str]]:
    """The attacker's integer programme over the whole's cells at one or more moments, from
    what the releases of each moment published (a cell no release showed: unknown)."""
    cells = whole([], YEAR)
    keys = list(cells.values)
    moments = [Protected({key: known.get(key) for key in keys}, {}) for known in published]
    return Attacker(keys, cells.relations, moments), keys


def _union(releases: list[Release]) -> dict[str, int | None]:
    known: dict[str, int | None] = {}
    for release in releases:
        for key, value in release.cells.items():
            if value is not None:
                assert known.get(key, value) == value, key  # one whole, one value per cell
                known[key] = value
    return known


def test_the_trap_a_cell_the_whole_suppressed_is_never_shown_nor_worked_out(
    app: Flask, client: FlaskClient, login_as, trap
) -> None:  # type: ignore[no-untyped-def]
    login_as("policy")
    for query in ("", "&gemeente=GM9001", "&gemeente=GM9002"):
        assert client.get(f"/cijfers/csv?jaar={YEAR}{query}").status_code == 200
    region, voorbeeldstad, dorpshoven = _releases(app)
    assert [r.municipality for r in (region, voorbeeldstad, dorpshoven)] == [
        None, "GM9001", "GM9002",
    ]  # fmt: skip
    criminal = f"{YEAR}:exploitation:criminal"
    vs_criminal = local_key(YEAR, "GM9001", "exploitation", "criminal")
    dh_criminal = local_key(YEAR, "GM9002", "exploitation", "criminal")
    # the region shows its 14 (as 15); Voorbeeldstad's 11 is above the threshold, yet hidden
    assert region.cells[criminal] == 15
    assert voorbeeldstad.cells[vs_criminal] is None
    assert voorbeeldstad.whole[vs_criminal] is None
    # every release is a cut of its whole: nothing the whole suppressed is ever shown
    for release in (region, voorbeeldstad, dorpshoven):
        assert release.whole is not None
        for key, value in release.cells.items():
            assert value == release.whole[key], key
    assert set(region.cells) == set(region_keys(whole([], YEAR)))
    # subtracting every release from every other narrows no suppressed cell: the tightest
    # integer bounds an attacker gets from all three are at least the threshold apart
    known = _union([region, voorbeeldstad, dorpshoven])
    attacker, keys = _attacker([known])
    attacked = 0
    for i, key in enumerate(keys):
        if known.get(key) is None and region.whole[key] is None:
            low, high = attacker.interval(i)
            assert high - low >= THRESHOLD, (key, low, high)
            attacked += 1
    assert attacked > 50
    # the trap is real: had Voorbeeldstad's report shown its 11 (as 10), the region's 15
    # minus it would pin Dorpshoven's 3 between 1 and 7
    naive, keys = _attacker([{**known, vs_criminal: 10}])
    low, high = naive.interval(keys.index(dh_criminal))
    assert high - low < THRESHOLD, (low, high)


def test_a_municipalitys_release_against_its_earlier_one_narrows_nothing(
    app: Flask, client: FlaskClient, login_as, trap
) -> None:  # type: ignore[no-untyped-def]
    """This month's report of Voorbeeldstad minus last month's, and minus the region's: twelve
    more cases of criminal exploitation in Voorbeeldstad must not narrow any suppressed cell,
    now or then (Dorpshoven's 3 among them)."""
    login_as("policy")
    for query in ("&gemeente=GM9001", ""):
        assert client.get(f"/cijfers?jaar={YEAR}{query}").status_code == 200
    trap.cases(12, municipality="GM9001", exploitation="criminal")
    assert client.get(f"/cijfers?jaar={YEAR}&gemeente=GM9001").status_code == 200
    releases = _releases(app)
    assert [r.municipality for r in releases] == ["GM9001", None, "GM9001"]
    before, after = _union(releases[:2]), _union(releases[2:])
    attacker, keys = _attacker([before, after])
    watched = {
        *municipality_keys(YEAR, "GM9001"),
        *municipality_keys(YEAR, "GM9002"),
        *region_keys(whole([], YEAR)),
    }
    width = len(keys)
    attacked = 0
    for moment, (known, release) in enumerate(((before, releases[1]), (after, releases[2]))):
        for i, key in enumerate(keys):
            if key in watched and known.get(key) is None and release.whole[key] is None:
                low, high = attacker.interval(moment * width + i)
                assert high - low >= THRESHOLD, (moment, key, low, high)
                attacked += 1
    assert attacked > 40
    # what moved is published only where it moved by the threshold or more
    for key, second in releases[2].cells.items():
        first = releases[0].cells[key]
        if first is not None and second is not None:
            assert second == first or abs(second - first) >= THRESHOLD, key
