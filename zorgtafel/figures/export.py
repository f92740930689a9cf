"""Exports of a release: CSV (Dutch spreadsheet conventions: semicolons), counts as published."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from zorgtafel.figures.releases import FiguresView


def to_csv(figures: FiguresView) -> str:
    """Every table of the release, one row per cell; a suppressed cell has no count."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("tabel"), _("rij"), _("aantal"), _("onderdrukt"), _("uitgifte")])
    suppressed, shown = _("ja"), _("nee")
    for table in figures.tables:
        for label, count in (
            *((r.label, r.count) for r in table.rows),
            (table.total_label, table.total),
        ):
            writer.writerow(
                [table.title, label, "" if count is None else count,
                 suppressed if count is None else shown, figures.release_code]
            )  # fmt: skip
    return out.getvalue()
