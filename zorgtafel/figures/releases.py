"""Releasing figures: count through the gate, protect, store the release, describe it.

Every table shown or exported is a release: stored with its parameters and the values it
published, and named by the gate's export event (purpose statistics) in the audit chain. A new
release is protected against every earlier release of the same year (differencing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import load_only

from zorgtafel.auth.models import User
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import begin_write, db
from zorgtafel.figures.codes import REGION_MUNICIPALITIES, ComenshaStatus, municipality_label
from zorgtafel.figures.disclosure import Parameters, protect
from zorgtafel.figures.models import Release
from zorgtafel.figures.tables import (
    ALL,
    LOCAL_SPECS,
    SPECS,
    Layout,
    cell_key,
    local_key,
    municipality_keys,
    municipality_total_key,
    region_keys,
    row_label,
    spec_rows,
    whole,
    year_key,
)
from zorgtafel.privacy import gate

MEDIA = ("page", "csv", "pdf")


class UnknownMunicipality(ValueError):
    """A municipality code that is not one of the region's; nothing released."""


@dataclass(frozen=True)
class Row:
    label: str
    #: the published (rounded) count; None: suppressed
    count: int | None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    rows: tuple[Row, ...]
    total_label: str
    total: int | None


@dataclass(frozen=True)
class FiguresView:
    """One release as a page or an export shows it: published counts only."""

    release_code: str
    released_at: datetime
    year: int
    #: the municipality the release is about (its code), None: the whole region
    municipality: str | None
    years: tuple[int, ...]
    parameters: Parameters
    tables: tuple[Table, ...]
    #: registrations at CoMensha per 100 cases, from the published counts; None: suppressed
    registration_rate: int | None

    @property
    def municipality_name(self) -> str | None:
        return None if self.municipality is None else municipality_label(self.municipality)


def parameters() -> Parameters:
    """The configured threshold and rounding (the configuration refuses less than the floor)."""
    settings = current_app.extensions["zorgtafel.settings"]
    return Parameters(settings["figures.threshold"], settings["figures.rounding"])


def release(
    user: User,
    convenant: Convenant,
    year: int,
    medium: str = "page",
    municipality: str | None = None,
) -> FiguresView:
    """Count, protect and record one release of ``year``'s figures for ``user``: the region's,
    or with ``municipality`` (a code of ``REGION_MUNICIPALITIES``) that municipality's."""
    if medium not in MEDIA:
        raise ValueError("unknown medium")
    if municipality is not None and municipality not in REGION_MUNICIPALITIES:
        raise UnknownMunicipality("unknown municipality code")  # before anything is counted
    params = parameters()
    begin_write(db.session)  # the release row, its event and the counts are one snapshot
    record = Release(
        user_id=user.id, medium=medium, year=year, municipality=municipality,
        threshold=params.threshold, rounding=params.rounding, cells={},
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    rows = gate.figures.counts(user, convenant, record.code)
    cells = whole(rows, year)
    protected = protect(cells.values, cells.relations, params, _earlier(record))
    keys = region_keys(cells) if municipality is None else municipality_keys(year, municipality)
    record.whole = protected.published
    record.cells = {key: protected.published[key] for key in keys}
    db.session.flush()
    if municipality is None:
        return _view(record, cells, record.cells, params)
    return _local_view(record, cells, record.cells, params, municipality)


def _earlier(record: Release) -> list[dict[str, int | None]]:
    """What every earlier release is held to have published: its protected whole (a release
    from before there were wholes: its cells). Every release shares cells with this one (the
    table per year is in every whole), so: all of them."""
    earlier = db.session.scalars(
        select(Release)
        .options(load_only(Release.whole, Release.cells))
        .where(Release.id != record.id)
        .order_by(Release.id)
    )
    return [release.cells if release.whole is None else release.whole for release in earlier]


def _view(
    record: Release, cells: Layout, published: dict[str, int | None], params: Parameters
) -> FiguresView:
    year = cells.year
    per_year = Table(
        "year",
        str(_("Per jaar van het eerste signaal")),
        tuple(Row(str(y), published[year_key(y)]) for y in cells.years),
        str(_("alle jaren")),
        published[ALL],
    )
    tables = [per_year]
    for spec in SPECS:
        total_key = (
            cell_key(year, "comensha", ComenshaStatus.not_registered.value)
            if spec.name == "reason"
            else year_key(year)
        )
        rows = tuple(
            Row(row_label(spec, code), published[cell_key(year, spec.name, code)])
            for code in spec_rows(spec)
        )
        tables.append(
            Table(spec.name, str(spec.title), rows, str(_("totaal")), published[total_key])
        )
    return FiguresView(
        record.code, record.released_at, year, None, cells.years, params, tuple(tables),
        _rate(published, year_key(year), lambda s: cell_key(year, "comensha", s)),
    )  # fmt: skip


def _local_view(
    record: Release,
    cells: Layout,
    published: dict[str, int | None],
    params: Parameters,
    municipality: str,
) -> FiguresView:
    """A municipality's release: its cut of every table, its total as each table's total."""
    year = cells.year
    tables = []
    for spec in LOCAL_SPECS:
        total_key = (
            local_key(year, municipality, "comensha", ComenshaStatus.not_registered.value)
            if spec.name == "reason"
            else municipality_total_key(year, municipality)
        )
        rows = tuple(
            Row(row_label(spec, code), published[local_key(year, municipality, spec.name, code)])
            for code in spec_rows(spec)
        )
        tables.append(
            Table(spec.name, str(spec.title), rows, str(_("totaal")), published[total_key])
        )
    rate = _rate(
        published,
        municipality_total_key(year, municipality),
        lambda status: local_key(year, municipality, "comensha", status),
    )
    return FiguresView(
        record.code, record.released_at, year, municipality, cells.years, params,
        tuple(tables), rate,
    )  # fmt: skip


def _rate(
    published: dict[str, int | None], total_key: str, comensha_key: Callable[[str], str]
) -> int | None:
    """Registered per 100 cases, from published counts only (an exact rate would give the
    exact counts away)."""
    total = published[total_key]
    registered = [
        published[comensha_key(status.value)]
        for status in (ComenshaStatus.with_identity, ComenshaStatus.anonymised)
    ]
    if not total or any(value is None for value in registered):
        return None
    return round(100 * sum(registered) / total)  # type: ignore[arg-type]
