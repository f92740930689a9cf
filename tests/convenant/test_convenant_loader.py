"""The strict loader: the examples load, and every kind of bad file gets its exact message."""

import dataclasses
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from tests.convenant.convenant_examples import (
    EXAMPLE_1_0,
    EXAMPLE_1_1,
    EXAMPLES,
    MALFORMED,
    VALID_MINIMAL,
)
from zorgtafel.convenant.document import Convenant, Direction, Special
from zorgtafel.convenant.loader import (
    MAX_FILE_BYTES,
    ConvenantError,
    Problem,
    content_hash,
    load_convenant,
    load_directory,
    parse_convenant,
)


def expectations(path: Path) -> list[str]:
    """The ``# expect: `` lines at the end of a malformed file, with the path put in front."""
    marker = b"# expect: "
    lines = path.read_bytes().splitlines()
    return [f"{path}{line[len(marker) :].decode()}" for line in lines if line.startswith(marker)]


def test_corpus_is_large_enough() -> None:
    assert len(MALFORMED) >= 15
    assert all(expectations(path) for path in MALFORMED)


def test_the_corpus_base_is_valid() -> None:
    # Each malformed file is this file with one defect; so the defect is the only problem.
    assert load_convenant(VALID_MINIMAL).id == "test-convenant"


@pytest.mark.parametrize("path", MALFORMED, ids=[p.stem for p in MALFORMED])
def test_malformed_file_reports_exactly_its_problems(path: Path) -> None:
    with pytest.raises(ConvenantError) as caught:
        load_convenant(path)
    assert str(caught.value).splitlines() == expectations(path)
    assert [str(p) for p in caught.value.problems] == expectations(path)


def test_examples_load(example: Convenant, example_next: Convenant) -> None:
    assert (example.version, example_next.version) == ("1.0", "1.1")
    assert example.effective_until == date(2025, 12, 31)
    assert example_next.effective_from == date(2026, 1, 1)
    assert example_next.effective_until is None
    assert example.example
    assert example_next.example
    assert "geen juridisch advies" in example.title
    assert len(example.partners) >= 12
    assert len(example.categories) >= 10
    assert example.access_days_after_meeting == 14
    assert example.retention.audit_log_years == 5


def test_example_files_say_they_are_examples(example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    assert "GEEN juridisch advies" in text.splitlines()[1]


def test_example_names_its_specials(example: Convenant) -> None:
    specials = {c.code: c.special for c in example.categories}
    assert specials["gezondheid"] is Special.ART9
    assert specials["seksuele-uitbuiting"] is Special.ART9
    assert specials["justitie"] is Special.ART10
    assert specials["dader"] is Special.ART10
    assert specials["identiteit"] is Special.NONE


def test_content_hash_is_sha256_of_the_raw_bytes(example_path: Path) -> None:
    data = example_path.read_bytes()
    convenant = load_convenant(example_path)
    assert convenant.content_hash == hashlib.sha256(data).hexdigest() == content_hash(data)
    assert convenant.source == str(example_path)


def test_convenant_is_frozen_and_hashable(example: Convenant) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        example.version = "9.9"  # type: ignore[misc]
    assert hash(example) == hash(load_convenant(EXAMPLE_1_0))
    assert example == load_convenant(EXAMPLE_1_0)
    assert repr(example).startswith("<Convenant zorgtafel-jpmh-voorbeeldland 1.0 sha256=")


def test_lookups(example: Convenant) -> None:
    assert example.partner("politie").kind == "politie"
    assert example.category("gezondheid").is_special
    right = example.right("politie", "dader", Direction.RECEIVE)
    assert right is not None
    assert right.special_ground
    assert example.right("politie", "gezondheid", "receive") is None
    with pytest.raises(KeyError, match="no partner 'nobody'"):
        example.partner("nobody")
    with pytest.raises(KeyError, match="no category 'nothing'"):
        example.category("nothing")


def test_parse_accepts_text_and_bytes() -> None:
    data = VALID_MINIMAL.read_bytes()
    from_bytes = parse_convenant(data, "x.toml")
    from_text = parse_convenant(data.decode(), "x.toml")
    assert from_bytes == from_text
    assert parse_convenant(b"\xef\xbb\xbf" + data, "x.toml").id == "test-convenant"


def test_file_over_one_megabyte_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    # Not TOML at all: a parse would report a syntax error instead of the size.
    big.write_bytes(b"@" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ConvenantError) as caught:
        load_convenant(big)
    assert str(caught.value) == (
        f"{big}: file is {MAX_FILE_BYTES + 1} bytes; the limit is {MAX_FILE_BYTES} (1 MB)"
    )
    with pytest.raises(ConvenantError, match="the limit is"):
        parse_convenant(b"@" * (MAX_FILE_BYTES + 1), "big.toml")


def test_file_of_exactly_one_megabyte_is_read(tmp_path: Path) -> None:
    data = VALID_MINIMAL.read_bytes()
    padded = tmp_path / "padded.toml"
    padded.write_bytes(data + b"#" * (MAX_FILE_BYTES - len(data)))
    assert load_convenant(padded).id == "test-convenant"


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(ConvenantError) as caught:
        load_convenant(tmp_path / "missing.toml")
    missing = tmp_path / "missing.toml"
    assert str(caught.value) == f"{missing}: cannot read file: No such file or directory"
    with pytest.raises(ConvenantError, match="cannot read file"):
        load_convenant(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = " + "1" * 5000, "x.toml: invalid TOML: Exceeds the limit"),
        ("a = " + "[" * 5000 + "]" * 5000, "x.toml: invalid TOML: nested too deeply"),
        ("a = 1\n[a]\n", "x.toml:2: invalid TOML: Cannot overwrite a value (column 3)"),
        ("a = [1,\n", "x.toml:1: invalid TOML: Invalid value (at end of file)"),
        ("", "x.toml: convenant: required key is missing"),
        ("convenant = 3", "x.toml:1: convenant: expected a table, got integer"),
        ("partners = [1]", "x.toml:1: partners[0]: expected a table, got integer"),
        ('"a\\nb" = 1', "x.toml:1: 'a\\nb': unknown key"),
        ('[convenant]\nid = "x\\n"', "x.toml:2: convenant.id: 'x\\n' is not a code"),
        ('[convenant]\nversion = "1.0\\n"', "x.toml:2: convenant.version: '1.0\\n' is not"),
    ],
    ids=[
        "huge-int",
        "deep",
        "redefine",
        "eof",
        "empty",
        "scalar-table",
        "scalar-item",
        "newline-in-key",
        "newline-after-code",
        "newline-after-version",
    ],
)
def test_odd_documents(text: str, expected: str) -> None:
    with pytest.raises(ConvenantError) as caught:
        parse_convenant(text, "x.toml")
    assert any(line.startswith(expected) for line in str(caught.value).splitlines())


