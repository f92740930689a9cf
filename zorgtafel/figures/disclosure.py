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

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

#: the floors: NHS Digital's and the UK research environments' practice
MIN_THRESHOLD = 10
MIN_ROUNDING = 5
#: "no upper bound" for the attacker's programme: far above any count
_CEILING = 1e9


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
    earlier = _distinct(earlier)
    repeated = _repeat(values, earlier, parameters)
    if repeated is not None:
        return repeated
    order = {key: position for position, key in enumerate(values)}
    slack = _slack(values, relations, earlier, parameters)
    why = {key: "primary" for key, value in values.items() if value < parameters.threshold}
    with_relations = [(release, relations) for release in earlier]
    while True:
        _secondary(values, slack, relations, parameters.threshold, order, why)
        published = {
            key: None if key in why else _round(value, parameters.rounding)
            for key, value in values.items()
        }
        differenced = _differenced(published, earlier, parameters.threshold)
        for key in differenced:
            why[key] = "differencing"
        if differenced:
            continue
        if not _audit(values, published, relations, parameters, with_relations, order, why):
            return Protected(published, why)


def _repeat(
    values: Mapping[str, int],
    earlier: Sequence[Mapping[str, int | None]],
    parameters: Parameters,
) -> Protected | None:
    """The release before, again, if the same pattern of suppression gives exactly what it
    published (the counts did not change where it showed them, and no cell it showed is now
    under the threshold): publishing the same tells the attacker nothing new (every reading
    of the earlier release is one of this one, counts only grow), so the audit it passed
    holds. None otherwise."""
    if not earlier or set(earlier[-1]) != set(values):
        return None
    last = earlier[-1]
    published = {
        key: None if last[key] is None else _round(value, parameters.rounding)
        for key, value in values.items()
    }
    if published != dict(last):
        return None
    if any(value < parameters.threshold and last[key] is not None for key, value in values.items()):
        return None
    return Protected(
        published, {key: "repeated" for key, value in published.items() if value is None}
    )


def _distinct(earlier: Iterable[Mapping[str, int | None]]) -> list[Mapping[str, int | None]]:
    """The earlier releases, a release that published the same as the one before it taken
    once (the attacker is then held to both being the same counts: never less than he
    knows)."""
    distinct: list[Mapping[str, int | None]] = []
    for release in earlier:
        if not distinct or dict(distinct[-1]) != dict(release):
            distinct.append(release)
    return distinct


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


def _audit(
    values: Mapping[str, int],
    published: Mapping[str, int | None],
    relations: Sequence[Relation],
    parameters: Parameters,
    earlier: Sequence[tuple[Mapping[str, int | None], Sequence[Relation]]],
    order: dict[str, int],
    why: dict[str, str],
) -> bool:
    """Play the attacker: the tightest integer bounds of every suppressed cell, from this
    release's published cells and relations, every earlier release's, and that counts only
    grow from one release to the next. Where a suppressed cell (of this release, or of an
    earlier one that this release would narrow further) comes out narrower than the threshold,
    one more cell of this release is suppressed; returns whether one was. One pass suppresses
    one cell for each narrowed cell whose relations no cell suppressed in this pass touches
    (cells far apart are repaired in one pass; the next pass audits the result again)."""
    if earlier and dict(earlier[-1][0]) == dict(published):
        # the same as the release before it: the attacker learns nothing he did not know
        # (its cells were audited when that one was made; counts only grow in between)
        return False
    if all(value is None for value in published.values()):
        return False  # publishing nothing tells nothing (counts only grow from earlier ones)
    releases = [*earlier, (published, relations)]
    model = _Model(releases, parameters)
    last = len(releases) - 1
    touched: set[str] = set()
    narrow = [
        key
        for key in published
        if published[key] is None and model.width(last, key, values[key]) < parameters.threshold
    ]
    for key in sorted(narrow, key=order.__getitem__):
        if key not in touched and _widen(key, values, relations, order, why):
            touched |= _neighbours(key, relations) | _neighbours(_last(why), relations)
    if touched or not earlier:
        return bool(touched)
    before = _Model(list(earlier), parameters)
    for r, (cells, _relations) in enumerate(earlier):
        for key in cells:
            if cells[key] is not None or key not in published or key in touched:
                continue
            width = model.width(r, key)
            if width >= parameters.threshold or width >= before.width(r, key):
                continue  # wide enough, or no narrower than the earlier releases made it
            if published[key] is not None:
                why[key] = "differencing"  # what it is now bounds what it was
            elif not _widen(key, values, relations, order, why):
                continue
            touched |= _neighbours(key, relations) | _neighbours(_last(why), relations)
    return bool(touched)


