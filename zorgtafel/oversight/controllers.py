"""The privacy officer's pages: load, ask the gate's oversight surface (which logs the read),
respond. The log holds codes only; :mod:`.lines` puts them in words."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from zorgtafel.audit.vocabulary import AuditAction, ObjectType
from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case
from zorgtafel.convenant import operations as convenant_operations
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import today, utcnow
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import render_page
from zorgtafel.meetings.export import render_pdf
from zorgtafel.oversight import operations, register
from zorgtafel.oversight.csvfile import to_csv
from zorgtafel.oversight.forms import (
    CaseCodeForm,
    LogFilterForm,
    PeriodForm,
    ReviewForm,
    RunForm,
    TriageForm,
)
from zorgtafel.oversight.lines import (
    DISCLOSURE_COLUMNS,
    LOG_COLUMNS,
    fields,
    headings,
    lines,
    signal_lines,
)
from zorgtafel.oversight.models import LogReview, Signal, SignalStatus
from zorgtafel.oversight.status import workspace_status
from zorgtafel.privacy.gate import oversight


def log() -> str | tuple[str, int]:
    convenant = convenant_in_force()
    form = LogFilterForm(convenant, request.args)
    if not form.validate():
        return render_template("oversight/log.html", form=form, page=None, lines=()), 400
    page = oversight.audit_page(_user(), convenant, form.log_filter(), after=form.after())
    return render_page(
        "oversight/log.html",
        form=form,
        page=page,
        lines=lines(page.items, convenant),
        columns=LOG_COLUMNS,
    )


def log_csv() -> Response | tuple[str, int]:
    convenant = convenant_in_force()
    form = LogFilterForm(convenant, request.args)
    if not form.validate():
        return render_template("oversight/log.html", form=form, page=None, lines=()), 400
    events = oversight.audit_export(_user(), convenant, form.log_filter())
    rows = (line.row(fields(LOG_COLUMNS)) for line in lines(events, convenant))
    return _csv(to_csv(headings(LOG_COLUMNS), rows), f"auditlog-{today().isoformat()}.csv")


def find_case() -> Response | str | tuple[str, int]:
    form = CaseCodeForm(request.args)
    if "code" not in request.args:
        return render_template("oversight/find_case.html", form=form)
    if not form.validate():
        return render_template("oversight/find_case.html", form=form), 400
    return redirect(url_for("oversight.disclosures", code=form.code.data))


def disclosures(code: str) -> str:
    case, convenant = _case(code), convenant_in_force()
    events = oversight.case_disclosures(_user(), case, convenant)
    return render_page(
        "oversight/disclosures.html",
        case=case,
        lines=lines(events, convenant),
        columns=DISCLOSURE_COLUMNS,
    )


def disclosures_csv(code: str) -> Response:
    case, convenant = _case(code), convenant_in_force()
    events = oversight.case_disclosures(_user(), case, convenant, action=AuditAction.export)
    rows = (line.row(fields(DISCLOSURE_COLUMNS)) for line in lines(events, convenant))
    return _csv(to_csv(headings(DISCLOSURE_COLUMNS), rows), f"verstrekkingen-{case.code}.csv")


def disclosures_pdf(code: str) -> Response:
    case, convenant = _case(code), convenant_in_force()
    events = oversight.case_disclosures(_user(), case, convenant, action=AuditAction.export)
    html = render_page(  # the PDF is made after its export event is committed
        "oversight/disclosures_pdf.html",
        case=case,
        lines=lines(events, convenant),
        columns=DISCLOSURE_COLUMNS,
        user=_user(),
        now=utcnow(),
    )
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="verstrekkingen-{case.code}.pdf"'},
    )


def matrix() -> str | tuple[str, int]:
    form = PeriodForm(request.args)
    if not request.args:
        form.van.data, form.tot.data = date(today().year, 1, 1), today()
    if not form.validate() or not (form.van.data and form.tot.data):
        return render_template("oversight/matrix.html", form=form, matrix=None), 400
    convenant = convenant_in_force()
    start, end = form.bounds()
    found = oversight.release_matrix(_user(), convenant, start, end, _versions())  # type: ignore[arg-type]
    return render_page("oversight/matrix.html", form=form, matrix=found)


def signals() -> str:
    convenant = convenant_in_force()
    found = oversight.anomaly_signals(_user(), convenant)
    return render_page(
        "oversight/signals.html",
        signals=signal_lines(found, convenant),
        run_form=RunForm(),
        forms={signal.id: _triage_form(signal) for signal in found},
    )


def run_anomalies() -> Response:
    if not RunForm().validate_on_submit():
        abort(400)
    found = operations.run_rules()
    flash(_("%(n)s signalen nieuw of bijgewerkt.", n=len(found)), "info")
    return redirect(url_for("oversight.signals"))


def triage(signal_id: int) -> Response | tuple[str, int]:
    signal = db.session.get(Signal, signal_id)
    if signal is None:
        abort(404)
    form = TriageForm(prefix=f"signaal-{signal.id}")
    if not form.validate_on_submit():
        flash(_("Signaal niet bijgewerkt: %(errors)s", errors=_errors(form)), "error")
        return redirect(url_for("oversight.signals"), 303)
    operations.triage(_user(), signal, SignalStatus(form.status.data), form.note.data or "")
    flash(_("Signaal %(id)s bijgewerkt.", id=signal.id), "info")
    return redirect(url_for("oversight.signals") + f"#signaal-{signal.id}")


def _triage_form(signal: Signal) -> TriageForm:
    return TriageForm(
        prefix=f"signaal-{signal.id}",
        formdata=None,
        data={"status": signal.status, "note": signal.note or ""},
    )


def _errors(form: TriageForm) -> str:
    return "; ".join(
        f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


def reviews() -> Response | str | tuple[str, int]:
    form = ReviewForm()
    if form.validate_on_submit():
        operations.record_review(
            _user(), form.van.data, form.tot.data, form.sample.data, form.findings.data
        )
        flash(_("Beoordeling vastgelegd."), "info")
        return redirect(url_for("oversight.reviews"))
    done = db.session.scalars(select(LogReview).order_by(LogReview.period_end.desc()).limit(24))
    page = render_template(
        "oversight/reviews.html", form=form, reviews=list(done), status=workspace_status()
    )
    return (page, 400) if form.is_submitted() else page


def processing_register() -> str:
    stored = _version(request.args.get("versie", type=int))
    convenant = convenant_operations.convenant_of(stored)
    oversight.record_report(_user(), convenant, AuditAction.read, ObjectType.processing_register)
    return render_page(
        "oversight/register.html",
        convenant=convenant,
        stored=stored,
        versions=convenant_operations.versions(),
        lines=register.register(convenant),
    )


def processing_register_csv() -> Response:
    stored = _version(request.args.get("versie", type=int))
    convenant = convenant_operations.convenant_of(stored)
    oversight.record_report(_user(), convenant, AuditAction.export, ObjectType.processing_register)
    rows = ((line.heading, line.item, line.detail) for line in register.register(convenant))
    document = to_csv([_("Onderdeel"), _("Omschrijving"), _("Toelichting")], rows)
    return _csv(document, f"verwerkingsregister-{convenant.version}.csv")


def processing_register_pdf() -> Response:
    stored = _version(request.args.get("versie", type=int))
    convenant = convenant_operations.convenant_of(stored)
    oversight.record_report(_user(), convenant, AuditAction.export, ObjectType.processing_register)
    name = f"verwerkingsregister-{convenant.version}.pdf"
    html = render_page(
        "oversight/register_pdf.html",
        convenant=convenant,
        lines=register.register(convenant),
        now=utcnow(),
    )
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def processing_register_diff() -> str:
    stored = convenant_operations.versions()
    if len(stored) < 2:
        abort(404)
    old = _version(request.args.get("oud", type=int), default=stored[-2])
    new = _version(request.args.get("nieuw", type=int), default=stored[-1])
    old_convenant, new_convenant = (convenant_operations.convenant_of(v) for v in (old, new))
    oversight.record_report(
        _user(), new_convenant, AuditAction.read, ObjectType.processing_register
    )
    added, removed = register.difference(
        register.register(old_convenant), register.register(new_convenant)
    )
    return render_page(
        "oversight/register_diff.html",
        versions=stored, old=old, new=new, added=added, removed=removed,
    )  # fmt: skip


def _version(version_id: int | None, default: ConvenantVersion | None = None) -> ConvenantVersion:
    """A stored convenant version by id (404 if unknown), else ``default``, else today's."""
    if version_id is not None:
        stored = db.session.get(ConvenantVersion, version_id)
        if stored is None:
            abort(404)
        return stored
    found = default or convenant_operations.version_in_force()
    if found is None:
        abort(404)
    return found


def _versions() -> dict[tuple[str, str], Convenant]:
    return {
        (stored.convenant_id, stored.version): convenant_operations.convenant_of(stored)
        for stored in convenant_operations.versions()
    }


def _csv(document: str, filename: str) -> Response:
    return Response(
        document,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _case(code: str) -> Case:
    """The case with this code, or 404."""
    case = db.session.scalar(select(Case).where(Case.code == code))
    if case is None:
        abort(404)
    return case


def _user() -> User:
    user = current_user()
    if user is None:  # the blueprint lets only the privacy officer in
        abort(404)
    return user
