"""HTML to PDF with WeasyPrint, offline: the document may load nothing from anywhere."""

from __future__ import annotations

from typing import NoReturn


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    # an agenda needs no images, fonts or style sheets from elsewhere; never leak a request
    raise ValueError("external resources are not loaded in exports")


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` (fonts from the system, nothing fetched)."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
