"""The access request's pages (AVG art. 15): load, ask the gate's access-request surface
(which logs the search and every read of the report), respond. The search is a POST: a BSN
or a name never sits in a URL."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from zorgtafel.audit.vocabulary import AuditAction
from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import render_page
from zorgtafel.meetings.export import render_pdf
from zorgtafel.oversight import access
from zorgtafel.oversight.access_forms import AccessSearchForm, ExtendForm, RefusalForm
from zorgtafel.oversight.access_requests import AccessRequest, RefusalGround
from zorgtafel.privacy.gate import access_report as gate
from zorgtafel.privacy.lookup import lookups_for


def search() -> Response | str | tuple[str, int]:
    form = AccessSearchForm()
    if not form.is_submitted():
        return render_template("oversight/access_search.html", form=form)
    if not form.validate():
        return render_template("oversight/access_search.html", form=form), 400
    names = (form.first_name.data,) if form.first_name.data else ()
    lookups = lookups_for(form.bsn.data, names, form.surname.data or "", form.birth_date.data)
    found = gate.find_subject(_user(), lookups, convenant_in_force())
    request = access.open_request(_user(), found, form.received_on.data)
    if not found:
        flash(_("Geen casus gevonden voor deze gegevens; het verzoek is vastgelegd."), "info")
    return redirect(url_for("oversight.access_request", request_id=request.id), 303)


def show(request_id: int) -> str:
    request, convenant = _request(request_id), convenant_in_force()
    report = gate.access_report(_user(), request, convenant)
    return render_page(
        "oversight/access_report.html",
        report=report,
        refusal_form=_refusal_form(request, convenant),
        extend_form=ExtendForm(),
    )


def pdf(request_id: int) -> Response:
    request, convenant = _request(request_id), convenant_in_force()
    report = gate.access_report(_user(), request, convenant, action=AuditAction.export)
    with force_locale("nl"):  # for the person, in Dutch, whatever the officer's language
        html = render_page(  # the PDF is made after its export event is committed
            "oversight/access_report_pdf.html", report=report, user=_user(), now=utcnow()
        )
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="inzage-{request.id}.pdf"'},
    )


def extend(request_id: int) -> Response:
    request = _request(request_id)
    if not ExtendForm().validate_on_submit():
        abort(400)
    access.extend(request)
    flash(_("De termijn is met twee maanden verlengd; laat de betrokkene weten waarom."), "info")
    return redirect(url_for("oversight.access_request", request_id=request.id), 303)


def refuse(request_id: int) -> Response:
    request, convenant = _request(request_id), convenant_in_force()
    form = _refusal_form(request, convenant)
    if not form.validate_on_submit():
        flash(_("Weigering niet vastgelegd: vul elk veld in."), "error")
        return redirect(url_for("oversight.access_request", request_id=request.id), 303)
    case = db.session.scalar(select(Case).where(Case.code == form.case.data))
    if case is None:  # the choices hold the request's own cases only
        abort(400)
    access.refuse_part(
        _user(), request, case, form.partner.data, form.category.data,
        RefusalGround(form.ground.data), form.explanation.data,
    )  # fmt: skip
    flash(_("Gedeeltelijke weigering vastgelegd."), "info")
    return redirect(url_for("oversight.access_request", request_id=request.id), 303)


def _refusal_form(request: AccessRequest, convenant) -> RefusalForm:  # type: ignore[no-untyped-def]
    codes = list(
        db.session.scalars(
            select(Case.code).where(Case.id.in_([link.case_id for link in request.cases]))
        )
    )
    return RefusalForm(convenant, sorted(codes))


def _request(request_id: int) -> AccessRequest:
    """The access request with this number, or 404."""
    request = db.session.get(AccessRequest, request_id)
    if request is None:
        abort(404)
    return request


def _user() -> User:
    user = current_user()
    if user is None:  # the blueprint lets only the privacy officer in
        abort(404)
    return user
