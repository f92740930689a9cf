"""Start page, language switch, health check."""

from __future__ import annotations

from flask import redirect, request, session, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from zorgtafel.auth.access import current_user, safe_next
from zorgtafel.auth.forms import ConfirmForm
from zorgtafel.auth.models import Role
from zorgtafel.convenant.operations import NoConvenant, convenant_in_force
from zorgtafel.core.db import db
from zorgtafel.core.i18n import LOCALES
from zorgtafel.core.pipeline import render_page
from zorgtafel.privacy.gate import today as gate_today
from zorgtafel.pseudonymise import pseudonymiser_status


def index() -> Response | str:
    user = current_user()
    if user is not None and user.role is Role.policy:
        # the policy officer sees figures only: the start page is theirs
        return redirect(url_for("figures.index"))
    status = chair = partner = None
    convenant = None
    if user is not None and user.role is Role.privacy:
        from zorgtafel.oversight.status import workspace_status

        status = workspace_status()
    elif user is not None and user.role in (Role.chair, Role.partner):
        try:
            convenant = convenant_in_force()
        except NoConvenant:  # nothing can be disclosed yet: the cards only
            convenant = None
        if convenant is not None:
            chair = gate_today.chair_today(user, convenant)
            partner = gate_today.partner_today(user, convenant)
    return render_page(
        "home/index.html",
        user=user,
        oversight=status,
        chair=chair,
        partner=partner,
        convenant=convenant,
    )


def language() -> Response:
    if ConfirmForm().validate_on_submit() and request.form.get("locale") in LOCALES:
        session["locale"] = request.form["locale"]
    return redirect(safe_next(request.form.get("next")))


def health() -> tuple[dict[str, object], int]:
    """For the load balancer and whoever runs the host: does the database answer, and is the
    pseudonymiser ready, starting (± seconds) or down. Public: no data, no version details,
    no paths; 503 only when the database does not answer (pages work without the
    pseudonymiser, contributions wait for it)."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    service = pseudonymiser_status()
    body: dict[str, object] = {
        "status": "ok" if database == "ok" else "unavailable",
        "database": database,
        "pseudonymiser": service.state,
    }
    if service.state == "starting":
        body["pseudonymiser_ready_in_seconds"] = service.remaining_seconds
    return body, 200 if database == "ok" else 503
