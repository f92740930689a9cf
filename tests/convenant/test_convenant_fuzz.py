"""Whatever the input, parse_convenant returns a Convenant or raises ConvenantError."""

import copy
import math
import os
import tomllib
from datetime import date, datetime, time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.convenant.convenant_examples import EXAMPLE_1_0
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.loader import ConvenantError, parse_convenant

EXAMPLE_BYTES = EXAMPLE_1_0.read_bytes()
EXAMPLE_DOC = tomllib.loads(EXAMPLE_BYTES.decode("utf-8"))
# ZORGTAFEL_FUZZ_EXAMPLES=5000 for a longer hunt; the default keeps each test well under 20 s.
FUZZ = settings(
    max_examples=int(os.environ.get("ZORGTAFEL_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SCHEMA_WORDS = [
    "convenant",
    "retention",
    "partners",
    "categories",
    "rules",
    "consent",
    "id",
    "title",
    "version",
    "effective_from",
    "effective_until",
    "purpose",
    "example",
    "access_days_after_meeting",
    "case_data_years_after_closure",
    "minutes_years_after_meeting",
    "audit_log_years",
    "code",
    "name",
    "kind",
    "label",
    "description",
    "special",
    "partner",
    "direction",
    "article",
    "legal_ground",
    "special_ground",
    "recipients",
]
SCHEMA_VALUES = [
    "politie",
    "gemeente",
    "gezondheid",
    "identiteit",
    "art9",
    "art10",
    "none",
    "provide",
    "receive",
    "1.0",
    "",
    " ",
    "art. 6.1",
    "x" * 41,
]


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """Serialise to TOML, all in inline form (nested inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


def toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in doc.items())


keys = st.sampled_from(SCHEMA_WORDS) | st.text(max_size=8)
scalars = (
    st.sampled_from(SCHEMA_VALUES)
    | st.text(max_size=12)
    | st.integers()
    | st.integers(min_value=-2, max_value=400)
    | st.booleans()
    | st.floats()
    | st.dates()
    | st.datetimes()
    | st.times()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def expect_only_convenant_error(data: bytes | str) -> None:
    """Any other exception fails the test; an error must be one line per problem."""
    problems: list[str] = []
    try:
        result = parse_convenant(data, "fuzz.toml")
    except ConvenantError as exc:
        problems = [str(p) for p in exc.problems]
        message = str(exc)
    else:
        assert isinstance(result, Convenant)
        return
    assert problems
    assert message.splitlines() == problems
    assert all(line.startswith("fuzz.toml") for line in problems)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += paths(child, (*prefix, index))
    return found


@FUZZ
@given(st.dictionaries(keys, values, max_size=8))
def test_arbitrary_toml_documents(doc: dict[str, Any]) -> None:
    expect_only_convenant_error(toml_document(doc))


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    expect_only_convenant_error(text)


@FUZZ
@given(st.data())
def test_mutated_example_documents(data: st.DataObject) -> None:
    doc = copy.deepcopy(EXAMPLE_DOC)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        targets = paths(doc)[1:]
        if not targets:
            break
        path = data.draw(st.sampled_from(targets))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        operation = data.draw(st.sampled_from(["delete", "replace", "duplicate", "retype"]))
        if operation == "delete":
            del parent[path[-1]]
        elif operation == "replace":
            parent[path[-1]] = data.draw(values)
        elif operation == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        else:
            old = parent[path[-1]]
            parent[path[-1]] = [old] if not isinstance(old, list) else str(old)
    expect_only_convenant_error(toml_document(doc))


@FUZZ
@given(st.data())
def test_mutated_example_text(data: st.DataObject) -> None:
    lines = EXAMPLE_BYTES.split(b"\n")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        if not lines:
            break
        index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        operation = data.draw(st.sampled_from(["delete", "duplicate", "swap", "flip", "cut"]))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "flip" and lines[index]:
            line = bytearray(lines[index])
            at = data.draw(st.integers(min_value=0, max_value=len(line) - 1))
            line[at] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
            lines[index] = bytes(line)
        else:
            lines = lines[:index]
    expect_only_convenant_error(b"\n".join(lines))


def test_the_unmutated_example_survives_the_serialiser() -> None:
    # Guards the fuzz tests: the writer above must produce a document the loader accepts.
    assert parse_convenant(toml_document(EXAMPLE_DOC), "fuzz.toml").version == "1.0"
