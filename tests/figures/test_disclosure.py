"""Disclosure control: threshold (zero included), secondary suppression across linked tables,
rounding, determinism, the floors, and differencing against earlier releases."""

from __future__ import annotations

import pytest

from zorgtafel.figures.disclosure import ParameterError, Parameters, Relation, protect

DEFAULT = Parameters()


def test_every_cell_under_ten_is_suppressed_zero_included() -> None:
    values = {"total": 60, "a": 0, "b": 9, "c": 10, "d": 41}
    protected = protect(values, [Relation("total", ("a", "b", "c", "d"))], DEFAULT)
    assert protected.why["a"] == protected.why["b"] == "primary"
    assert protected.why["c"] == "secondary"  # 0 + 9 alone would be narrowed to at most 9
    assert protected.published["d"] == 40


def test_published_counts_are_rounded_to_five() -> None:
    values = {"total": 87, "a": 12, "b": 13, "c": 62}
    protected = protect(values, [Relation("total", ("a", "b", "c"))], DEFAULT)
    assert protected.published == {"total": 85, "a": 10, "b": 15, "c": 60}


def test_one_small_cell_cannot_be_recovered_from_the_total() -> None:
    # the trap: 50 - 20 - 25 = 5 would give the hidden cell away
    values = {"total": 50, "a": 5, "b": 20, "c": 25}
    protected = protect(values, [Relation("total", ("a", "b", "c"))], DEFAULT)
    assert protected.suppressed() == {"a", "b"}  # the smallest other cell goes too
    assert protected.why["b"] == "secondary"


def test_two_small_cells_that_add_up_under_the_threshold_take_a_third_along() -> None:
    # 3 + 4 = 7: subtracting the published cells would say both are at most 7
    values = {"total": 67, "a": 3, "b": 4, "c": 30, "d": 30}
    protected = protect(values, [Relation("total", ("a", "b", "c", "d"))], DEFAULT)
    assert protected.suppressed() == {"a", "b", "c"}
    assert sum(values[key] for key in protected.suppressed()) >= DEFAULT.threshold


def test_a_suppressed_total_hides_every_cell_of_its_table() -> None:
    # a year with 8 cases: its total is under the threshold, so its tables say nothing,
    # and another year in the table per year is hidden so the 8 cannot be subtracted out
    values = {"all": 70, "2025": 8, "2026": 62, "x": 5, "y": 3}
    relations = [Relation("all", ("2025", "2026")), Relation("2025", ("x", "y"))]
    protected = protect(values, relations, DEFAULT)
    assert {"2025", "2026", "x", "y"} <= protected.suppressed()
    assert protected.published["all"] == 70


def test_a_cell_hidden_in_one_table_is_hidden_where_it_is_a_total() -> None:
    # "not registered" is hidden secondarily in the CoMensha table; the table of reasons,
    # which adds up to it, must not give it back
    values = {"t": 15, "with": 2, "not": 13, "r1": 11, "r2": 2}
    relations = [Relation("t", ("with", "not")), Relation("not", ("r1", "r2"))]
    protected = protect(values, relations, DEFAULT)
    assert "not" in protected.suppressed()
    assert {"r1", "r2"} <= protected.suppressed()


def test_a_cell_that_totals_another_table_is_the_last_to_be_hidden() -> None:
    # "not registered" (13) is smaller than "anonymised" (25), but hiding it would hide the
    # whole table of reasons: anonymised goes instead
    values = {"t": 40, "with": 2, "anon": 25, "not": 13, "r1": 11, "r2": 2}
    relations = [Relation("t", ("with", "anon", "not")), Relation("not", ("r1", "r2"))]
    protected = protect(values, relations, DEFAULT)
    assert protected.suppressed() == {"with", "anon", "r1", "r2"}


def test_the_same_data_always_gives_the_same_pattern() -> None:
    values = {"total": 40, "a": 2, "b": 15, "c": 15, "d": 8}
    relations = [Relation("total", ("a", "b", "c", "d"))]
    patterns = {frozenset(protect(values, relations, DEFAULT).suppressed()) for _ in range(20)}
    assert patterns == {frozenset({"a", "d"})}
    # a tie between b and c is broken by table order, not by chance
    values = {"total": 32, "a": 2, "b": 15, "c": 15}
    assert protect(values, [Relation("total", ("a", "b", "c"))], DEFAULT).suppressed() == {
        "a",
        "b",
    }


@pytest.mark.parametrize(("threshold", "rounding"), [(9, 5), (0, 5), (10, 4), (10, 1)])
def test_threshold_and_rounding_are_never_below_the_floor(threshold: int, rounding: int) -> None:
    with pytest.raises(ParameterError):
        Parameters(threshold, rounding)


def test_a_higher_threshold_suppresses_more() -> None:
    values = {"total": 60, "a": 12, "b": 20, "c": 28}
    relations = [Relation("total", ("a", "b", "c"))]
    assert protect(values, relations, Parameters(15, 5)).suppressed() == {"a", "b"}


def test_this_years_table_minus_last_months_is_not_small() -> None:
    # last month: 40 cases, 20 sexual exploitation; now 2 more, both sexual exploitation.
    # Subtracting the releases would show a group of 2: the changed cells are suppressed.
    relations = [Relation("total", ("sexual", "criminal"))]
    before = protect({"total": 40, "sexual": 20, "criminal": 20}, relations, DEFAULT)
    assert before.suppressed() == set()
    now = protect(
        {"total": 42, "sexual": 22, "criminal": 20}, relations, DEFAULT, [before.published]
    )
    # 40 -> 40 and 20 -> 20 after rounding say nothing; so nothing to hide yet
    assert now.suppressed() == set()
    later = protect(
        {"total": 43, "sexual": 23, "criminal": 20}, relations, DEFAULT, [before.published]
    )
    # 40 -> 45 and 20 -> 25: a difference of 5 would tell of a small group
    assert {"total", "sexual"} <= later.suppressed()
    assert later.why["total"] == "differencing"
    assert "criminal" in later.suppressed()  # the total hidden hides its table


def test_a_release_is_checked_against_every_earlier_one_not_only_the_last() -> None:
    relations = [Relation("total", ("a", "b"))]
    first = {"total": 40, "a": 20, "b": 20}
    second = {"total": 60, "a": 40, "b": 20}
    # third is 15 away from the second (fine) but 5 away from the first
    third = protect({"total": 45, "a": 25, "b": 20}, relations, DEFAULT, [first, second])
    assert third.why.get("total") == "differencing"
    assert third.why.get("a") == "differencing"


def test_what_an_earlier_release_said_is_a_floor_and_only_the_rest_protects() -> None:
    from zorgtafel.figures.disclosure import _slack

    relations = [Relation("t", ("a", "b", "c"))]
    earlier = [{"t": 30, "a": 10, "b": 10, "c": None}]
    slack = _slack({"t": 33, "a": 12, "b": 11, "c": 10}, relations, earlier, DEFAULT)
    # a and b were published as 10: at least 10 each then; t as 30: at least 28, but its
    # cells' floors say 20 + c, so 28 stands; c was hidden, so all of it protects
    assert slack == {"t": 5, "a": 2, "b": 1, "c": 10}
    earlier = [{"t": 30, "a": 10, "b": 10, "c": 10}]
    slack = _slack({"t": 33, "a": 12, "b": 11, "c": 10}, relations, earlier, DEFAULT)
    assert slack["t"] == 3  # at least 10 + 10 + 10 then, more than the total's own 28
