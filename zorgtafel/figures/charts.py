"""Charts of the figures, drawn on the server as SVG by pygal (kept, no script from outside).

A chart shows published counts only; a suppressed cell has no bar, its label says why. The
SVG goes into the page as an image (``data:`` URI), so nothing in it runs, and the table beside
it carries the same numbers for screen readers.
"""

from __future__ import annotations

import base64
import re
import sys
from typing import TYPE_CHECKING

import pygal
from flask_babel import gettext as _
from pygal.style import Style

if TYPE_CHECKING:  # imported for real, scipy's import would meet pygal's hook below
    from zorgtafel.figures.releases import Table

# pygal appends an old-style import hook for its map plugins to ``sys.meta_path``, which then
# warns on every import anywhere (ImportWarning); we draw no maps, so it goes
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d2630",
    foreground_strong="#1d2630",
    foreground_subtle="#6b7785",
    colors=("#1f5f8b",),
    font_family="sans-serif",
    label_font_size=13,
    value_font_size=13,
    # a style setting in pygal: as a chart option it is ignored and the text fills the chart
    no_data_font_size=16,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def chart(table: Table) -> str:
    """The table as a horizontal bar chart, a ``data:image/svg+xml`` URI."""
    bars = pygal.HorizontalBar(
        js=[], disable_xml_declaration=True, show_legend=False, style=_STYLE,
        width=640, height=60 + 34 * len(table.rows), print_values=True,
        margin=8, truncate_label=-1, show_y_guides=False,
        no_data_text=_("alles onderdrukt"),
    )  # fmt: skip
    if all(row.count is None for row in table.rows):  # no scale to read: 0 to 1 means nothing
        bars.config.show_x_labels = bars.config.show_x_guides = False
    suppressed = _("onderdrukt")
    rows = list(reversed(table.rows))
    bars.x_labels = [
        row.label if row.count is not None else f"{row.label} ({suppressed})" for row in rows
    ]
    bars.add(table.title, [row.count for row in rows])
    svg = _SCRIPT.sub("", bars.render(is_unicode=True))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
