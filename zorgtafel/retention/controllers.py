"""Retention's pages: load, check, call an operation, respond."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import AMSTERDAM
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import render_page
from zorgtafel.retention import operations
from zorgtafel.retention.due import due_list
from zorgtafel.retention.forms import HoldForm, ProposeForm, StepForm
from zorgtafel.retention.models import ErasureNotice, ErasureProposal, Hold, HoldKind, Kind, Scope


def _user() -> User:
    user = current_user()
    assert user is not None  # noqa: S101 - behind roles_required
    return user


def _get(model: type, object_id: int):  # type: ignore[no-untyped-def]
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _case(code: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.code == code))
    if case is None:
        abort(404)
    return case


def _back(message: str, category: str = "info") -> Response:
    flash(message, category)
    return redirect(url_for("retention.index"), 303)


def index() -> str:
    user = _user()
    listing = due_list(user, convenant_in_force())
    overdue = operations.overdue_notices() if user.role is Role.privacy else []
    return render_page(
        "retention/index.html",
        listing=listing,
        kinds=list(Kind),
        erasures=operations.erasures(),
        overdue=overdue,
        hold_form=HoldForm(formdata=None),
        step=StepForm(),
        holds=_holds(),
    )


def _holds() -> list[tuple[Hold, str]]:
    rows = db.session.execute(
        select(Hold, Case.code).join(Case, Case.id == Hold.case_id).order_by(Hold.id.desc())
    )
    return [(hold, code) for hold, code in rows]


def propose() -> Response:
    form = ProposeForm()
    if not form.validate_on_submit():
        abort(400)
    case = _case(form.case_code.data)
    scope = Scope.case if form.target.data == "case" else Scope.minutes
    try:
        proposal = operations.propose(_user(), case, scope, form.agenda_item_id())
    except operations.RetentionError as exc:
        return _back(_("Niet voorgesteld: %(why)s", why=str(exc)), "error")
    return _back(_("Verwijdering voorgesteld (%(code)s).", code=proposal.code))


def approve(proposal_id: int) -> Response:
    proposal = _get(ErasureProposal, proposal_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        erasure = operations.approve(_user(), proposal)
    except operations.RetentionError as exc:
        return _back(_("Niet goedgekeurd: %(why)s", why=str(exc)), "error")
    return _back(
        _("Verwijderd: %(code)s. Het ondertekende bewijs staat in het log.", code=erasure.case_code)
    )


def withdraw(proposal_id: int) -> Response:
    proposal = _get(ErasureProposal, proposal_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        operations.withdraw(_user(), proposal)
    except operations.RetentionError as exc:
        return _back(_("Niet ingetrokken: %(why)s", why=str(exc)), "error")
    return _back(_("Voorstel ingetrokken."))


def set_hold() -> Response:
    form = HoldForm()
    if not form.validate_on_submit():
        errors = "; ".join(str(e) for field in form for e in field.errors)
        return _back(_("Geen bewaarplicht ingesteld: %(errors)s", errors=errors), "error")
    case = _case(form.case_code.data)
    ends_at = datetime.combine(form.ends(), time(), AMSTERDAM).astimezone(UTC)
    try:
        operations.set_hold(_user(), case, HoldKind(form.kind.data), form.reason.data, ends_at)
    except operations.RetentionError as exc:
        return _back(_("Geen bewaarplicht ingesteld: %(why)s", why=str(exc)), "error")
    return _back(_("Bewaarplicht ingesteld op %(code)s.", code=case.code))


def lift_hold(hold_id: int) -> Response:
    hold = _get(Hold, hold_id)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        operations.lift_hold(_user(), hold)
    except operations.RetentionError as exc:
        return _back(_("Niet opgeheven: %(why)s", why=str(exc)), "error")
    return _back(_("Bewaarplicht opgeheven."))


def notices() -> str:
    return render_page(
        "retention/notices.html", notices=operations.notices_for(_user()), step=StepForm()
    )


def confirm_notice(notice_id: int) -> Response:
    notice = _get(ErasureNotice, notice_id)
    user = _user()
    if notice.partner_code != user.organisation.code:
        abort(404)
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        operations.confirm_notice(user, notice)
    except operations.RetentionError as exc:
        flash(_("Niet bevestigd: %(why)s", why=str(exc)), "error")
    else:
        flash(_("Bevestigd: uw organisatie heeft haar kopieën verwijderd."), "info")
    return redirect(url_for("retention.notices"), 303)
