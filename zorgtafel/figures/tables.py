"""The figures' tables, made from the gate's counts: per year, and for one year per
municipality, form of exploitation, age band, stage and CoMensha registration with its reasons.

Every table's cells add up to its total (a cell ``onbekend`` takes the cases whose field is not
recorded), so the tables are :class:`~zorgtafel.figures.disclosure.Relation` s the disclosure
control can hold together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from zorgtafel.cases.models import Stage
from zorgtafel.figures.codes import (
    MUNICIPALITIES,
    AgeBand,
    ComenshaStatus,
    Exploitation,
    NotRegisteredReason,
    municipality_label,
)
from zorgtafel.figures.disclosure import Relation

#: the key of a cell whose field is not recorded
UNKNOWN = "unknown"
#: the key of every case of every year
ALL = "all"


@dataclass(frozen=True)
class TableSpec:
    """One table: its name (in keys and URLs), title, and the codes of its rows."""

    name: str
    title: object
    codes: tuple[str, ...]
    label: Callable[[str], str]
    #: the row's code in a count row; None: the case is not counted in this table
    code_of: Callable[[object], str | None]
    unknown: bool = True


def year_key(year: int) -> str:
    return f"year:{year}"


def cell_key(year: int, table: str, code: str) -> str:
    return f"{year}:{table}:{code}"


def _reason_of(row) -> str | None:  # type: ignore[no-untyped-def]
    if row.comensha is not ComenshaStatus.not_registered:
        return None
    return row.comensha_reason or UNKNOWN


SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "municipality", _l("Per woongemeente"), tuple(code for code, _ in MUNICIPALITIES),
        municipality_label, lambda row: row.municipality or UNKNOWN,
    ),
    TableSpec(
        "exploitation", _l("Per vorm van uitbuiting"), tuple(c.value for c in Exploitation),
        lambda code: Exploitation(code).label, lambda row: row.exploitation or UNKNOWN,
    ),
    TableSpec(
        "age_band", _l("Per leeftijd bij het eerste signaal"), tuple(c.value for c in AgeBand),
        lambda code: AgeBand(code).label, lambda row: row.age_band or UNKNOWN,
    ),
    TableSpec(
        "stage", _l("Per fase"), tuple(c.value for c in Stage),
        lambda code: Stage(code).label, lambda row: row.stage.value, unknown=False,
    ),
    TableSpec(
        "comensha", _l("Registratie bij CoMensha"), tuple(c.value for c in ComenshaStatus),
        lambda code: ComenshaStatus(code).label, lambda row: row.comensha.value, unknown=False,
    ),
    TableSpec(
        "reason", _l("Redenen om niet bij CoMensha te melden"),
        tuple(c.value for c in NotRegisteredReason),
        lambda code: NotRegisteredReason(code).label, _reason_of,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """The cells of one release (exact counts, in display order) and how they relate."""

    year: int
    years: tuple[int, ...]
    values: dict[str, int]
    relations: tuple[Relation, ...]


def layout(rows: Sequence[object], year: int) -> Layout:
    """The cells of the table per year and of ``year``'s tables, with their relations."""
    per_year: Counter[int] = Counter()
    cells: Counter[str] = Counter()
    for row in rows:
        per_year[row.year] += row.cases  # type: ignore[attr-defined]
        if row.year != year:  # type: ignore[attr-defined]
            continue
        for spec in SPECS:
            code = spec.code_of(row)
            if code is not None:
                cells[cell_key(year, spec.name, code)] += row.cases  # type: ignore[attr-defined]
    first = min([*per_year, year])
    years = tuple(range(first, max([*per_year, year]) + 1))
    values: dict[str, int] = {ALL: sum(per_year.values())}
    values |= {year_key(y): per_year[y] for y in years}
    relations = [Relation(ALL, tuple(year_key(y) for y in years))]
    for spec in SPECS:
        keys = tuple(cell_key(year, spec.name, code) for code in _codes(spec))
        values |= {key: cells[key] for key in keys}
        total = (
            cell_key(year, "comensha", ComenshaStatus.not_registered.value)
            if spec.name == "reason"
            else year_key(year)
        )
        relations.append(Relation(total, keys))
    return Layout(year, years, values, tuple(relations))


