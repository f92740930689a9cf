"""The figures page: load the year, release the figures, respond."""

from __future__ import annotations

from flask import Response, abort, request

from zorgtafel.auth.access import current_user
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.pipeline import render_page
from zorgtafel.figures import releases
from zorgtafel.figures.charts import chart
from zorgtafel.figures.export import to_csv, to_pdf
from zorgtafel.figures.forms import YearForm


def index() -> str:
    form = YearForm(request.args)
    if not form.validate():
        abort(400)
    user = current_user()
    assert user is not None  # noqa: S101 - behind roles_required
    view = releases.release(
        user, convenant_in_force(), form.year(), municipality=form.municipality()
    )
    return render_page("figures/index.html", figures=view, form=form, chart=chart)


def _filename(view: releases.FiguresView) -> str:
    """``cijfers-2026`` or ``cijfers-2026-GM9001`` (a code, never a name)."""
    if view.municipality is None:
        return f"cijfers-{view.year}"
    return f"cijfers-{view.year}-{view.municipality}"


def export_csv() -> Response:
    """The year's tables (the region's or one municipality's) as CSV: a release of its own
    (the request's commit, events included, comes before the answer leaves)."""
    form = YearForm(request.args)
    if not form.validate():
        abort(400)
    user = current_user()
    assert user is not None  # noqa: S101 - behind roles_required
    view = releases.release(
        user, convenant_in_force(), form.year(), medium="csv", municipality=form.municipality()
    )
    return Response(
        to_csv(view),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(view)}.csv"'},
    )


def export_pdf() -> Response:
    """The year's report (the region's or one municipality's) as PDF, with the charts: a
    release of its own."""
    form = YearForm(request.args)
    if not form.validate():
        abort(400)
    user = current_user()
    assert user is not None  # noqa: S101 - behind roles_required
    view = releases.release(
        user, convenant_in_force(), form.year(), medium="pdf", municipality=form.municipality()
    )
    return Response(
        to_pdf(view),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_filename(view)}.pdf"'},
    )
