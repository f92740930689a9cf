"""Releasing figures: count through the gate, protect, store the release, describe it.

Every table shown or exported is a release: stored with its parameters and the values it
published, and named by the gate's export event (purpose statistics) in the audit chain. A new
release is protected against every earlier release of the same year (differencing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from zorgtafel.auth.models import User
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import begin_write, db
from zorgtafel.figures.codes import ComenshaStatus
from zorgtafel.figures.disclosure import Parameters, Protected, protect
from zorgtafel.figures.models import Release
from zorgtafel.figures.tables import (
    ALL,
    SPECS,
    Layout,
    cell_key,
    layout,
    row_label,
    spec_rows,
    year_key,
)
from zorgtafel.privacy import gate

MEDIA = ("page", "csv", "pdf")


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
    years: tuple[int, ...]
    parameters: Parameters
    tables: tuple[Table, ...]
    #: registrations at CoMensha per 100 cases, from the published counts; None: suppressed
    registration_rate: int | None


def parameters() -> Parameters:
    """The configured threshold and rounding (the configuration refuses less than the floor)."""
    settings = current_app.extensions["zorgtafel.settings"]
    return Parameters(settings["figures.threshold"], settings["figures.rounding"])


def release(user: User, convenant: Convenant, year: int, medium: str = "page") -> FiguresView:
    """Count, protect and record one release of ``year``'s figures for ``user``."""
    if medium not in MEDIA:
        raise ValueError("unknown medium")
    params = parameters()
    begin_write(db.session)  # the release row, its event and the counts are one snapshot
    record = Release(
        user_id=user.id, medium=medium, year=year, threshold=params.threshold,
        rounding=params.rounding, cells={},
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    rows = gate.figures.counts(user, convenant, record.code)
    cells = layout(rows, year)
    protected = protect(cells.values, cells.relations, params, _earlier(record))
    record.cells = protected.published
    db.session.flush()
    return _view(record, cells, protected, params)


def _earlier(record: Release) -> list[dict[str, int | None]]:
    """The published cells of every earlier release that shares cells with this one (the
    table per year is in every release, so: all of them)."""
    return list(
        db.session.scalars(
            select(Release.cells).where(Release.id != record.id).order_by(Release.id)
        )
    )


def _view(record: Release, cells: Layout, protected: Protected, params: Parameters) -> FiguresView:
    published = protected.published
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
        record.code, record.released_at, year, cells.years, params, tuple(tables),
        _rate(published, year),
    )  # fmt: skip


def _rate(published: dict[str, int | None], year: int) -> int | None:
    """Registered per 100 cases, from published counts only (an exact rate would give the
    exact counts away)."""
    total = published[year_key(year)]
    registered = [
        published[cell_key(year, "comensha", status.value)]
        for status in (ComenshaStatus.with_identity, ComenshaStatus.anonymised)
    ]
    if not total or any(value is None for value in registered):
        return None
    return round(100 * sum(registered) / total)  # type: ignore[arg-type]
