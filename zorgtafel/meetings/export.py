"""HTML to PDF with WeasyPrint, offline: the document may load nothing from anywhere."""

from __future__ import annotations

from typing import Any, NoReturn


def _offline_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        """An agenda needs no images, fonts or style sheets from elsewhere: fetch nothing."""

        def fetch(self, url: str, headers: object = None) -> NoReturn:
            raise ValueError("exports load no external resources")

    return OfflineFetcher()


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` (fonts from the system, nothing fetched)."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    return HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf()
