"""Exports of a release: CSV (Dutch spreadsheet conventions: semicolons) and a PDF report
with the charts (WeasyPrint, which draws pygal's SVG), counts as published."""

from __future__ import annotations

import csv
import io

from flask import render_template
from flask_babel import gettext as _

from zorgtafel.figures.charts import chart
from zorgtafel.figures.releases import FiguresView


def to_csv(figures: FiguresView) -> str:
    """Every table of the release, one row per cell; a suppressed cell has no count; the last
    column says whose figures they are (the municipality's name, or the whole region)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("tabel"), _("rij"), _("aantal"), _("onderdrukt"), _("uitgifte"), _("gebied")]
    )
    suppressed, shown = _("ja"), _("nee")
    area = figures.municipality_name or _("hele regio")
    for table in figures.tables:
        for label, count in (
            *((r.label, r.count) for r in table.rows),
            (table.total_label, table.total),
        ):
            writer.writerow(
                [table.title, label, "" if count is None else count,
                 suppressed if count is None else shown, figures.release_code, area]
            )  # fmt: skip
    return out.getvalue()


def _inline_fetcher():  # type: ignore[no-untyped-def]
    """WeasyPrint's fetcher limited to ``data:`` URIs (the report's own charts): it never
    reaches out."""
    from weasyprint.urls import URLFetcher

    class InlineFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None):  # type: ignore[no-untyped-def]
            if not url.startswith("data:"):
                raise ValueError("the report loads nothing but its own charts")
            return super().fetch(url, headers)

    return InlineFetcher()


def to_pdf(figures: FiguresView) -> bytes:
    """The release as a Dutch PDF report: the detection gap, every table with its chart;
    every page marked with whose figures they are and the release."""
    from weasyprint import HTML

    html = render_template("figures/report.html", figures=figures, chart=chart)
    return HTML(string=html, url_fetcher=_inline_fetcher()).write_pdf()  # type: ignore[no-any-return]