def _codes(spec: TableSpec) -> tuple[str, ...]:
    return (*spec.codes, UNKNOWN) if spec.unknown else spec.codes


def row_label(spec: TableSpec, code: str) -> str:
    return str(_l("onbekend")) if code == UNKNOWN else spec.label(code)


def spec_rows(spec: TableSpec) -> tuple[str, ...]:
    """The codes of a table's rows, in order (``unknown`` last where the field may be empty)."""
    return _codes(spec)


# --- the whole: every municipality's tables with the region's -----------------------------

#: the tables a municipality's report shows (the municipality's own cut of every table but
#: the one per municipality, whose cell is the municipality's total)
LOCAL_SPECS: tuple[TableSpec, ...] = tuple(spec for spec in SPECS if spec.name != "municipality")


def local_key(year: int, municipality: str, table: str, code: str) -> str:
    """The key of a municipality's cell: ``2026:GM9001:stage:triage``."""
    return f"{year}:{municipality}:{table}:{code}"


def municipality_total_key(year: int, municipality: str) -> str:
    """A municipality's total: its cell in the region's table per municipality."""
    return cell_key(year, "municipality", municipality)


def _local_total(year: int, municipality: str, spec: TableSpec) -> str:
    if spec.name == "reason":
        return local_key(year, municipality, "comensha", ComenshaStatus.not_registered.value)
    return municipality_total_key(year, municipality)


def whole(rows: Sequence[object], year: int) -> Layout:
    """The region's cells (:func:`layout`) and every municipality's cut of ``year``'s tables
    (the cases with no municipality recorded as one more, ``unknown``), related both ways: a
    municipality's table adds up to its total (its cell in the table per municipality), and
    the municipalities' cells of a row add up to the region's cell of that row. Protected as
    one, so that no release cut from it (the region's, or one municipality's) can be
    subtracted from another to narrow a suppressed cell."""
    region = layout(rows, year)
    places = _codes(SPECS[0])  # every municipality code, ``unknown`` last
    cells: Counter[str] = Counter()
    for row in rows:
        if row.year != year:  # type: ignore[attr-defined]
            continue
        place = SPECS[0].code_of(row)
        assert place is not None  # noqa: S101 - every case has a cell per municipality
        for spec in LOCAL_SPECS:
            code = spec.code_of(row)
            if code is not None:
                cells[local_key(year, place, spec.name, code)] += row.cases  # type: ignore[attr-defined]
    values = dict(region.values)
    relations = list(region.relations)
    for place in places:
        for spec in LOCAL_SPECS:
            keys = tuple(local_key(year, place, spec.name, code) for code in _codes(spec))
            values |= {key: cells[key] for key in keys}
            relations.append(Relation(_local_total(year, place, spec), keys))
    for spec in LOCAL_SPECS:
        for code in _codes(spec):
            relations.append(
                Relation(
                    cell_key(year, spec.name, code),
                    tuple(local_key(year, place, spec.name, code) for place in places),
                )
            )
    return Layout(year, region.years, values, tuple(relations))


def region_keys(cells: Layout) -> tuple[str, ...]:
    """The keys a region's release publishes: the table per year and the region's tables."""
    local = f"{cells.year}:"
    return tuple(
        key
        for key in cells.values
        if not key.startswith(local) or key.split(":", 2)[1] in {spec.name for spec in SPECS}
    )


def municipality_keys(year: int, municipality: str) -> tuple[str, ...]:
    """The keys a municipality's release publishes: its total and its cut of every table."""
    return (
        municipality_total_key(year, municipality),
        *(
            local_key(year, municipality, spec.name, code)
            for spec in LOCAL_SPECS
            for code in _codes(spec)
        ),
    )
