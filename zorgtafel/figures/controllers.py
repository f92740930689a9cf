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
    view = releases.release(user, convenant_in_force(), form.year())
    return render_page("figures/index.html", figures=view, form=form, chart=chart)


def export_csv() -> Response:
    """The year's tables as CSV: a release of its own (the request's commit, events included,
    comes before the answer leaves)."""
    form = YearForm(request.args)
    if not form.validate():
        abort(400)
    user = current_user()
    assert user is not None  # noqa: S101 - behind roles_required
    view = releases.release(user, convenant_in_force(), form.year(), medium="csv")
    return Response(
        to_csv(view),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="cijfers-{view.year}.csv"'},
    )


def export_pdf() -> Response:
    """The year's report as PDF, with the charts: a release of its own."""
    form = YearForm(request.args)
    if not form.validate():
        abort(400)
    user = current_user()
    assert user is not None  # noqa: S101 - behind roles_required
    view = releases.release(user, convenant_in_force(), form.year(), medium="pdf")
    return Response(
        to_pdf(view),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="cijfers-{view.year}.pdf"'},
    )
