"""The audit vocabulary: every code has words in Dutch and English, every event the app writes
can be shown in words, and old spellings are still understood."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory, example_convenant, post_intake, registered_code
from zorgtafel import ROOT
from zorgtafel.audit import vocabulary
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import (
    COLUMNS,
    LEGACY,
    Code,
    Qualified,
    Refusal,
    decode,
    describe,
)
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Stage, StageReason
from zorgtafel.convenant.rights import may_receive

CATALOGUE = ROOT / "zorgtafel" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
QUALIFIED = ((Stage, StageReason),)


def english() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and "fuzzy" not in m.flags}


def in_locale(app: Flask, locale: str):  # type: ignore[no-untyped-def]
    return app.test_request_context(headers={"Accept-Language": locale})


def all_codes() -> list[Code]:
    return [member for kind in vocabulary.vocabulary() for member in kind]


def test_every_code_has_words_in_dutch_and_in_english(app: Flask) -> None:
    translations = english()
    kinds = vocabulary.vocabulary()
    assert {k.__name__ for k in kinds} >= {
        "AuditAction", "Outcome", "ObjectType", "Purpose", "Level", "Basis", "Refusal", "Change",
        "Stage", "StageReason", "Reporter", "InvolvementReason",
    }  # fmt: skip
    codes = all_codes()
    with in_locale(app, "nl"):
        dutch_words = [code.label for code in codes]
    with in_locale(app, "en"):
        english_words = [code.label for code in codes]
    for code, dutch, words in zip(codes, dutch_words, english_words, strict=True):
        assert dutch, code
        assert translations.get(dutch), f"{type(code).__name__}.{code.name}: no English"
        assert words == translations[dutch]


def test_a_qualified_code_reads_as_both_its_parts(app: Flask) -> None:
    pair = Qualified(Stage.aanpak, StageReason.plan_agreed)
    assert pair.value == "aanpak.plan_agreed"
    with in_locale(app, "en"):
        assert describe(pair.value, COLUMNS["reason"], QUALIFIED) == (
            f"{Stage.aanpak.label}: {StageReason.plan_agreed.label}"
        )


def test_old_spellings_are_shown_with_todays_words(app: Flask) -> None:
    with in_locale(app, "nl"):
        for old, code in LEGACY.items():
            assert describe(old, COLUMNS["reason"]) == code.label
    assert may_receive(example_convenant(), "politie", "gezondheid").refusal is Refusal.no_rule


def test_every_event_the_app_writes_can_be_shown_in_words(
    app: Flask, client: FlaskClient, factories: Factories, cases: CaseFactory, login_as
) -> None:  # type: ignore[no-untyped-def]
    factories.example_convenant()
    login_as(Role.chair, "gemeente")
    code = registered_code(post_intake(client))
    for path in (f"/casussen/{code}", "/casussen", f"/casussen/{code}/inbreng"):
        client.get(path)
    client.get("/casussen/ZT-1999-0000")
    with in_app(app) as session:
        events = session.scalars(select(AuditEvent)).all()
    assert {e.action for e in events} >= {"create", "read", "search", "login"}
    with in_locale(app, "en"):
        for event in events:
            for column, kinds in COLUMNS.items():
                value = getattr(event, column)
                if value:
                    assert decode(value, kinds, QUALIFIED) is not None, f"{column}={value}"
                    assert describe(value, kinds, QUALIFIED)


@pytest.mark.parametrize("column", sorted(COLUMNS))
def test_each_column_names_its_kinds(column: str) -> None:
    assert all(issubclass(kind, Code) for kind in COLUMNS[column])
