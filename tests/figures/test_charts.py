"""The charts as SVG: a suppressed row has no bar, and a chart with every row suppressed says so
in a readable size without a scale that would mean nothing."""

from __future__ import annotations

import base64
import re

from flask import Flask

from zorgtafel.figures.charts import chart
from zorgtafel.figures.releases import Row, Table


def _svg(table: Table) -> str:
    uri = chart(table)
    assert uri.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def _table(*counts: int | None) -> Table:
    labels = ("seksueel", "crimineel", "arbeid")
    rows = tuple(Row(label, count) for label, count in zip(labels, counts, strict=True))
    return Table("vorm", "Vorm van uitbuiting", rows, "totaal", None)


def test_a_chart_with_every_row_suppressed_says_so_without_a_scale(app: Flask) -> None:
    with app.test_request_context():
        svg = _svg(_table(None, None, None))
    assert "alles onderdrukt" in svg
    # pygal takes the size from its style: as a chart option it was ignored (64 px, over the chart)
    assert re.search(r"\.no_data\s*\{[^}]*font-size:\s*16px", svg)
    assert 'class="axis x' not in svg
    assert "<script" not in svg
    assert svg.count("(onderdrukt)") == 3


def test_a_chart_shows_published_counts_and_marks_the_suppressed_rows(app: Flask) -> None:
    with app.test_request_context():
        svg = _svg(_table(15, None, None))
    assert "alles onderdrukt" not in svg
    assert 'class="axis x' in svg
    assert ">15<" in svg
    assert "seksueel" in svg
    assert svg.count("(onderdrukt)") == 2
