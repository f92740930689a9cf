"""The canonical encoding is the one the chain was built with: the same bytes as one
``json.dumps`` of the whole array, for every value a row can hold (and a tampered one)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from zorgtafel.audit.chain import FIELDS, VERSION, encode

REFERENCE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
VALUE = st.one_of(
    st.none(),
    st.text(),  # every code point a string may hold: quotes, backslashes, controls, emoji
    st.integers(min_value=-(2**63), max_value=2**63),
    st.booleans(),
    st.floats(allow_nan=False),
)
MOMENT = st.datetimes(timezones=st.sampled_from([UTC]))


def reference(fields: list[object]) -> bytes:
    moment = fields[1].astimezone(UTC).isoformat(timespec="microseconds")  # type: ignore[attr-defined]
    return REFERENCE.encode([VERSION, fields[0], moment, *fields[2 : len(FIELDS)]]).encode()


@settings(max_examples=2000, deadline=None)
@given(
    seq=st.integers(min_value=1, max_value=2**62),
    moment=MOMENT,
    rest=st.lists(VALUE, min_size=len(FIELDS) - 2, max_size=len(FIELDS) - 2),
)
def test_the_encoding_is_one_json_dumps_of_the_row(
    seq: int, moment: datetime, rest: list[object]
) -> None:
    fields = [seq, moment, *rest]
    assert encode(fields) == reference(fields)


def test_a_known_row_encodes_as_it_always_has() -> None:
    row = [
        7, datetime(2026, 12, 2, 9, 30, tzinfo=UTC), 3, "veilig-thuis", "partner", "read", "case",
        "ZT-2026-0042", "content", "gezondheid,signalen", "zorgtafel-jpmh", "1.1", "ab" * 32,
        "art. 7.2", "case_conference", "allowed", "coordinator", "198.51.100.4", "0011aabb",
        "0" * 64,
    ]  # fmt: skip
    assert encode(row).startswith(
        b'["zorgtafel-audit/1",7,"2026-12-02T09:30:00.000000+00:00",3,"veilig-thuis"'
    )
    assert encode(row) == reference(row)
