"""The partner x category matrix and the diff between two versions."""

import dataclasses
import tomllib
from pathlib import Path

from zorgtafel.convenant.compare import diff, matrix, render_diff_text, render_matrix_text
from zorgtafel.convenant.document import Convenant, Direction
from zorgtafel.convenant.loader import load_convenant


def test_matrix_marks_match_the_file(example_path: Path) -> None:
    with example_path.open("rb") as handle:
        raw = tomllib.load(handle)
    expected: dict[tuple[str, str], str] = {}
    for rule in raw["rules"]:
        mark = "L" if rule["direction"] == "provide" else "O"
        for code in rule["categories"]:
            expected[rule["partner"], code] = "".join(
                sorted(expected.get((rule["partner"], code), "") + mark)
            )
    rows = matrix(load_convenant(example_path))
    assert [row.partner.code for row in rows] == [p["code"] for p in raw["partners"]]
    codes = [c["code"] for c in raw["categories"]]
    for row in rows:
        assert len(row.marks) == len(codes)
        for code, mark in zip(codes, row.marks, strict=True):
            assert mark == expected.get((row.partner.code, code), ""), (row.partner.code, code)


def test_matrix_of_comensha(example: Convenant) -> None:
    row = next(r for r in matrix(example) if r.partner.code == "comensha")
    marked = {c.code: m for c, m in zip(example.categories, row.marks, strict=True) if m}
    assert marked == {"identiteit": "O", "signalen": "O", "seksuele-uitbuiting": "O"}


def test_render_matrix_text(example: Convenant) -> None:
    text = render_matrix_text(example)
    lines = text.splitlines()
    assert lines[0] == "zorgtafel-jpmh-voorbeeldland 1.0 (2025-01-01 - 2025-12-31)"
    comensha = next(line for line in lines if line.startswith("comensha "))
    assert comensha.split() == ["comensha", "O*", "O", "O*"]
    assert "  5 gezondheid: Gezondheid (AVG art. 9)" in lines
    assert all(line == line.rstrip() for line in lines)


def test_diff_of_the_example_versions(example: Convenant, example_next: Convenant) -> None:
    change = diff(example, example_next)
    assert change.partners_added == change.partners_removed == ()
    assert change.categories_added == change.categories_removed == ()
    assert change.fields_changed == (
        ("effective_from", "2025-01-01", "2026-01-01"),
        ("effective_until", "2025-12-31", "(none)"),
    )
    summary = {
        p.partner: (
            [(r.direction.value, r.category) for r in p.added],
            [(r.direction.value, r.category) for r in p.removed],
            [(c.new.direction.value, c.new.category) for c in p.changed],
            list(p.consent_added),
            list(p.consent_removed),
        )
        for p in change.partners
    }
    assert summary == {
        "gemeente": ([("receive", "dader")], [], [], [], []),
        "pmw": ([], [("receive", "gezin-netwerk")], [], [], []),
        "ggd": ([], [], [("provide", "gezondheid"), ("provide", "seksuele-uitbuiting")], [], []),
        "leerplicht": ([("receive", "signalen")], [], [], [], []),
        "mee": ([], [], [], ["gezondheid"], []),
    }
    ggd = next(p for p in change.partners if p.partner == "ggd")
    assert all(c.old.article == c.new.article == "art. 7.21" for c in ggd.changed)
    assert "meldcode" in ggd.changed[0].new.legal_ground
    assert not change.is_empty


def test_diff_is_symmetric(example: Convenant, example_next: Convenant) -> None:
    forward, backward = diff(example, example_next), diff(example_next, example)
    for ahead in forward.partners:
        behind = next(p for p in backward.partners if p.partner == ahead.partner)
        assert behind.added == ahead.removed
        assert behind.removed == ahead.added
        assert behind.consent_removed == ahead.consent_added


def test_render_diff_text(example: Convenant, example_next: Convenant) -> None:
    text = render_diff_text(diff(example, example_next))
    lines = text.splitlines()
    assert lines[0] == "--- zorgtafel-jpmh-voorbeeldland 1.0 (2025-01-01 - 2025-12-31)"
    assert lines[1] == "+++ zorgtafel-jpmh-voorbeeldland 1.1 (2026-01-01 - ...)"
    assert "pmw:" in lines
    assert "  - receives gezin-netwerk (art. 6.10)" in lines
    assert "  + consent needed to receive gezondheid" in lines
    assert any(line.startswith("  + receives dader (art. 7.24;") for line in lines)


def test_diff_of_identical_versions_is_empty(example: Convenant) -> None:
    change = diff(example, example)
    assert change.is_empty
    assert render_diff_text(change).endswith("(no differences)\n")


def test_diff_with_partner_and_category_removed(example: Convenant) -> None:
    smaller = dataclasses.replace(
        example,
        version="1.0.1",
        partners=tuple(p for p in example.partners if p.code != "comensha"),
        categories=tuple(c for c in example.categories if c.code != "school"),
        rights=tuple(
            r for r in example.rights if r.partner != "comensha" and r.category != "school"
        ),
        consent=tuple(c for c in example.consent if c.recipient != "comensha"),
    )
    change = diff(example, smaller)
    assert change.partners_removed == ("comensha",)
    assert change.categories_removed == ("school",)
    comensha = next(p for p in change.partners if p.partner == "comensha")
    assert [r.category for r in comensha.removed] == [
        "identiteit",
        "signalen",
        "seksuele-uitbuiting",
    ]
    assert comensha.consent_removed == ("identiteit", "seksuele-uitbuiting")
    gemeente = next(p for p in change.partners if p.partner == "gemeente")
    assert {(r.category, r.direction) for r in gemeente.removed} == {
        ("school", Direction.PROVIDE),
        ("school", Direction.RECEIVE),
    }
    text = render_diff_text(change)
    assert "- partner comensha" in text
    assert "- category school" in text