def _last(why: dict[str, str]) -> str:
    """The cell suppressed last (dicts keep their order)."""
    return next(reversed(why))


def _neighbours(key: str, relations: Sequence[Relation]) -> set[str]:
    """``key`` and every cell in a relation with it."""
    return {
        cell
        for relation in relations
        if key == relation.total or key in relation.cells
        for cell in (relation.total, *relation.cells)
    } | {key}


def _widen(
    key: str,
    values: Mapping[str, int],
    relations: Sequence[Relation],
    order: dict[str, int],
    why: dict[str, str],
) -> bool:
    """Suppress the smallest published cell next to ``key`` (in a relation with it), a total
    last; where every cell next to it is hidden already, the nearest published cells one
    relation further out, and so on (the attacker may narrow a cell through hidden ones: a
    municipality's cell through its hidden neighbours, from the region's cells and an earlier
    release); False if no published cell is linked to ``key`` at all."""
    totals = {relation.total for relation in relations}
    reached = {key}
    while True:
        near = {
            cell
            for relation in relations
            if relation.total in reached or not reached.isdisjoint(relation.cells)
            for cell in (relation.total, *relation.cells)
        }
        shown = [cell for cell in near if cell not in why and cell in values]
        if shown:
            cell = min(shown, key=lambda c: (c in totals, values[c], order[c]))
            why[cell] = "secondary"
            return True
        if near <= reached:
            return False
        reached |= near


class _Model:
    """The attacker's integer programme over the cells of a sequence of releases."""

    def __init__(
        self,
        releases: Sequence[tuple[Mapping[str, int | None], Sequence[Relation]]],
        parameters: Parameters,
    ) -> None:
        self.index: list[dict[str, int]] = []
        size = 0
        for cells, _relations in releases:
            self.index.append({key: size + i for i, key in enumerate(cells)})
            size += len(cells)
        self.size = size
        self.threshold = parameters.threshold
        half = parameters.rounding // 2
        lower, upper = np.zeros(size), np.full(size, _CEILING)
        rows: list[dict[int, float]] = []
        for index, (cells, rels) in zip(self.index, releases, strict=True):
            for key, value in cells.items():
                if value is not None:
                    lower[index[key]] = max(value - half, parameters.threshold)
                    upper[index[key]] = value + half
            for relation in rels:
                if relation.total in index and all(cell in index for cell in relation.cells):
                    row = {index[relation.total]: 1.0}
                    for cell in relation.cells:
                        row[index[cell]] = row.get(index[cell], 0.0) - 1.0
                    rows.append(row)
        equalities = len(rows)
        for before, after in itertools.pairwise(self.index):
            rows += [{after[key]: 1.0, before[key]: -1.0} for key in before if key in after]
        self.bounds = Bounds(lower, upper)
        self.full = self._constraints(rows, equalities)
        self.alone = self._constraints(rows[:equalities], equalities)
        self.cache: dict[tuple[int, str], float] = {}

    def _constraints(self, rows: list[dict[int, float]], equalities: int) -> LinearConstraint:
        # sparse: a few cells per row out of every cell of every release, and HiGHS would
        # otherwise take the dense matrix apart again on every solve
        entries = [(i, column, c) for i, row in enumerate(rows) for column, c in row.items()]
        matrix = sparse.csr_array(
            (
                [c for _i, _column, c in entries],
                ([i for i, _column, _c in entries], [column for _i, column, _c in entries]),
            ),
            shape=(max(len(rows), 1), self.size),
        )
        high = np.array([0.0] * equalities + [np.inf] * (len(rows) - equalities) or [np.inf])
        return LinearConstraint(matrix, np.zeros(len(high)), high)

    def width(self, release: int, key: str, known: int | None = None) -> float:
        """How wide the attacker's interval of the cell is; with its ``known`` true value
        (which lies inside), once the upper end alone is far enough from it, that much."""
        if (release, key) not in self.cache:
            self.cache[release, key] = self._width(self.index[release][key], known)
        return self.cache[release, key]

    def _width(self, column: int, known: int | None) -> float:
        objective = np.zeros(self.size)
        objective[column] = 1.0
        for constraints in (self.full, self.alone):  # counts that shrank: no growth to use
            ends: list[float] = []
            for sign in (-1.0, 1.0):
                if ends and known is not None and ends[0] - known >= self.threshold:
                    return ends[0] - known
                result = milp(sign * objective, constraints=constraints, bounds=self.bounds,
                              integrality=np.ones(self.size))  # fmt: skip
                if result.status != 0:
                    break
                ends.append(sign * result.fun)
            if len(ends) == 2:
                return ends[0] - ends[1]
        return 0.0  # no consistent reading at all: treat as given away
