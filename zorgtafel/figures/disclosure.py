"""Disclosure control for the figures: threshold, secondary suppression, rounding, and the
check against every earlier release.

The tables of one release are linear relations between cells (a table's cells add up to its
total; a total can be a cell of another table, e.g. a year's total is a cell of the table per
year). Suppression holds across all of them at once:

- **primary**: every cell under the threshold, zero included;
- **secondary**: in every relation whose total is published, the suppressed cells are at least
  two and add up to at least the threshold above what earlier releases already say of them,
  so an attacker who subtracts the published cells from the total learns only that each lies
  somewhere in a range that wide; a relation whose total is
  suppressed has all its cells suppressed, so its published cells cannot give the total away;
- **differencing**: a cell whose published value differs from its value in an earlier release
  by less than the threshold (but not by nothing) is suppressed too, and the secondary rules
  run again;
- **rounding**: what is published is rounded to a multiple of ``rounding``.

Deterministic: further cells are taken smallest first (a cell that is the total of another
table last, since hiding it hides that table), ties by the order given, so the same data always
gives the same pattern.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: the floors: NHS Digital's and the UK research environments' practice
MIN_THRESHOLD = 10
MIN_ROUNDING = 5


class ParameterError(ValueError):
    """A threshold or rounding below the floor; nothing released."""


@dataclass(frozen=True)
class Parameters:
    threshold: int = MIN_THRESHOLD
    rounding: int = MIN_ROUNDING

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < MIN_THRESHOLD:
            raise ParameterError(f"threshold below {MIN_THRESHOLD}")
        if not isinstance(self.rounding, int) or self.rounding < MIN_ROUNDING:
            raise ParameterError(f"rounding below {MIN_ROUNDING}")


@dataclass(frozen=True)
class Relation:
    """``total`` is the sum of ``cells`` (keys of the release's values)."""

    total: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Protected:
    """What may be published: each key's rounded value, None where suppressed."""

    published: dict[str, int | None]
    #: why each suppressed key is: ``primary``, ``secondary`` or ``differencing``
    why: dict[str, str]

    def suppressed(self) -> set[str]:
        return {key for key, value in self.published.items() if value is None}


def protect(
    values: Mapping[str, int],
    relations: Sequence[Relation],
    parameters: Parameters,
    earlier: Iterable[Mapping[str, int | None]] = (),
) -> Protected:
    """Suppress and round ``values`` so that no suppressed cell can be worked out from the
    relations or narrowed below the threshold against any of the ``earlier`` releases."""
    earlier = list(earlier)
    order = {key: position for position, key in enumerate(values)}
    slack = _slack(values, relations, earlier, parameters)
    why = {key: "primary" for key, value in values.items() if value < parameters.threshold}
    while True:
        _secondary(values, slack, relations, parameters.threshold, order, why)
        published = {
            key: None if key in why else _round(value, parameters.rounding)
            for key, value in values.items()
        }
        differenced = _differenced(published, earlier, parameters.threshold)
        if not differenced:
            return Protected(published, why)
        for key in differenced:
            why[key] = "differencing"


def _slack(
    values: Mapping[str, int],
    relations: Sequence[Relation],
    earlier: Sequence[Mapping[str, int | None]],
    parameters: Parameters,
) -> dict[str, int]:
    """How far each cell is above what earlier releases already say of it: a count published
    before was at least that (less the rounding), and cases are added, so an attacker may
    take it as a floor; a total is at least the floors of its cells. Only the slack above
    the floors hides anything."""
    half = parameters.rounding // 2
    floor = {
        key: max(
            (max(r[key] - half, parameters.threshold) for r in earlier if r.get(key)), default=0
        )
        for key in values
    }
    for _pass in range(len(relations)):  # totals of totals: until nothing rises
        risen = False
        for relation in relations:
            cells = sum(floor[cell] for cell in relation.cells)
            if cells > floor[relation.total]:
                floor[relation.total], risen = cells, True
        if not risen:
            break
    return {key: max(value - floor[key], 0) for key, value in values.items()}


def _secondary(
    values: Mapping[str, int],
    slack: Mapping[str, int],
    relations: Sequence[Relation],
    threshold: int,
    order: dict[str, int],
    why: dict[str, str],
) -> None:
    """Suppress further cells until every relation protects its suppressed cells."""
    # hiding a total hides its whole table: take other cells first; and cells whose count an
    # earlier release already pins down add no protection
    totals = {relation.total for relation in relations}
    cost = {key: (key in totals, slack[key] == 0, values[key], order[key]) for key in values}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if relation.total in why:
                for cell in relation.cells:
                    if cell not in why:
                        why[cell] = "secondary"
                        changed = True
                continue
            changed |= _protect_relation(slack, relation, threshold, cost, why)


def _protect_relation(
    slack: Mapping[str, int],
    relation: Relation,
    threshold: int,
    cost: dict[str, tuple[bool, bool, int, int]],
    why: dict[str, str],
) -> bool:
    hidden = [cell for cell in relation.cells if cell in why]
    if not hidden:
        return False
    changed = False
    while len(hidden) < 2 or sum(slack[cell] for cell in hidden) < threshold:
        shown = [cell for cell in relation.cells if cell not in why]
        if not shown:
            # every cell hidden and still under the threshold: the total is too (it is the
            # sum), which then hides this relation entirely
            why.setdefault(relation.total, "secondary")
            return True
        cell = min(shown, key=cost.__getitem__)
        why[cell] = "secondary"
        hidden.append(cell)
        changed = True
    return changed


def _differenced(
    published: Mapping[str, int | None],
    earlier: Sequence[Mapping[str, int | None]],
    threshold: int,
) -> list[str]:
    """Keys published now whose difference from an earlier published value is small."""
    found = []
    for key, value in published.items():
        if value is None:
            continue
        for release in earlier:
            before = release.get(key)
            if before is not None and 0 < abs(value - before) < threshold:
                found.append(key)
                break
    return found


def _round(value: int, base: int) -> int:
    """To the nearest multiple of ``base``, halves up (counts are never negative)."""
    return base * ((2 * value + base) // (2 * base))
