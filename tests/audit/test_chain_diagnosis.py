"""What verification says about each kind of tampering, on rows built in memory: the sequence
number, the kind and the words the privacy officer reads, up to the edges of the window in
which it looks for where a moved event came from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from zorgtafel.audit.chain import FIELDS, GENESIS, WINDOW, Problem, Tampering, event_hash
from zorgtafel.audit.chain import verify_rows as verify

MOMENT = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
SEQ, PREV = 0, len(FIELDS) - 1


def event(seq: int, prev: str, object_id: str | None = None) -> list[object]:
    """A well-made event at ``seq`` after the event whose hash is ``prev``."""
    values = dict.fromkeys(FIELDS)
    values.update(
        seq=seq, occurred_at=MOMENT, action="read", object_type="case",
        object_id=object_id or f"ZT-2026-{seq:04d}", outcome="allowed", prev_hash=prev,
    )  # fmt: skip
    row = [values[name] for name in FIELDS]
    return [*row, event_hash(row)]


def log(size: int) -> list[list[object]]:
    """A valid chain of ``size`` events (rows of FIELDS + hash)."""
    rows: list[list[object]] = []
    for seq in range(1, size + 1):
        rows.append(event(seq, rows[-1][-1] if rows else GENESIS))  # type: ignore[arg-type]
    return rows


def renumbered(row: list[object], seq: int) -> list[object]:
    """``row`` stored under another seq, its hash (made with the old seq) kept."""
    return [seq, *row[1:]]


def problem(rows: list[list[object]]) -> Problem | None:
    return verify(iter(rows)).problem


def test_an_untouched_log_verifies() -> None:
    rows = log(5)
    result = verify(iter(rows))
    assert (result.ok, result.count, result.head_hash) == (True, 5, rows[-1][-1])


def test_content_changed_in_place() -> None:
    rows = log(6)
    rows[3][FIELDS.index("object_id")] = "ZT-2026-9999"
    assert problem(rows) == Problem(4, Tampering.altered, "inhoud past niet bij de eigen hash")


def test_events_cut_out_and_the_rest_moved_down() -> None:
    rows = log(8)
    moved = [rows[0], rows[1], rows[2], renumbered(rows[6], 4)]  # 4, 5 and 6 taken out
    assert problem(moved) == Problem(
        4, Tampering.removed, "gebeurtenis 7 is opgeschoven naar 4: ervoor is iets weggehaald"
    )


def test_two_events_swapped() -> None:
    rows = log(8)
    swapped = [*rows[:4], renumbered(rows[5], 5), renumbered(rows[4], 6), *rows[6:]]
    assert problem(swapped) == Problem(5, Tampering.reordered, "gebeurtenis 6 staat op plaats 5")


def test_an_event_put_in_and_the_rest_moved_up() -> None:
    rows = log(6)
    values = list(rows[3][:-1])
    values[FIELDS.index("object_id")] = "ZT-2026-7777"
    values[PREV] = rows[2][-1]  # a well-made event after 3
    forged = [*values, event_hash(values)]
    inserted = [*rows[:3], forged, renumbered(rows[3], 5), renumbered(rows[4], 6)]
    assert problem(inserted) == Problem(
        4, Tampering.inserted, "gebeurtenis 4 is opgeschoven naar 5: ervoor is iets tussengevoegd"
    )


def test_the_first_event_copied_to_the_third_place_is_found_as_moved() -> None:
    rows = log(3)
    assert problem([rows[0], rows[1], renumbered(rows[0], 3)]) == Problem(
        1, Tampering.inserted, "gebeurtenis 1 is opgeschoven naar 3: ervoor is iets tussengevoegd"
    )


@pytest.mark.parametrize(("distance", "found"), [(WINDOW, True), (WINDOW + 1, False)])
def test_an_event_moved_down_is_traced_within_the_window_only(distance: int, found: bool) -> None:
    rows = log(5 + WINDOW + 1)
    origin = 5 + distance
    moved = [*rows[:4], renumbered(rows[origin - 1], 5)]
    expected = (
        Problem(
            5, Tampering.removed,
            f"gebeurtenis {origin} is opgeschoven naar 5: ervoor is iets weggehaald",
        )
        if found
        else Problem(5, Tampering.altered, "inhoud past niet bij de eigen hash")
    )  # fmt: skip
    assert problem(moved) == expected


@pytest.mark.parametrize(("distance", "found"), [(WINDOW, True), (WINDOW + 1, False)])
def test_an_event_moved_up_is_traced_within_the_window_only(distance: int, found: bool) -> None:
    rows = log(WINDOW + 3)
    at = 1 + distance
    moved = [*rows[: at - 1], renumbered(rows[0], at)]
    expected = (
        Problem(
            1, Tampering.inserted,
            f"gebeurtenis 1 is opgeschoven naar {at}: ervoor is iets tussengevoegd",
        )
        if found
        else Problem(at, Tampering.altered, "inhoud past niet bij de eigen hash")
    )  # fmt: skip
    assert problem(moved) == expected


UNKNOWN = "f" * 64


@pytest.mark.parametrize(
    ("kept", "missing"), [((1, 2, 3, 5, 6), "4"), ((1, 2, 3, 7), "4 t/m 6"), ((1, 3), "2")]
)
def test_events_cut_out_of_the_chain(kept: tuple[int, ...], missing: str) -> None:
    rows = log(7)
    first_gap = next(n for n in range(1, 8) if n not in kept)
    assert problem([rows[n - 1] for n in kept]) == Problem(
        first_gap, Tampering.removed, f"volgnummer {missing} ontbreekt"
    )


def test_a_well_made_event_after_an_earlier_one_shows_an_insertion() -> None:
    rows = log(3)
    skipping = event(4, rows[1][-1])  # points back at 2: 3 was put in between
    assert problem([*rows, skipping]) == Problem(
        3, Tampering.inserted, "de keten loopt van 2 direct naar 4"
    )


def test_an_event_pointing_at_a_later_stored_one_shows_a_reordering() -> None:
    rows = log(4)
    later = rows[3]
    before_it = event(3, later[-1])  # type: ignore[arg-type]
    assert problem([rows[0], rows[1], before_it, later]) == Problem(
        3, Tampering.reordered, "verwijst naar een later opgeslagen voorganger"
    )


def test_a_first_event_that_does_not_start_at_the_beginning() -> None:
    assert problem([event(1, UNKNOWN)]) == Problem(
        1, Tampering.altered, "eerste gebeurtenis begint niet bij het begin"
    )


@pytest.mark.parametrize("at", [2, 4])
def test_a_rehashed_event_pointing_at_an_unknown_predecessor(at: int) -> None:
    rows = log(at - 1)
    assert problem([*rows, event(at, UNKNOWN)]) == Problem(
        at - 1,
        Tampering.altered,
        f"hash herberekend; volgnummer {at} verwijst naar een andere voorganger",
    )
