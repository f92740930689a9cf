"""Start page, language switch, health check."""

from __future__ import annotations

from flask import redirect, render_template, request, session
from sqlalchemy import text
from werkzeug.wrappers import Response

from zorgtafel.auth.access import current_user, safe_next
from zorgtafel.auth.forms import ConfirmForm
from zorgtafel.core.db import db
from zorgtafel.core.i18n import LOCALES


def index() -> str:
    return render_template("home/index.html", user=current_user())


def language() -> Response:
    if ConfirmForm().validate_on_submit() and request.form.get("locale") in LOCALES:
        session["locale"] = request.form["locale"]
    return redirect(safe_next(request.form.get("next")))


def health() -> tuple[dict[str, str], int]:
    """For the load balancer: the database answers. No data, no version details."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
