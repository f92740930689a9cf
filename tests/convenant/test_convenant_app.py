"""The convenant inside the app: stored versions, the one in force, the matrix and diff pages."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.convenant.convenant_examples import EXAMPLE_1_0, EXAMPLE_1_1
from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from zorgtafel.auth.models import Role
from zorgtafel.convenant import operations
from zorgtafel.convenant.loader import ConvenantError, load_convenant
from zorgtafel.convenant.models import ConvenantVersion


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 31), None),
        (date(2025, 1, 1), "1.0"),
        (date(2025, 12, 31), "1.0"),
        (date(2026, 1, 1), "1.1"),
        (date(2030, 6, 1), "1.1"),
    ],
)
def test_version_in_force_on_a_date(
    app: Flask, factories: Factories, day: date, expected: str | None
) -> None:
    factories.example_convenant()
    with in_app(app):
        if expected is None:
            with pytest.raises(operations.NoConvenant):
                operations.convenant_in_force(day)
        else:
            assert operations.convenant_in_force(day).version == expected


def test_loading_a_new_version_keeps_the_old_one_exactly(app: Flask) -> None:
    with in_app(app):
        old, _ = operations.load_version(EXAMPLE_1_0)
        operations.load_version(EXAMPLE_1_1)
    with in_app(app) as session:
        kept = session.get(ConvenantVersion, old.id)
        assert kept is not None
        assert kept.content == EXAMPLE_1_0.read_bytes()
        assert kept.content_hash == hashlib.sha256(kept.content).hexdigest()
        rebuilt = operations.convenant_of(kept)
        assert rebuilt.version == "1.0"
        assert rebuilt.content_hash == load_convenant(EXAMPLE_1_0).content_hash
        assert rebuilt.rights == load_convenant(EXAMPLE_1_0).rights


def test_overlapping_version_is_refused(app: Flask, tmp_path: Path) -> None:
    overlapping = tmp_path / "overlap.toml"
    overlapping.write_text(
        EXAMPLE_1_1.read_text(encoding="utf-8").replace('version = "1.1"', 'version = "1.2"', 1),
        encoding="utf-8",
    )
    with in_app(app):
        operations.load_version(EXAMPLE_1_1)
        with pytest.raises(operations.ConvenantConflict, match="overlapt"):
            operations.load_version(overlapping)


def test_altered_stored_content_is_detected(app: Flask) -> None:
    with in_app(app) as session:
        version, _ = operations.load_version(EXAMPLE_1_0)
        session.execute(
            update(ConvenantVersion)
            .where(ConvenantVersion.id == version.id)
            .values(content=EXAMPLE_1_0.read_bytes().replace(b"1.0", b"9.9", 1))
        )
        session.expire_all()
        with pytest.raises(ConvenantError):
            operations.convenant_of(session.get(ConvenantVersion, version.id))  # type: ignore[arg-type]


@pytest.mark.parametrize("role", [Role.chair, Role.partner, Role.privacy, Role.admin])
def test_everyone_sees_the_matrix_in_force_with_articles(
    client: FlaskClient, factories: Factories, login_as, role: Role
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as(role, "politie" if role is Role.partner else "gemeente")
    page = client.get("/convenant").get_data(as_text=True)
    convenant = load_convenant(EXAMPLE_1_1)
    assert "Versie 1.1" in page
    assert "nu van kracht" in page
    assert "voorbeeldconvenant" in page
    for partner in convenant.partners:
        assert partner.name in page
    for right in convenant.rights[:10]:
        assert right.article in page
    assert page.count('class="mark receive"') == sum(
        1 for right in convenant.rights if right.direction.value == "receive"
    )


def test_matrix_page_without_a_convenant(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as(Role.partner, "politie")
    assert "geen convenant van kracht" in client.get("/convenant").get_data(as_text=True)


def test_privacy_officer_sees_the_diff(client: FlaskClient, factories: Factories, login_as) -> None:  # type: ignore[no-untyped-def]
    old, new = factories.example_convenant()
    login_as(Role.privacy)
    page = client.get(f"/convenant/verschil?oud={old}&nieuw={new}").get_data(as_text=True)
    assert "+ ontvangt <strong>dader</strong>" in page
    assert "− ontvangt <strong>gezin-netwerk</strong>" in page
    assert client.get("/convenant/verschil?oud=999999").status_code == 404


def test_version_list_marks_the_one_in_force(
    client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as(Role.partner, "politie")
    page = client.get("/convenant/versies").get_data(as_text=True)
    assert page.count("nu van kracht") == 1
    assert "zorgtafel-jpmh-voorbeeldland 1.0" in page