def test_line_of_a_key_after_a_multiline_string_that_looks_like_keys() -> None:
    text = (
        VALID_MINIMAL.read_text()
        .replace(
            'purpose = "Testen van de lader."',
            'purpose = """\ncode = "dit is tekst, geen sleutel"\n[[partners]]\n"""',
        )
        .replace('kind = "politie"', 'kind = "politiek"')
    )
    with pytest.raises(ConvenantError) as caught:
        parse_convenant(text, "x.toml")
    line = text.splitlines().index('kind = "politiek"') + 1
    assert str(caught.value) == (
        f"x.toml:{line}: partners[1].kind: 'politiek' is not one of: gemeente, politie, "
        "justitie, veilig-thuis, jeugdbescherming, jeugdhulp, zorg, opvang, "
        "maatschappelijk-werk, onderwijs, landelijk, overig"
    )


def test_inline_tables_fall_back_to_the_enclosing_key() -> None:
    base = VALID_MINIMAL.read_text()
    text = (
        "retention = { case_data_years_after_closure = 2, minutes_years_after_meeting = 2,"
        " audit_log_years = 5, extra = 1 }\n"
        + base.replace(
            "[retention]\ncase_data_years_after_closure = 2\nminutes_years_after_meeting = 2\n"
            "audit_log_years = 5\n",
            "",
        )
    )
    with pytest.raises(ConvenantError) as caught:
        parse_convenant(text, "x.toml")
    assert str(caught.value) == "x.toml:1: retention.extra: unknown key"


def test_problem_without_line_or_key() -> None:
    assert str(Problem("a.toml", None, "", "broken")) == "a.toml: broken"
    assert str(Problem("a.toml", 3, "k.x", "bad")) == "a.toml:3: k.x: bad"


def test_readme_example_is_valid() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```toml\n(.*?)```", readme, re.DOTALL)
    assert snippet is not None
    assert parse_convenant(snippet.group(1), "README.md").partner("politie")


def test_load_directory_orders_versions() -> None:
    loaded = load_directory(EXAMPLES)
    assert [c.version for c in loaded] == ["1.0", "1.1"]

    def in_force(day: date) -> list[str]:
        return [c.version for c in loaded if c.in_force_on(day)]

    assert in_force(date(2025, 12, 31)) == ["1.0"]
    assert in_force(date(2026, 1, 1)) == ["1.1"]
    assert in_force(date(2024, 12, 31)) == []


def test_load_directory_refuses_overlapping_versions(tmp_path: Path) -> None:
    old = EXAMPLE_1_0.read_text(encoding="utf-8").replace("effective_until = 2025-12-31\n", "")
    (tmp_path / "a-1.0.toml").write_text(old, encoding="utf-8")
    (tmp_path / "a-1.1.toml").write_bytes(EXAMPLE_1_1.read_bytes())
    (tmp_path / "b-1.1.toml").write_bytes(EXAMPLE_1_1.read_bytes())
    (tmp_path / "c-broken.toml").write_text("x = ", encoding="utf-8")
    with pytest.raises(ConvenantError) as caught:
        load_directory(tmp_path)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{tmp_path / 'c-broken.toml'}:1: invalid TOML")
    assert any("overlaps" in line and "a-1.0.toml" in line for line in lines)
    assert any("version 1.1 also in" in line for line in lines)
