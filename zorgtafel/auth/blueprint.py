"""URL table of the auth domain."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth import controllers
from zorgtafel.auth.access import login_required, roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core.limiter import (
    account_key,
    current_account_key,
    limiter,
    pending_account_key,
    per_account,
    per_ip,
)
from zorgtafel.core.navigation import entry


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == controllers.FAILED


def _throttled(view, key=account_key):  # type: ignore[no-untyped-def]
    view = limiter.limit(per_account, key_func=key, methods=["POST"], deduct_when=_failed)(view)
    return limiter.limit(per_ip, methods=["POST"], deduct_when=_failed)(view)


bp = Blueprint("auth", __name__)
admin = roles_required(Role.admin)
FORM, POST = ["GET", "POST"], ["POST"]

bp.add_url_rule("/inloggen", "login", _throttled(controllers.login), methods=FORM)
# where people and tools look first
bp.add_url_rule("/login", "login_en", controllers.login_elsewhere)
# the second step counts against the account the password step accepted, never a form field
second_step = pending_account_key
bp.add_url_rule("/inloggen/code", "code", _throttled(controllers.code, second_step), methods=FORM)
bp.add_url_rule(
    "/inloggen/koppelen", "enrol", _throttled(controllers.enrol, second_step), methods=FORM
)
bp.add_url_rule(
    "/inloggen/bevestigen",
    "confirm",
    login_required(_throttled(controllers.confirm, current_account_key)),
    methods=FORM,
)
bp.add_url_rule("/uitloggen", "logout", controllers.logout, methods=POST)
bp.add_url_rule(
    "/account/wachtwoord", "password", login_required(controllers.password), methods=FORM
)
bp.add_url_rule("/beheer/gebruikers", "users", admin(controllers.users))
bp.add_url_rule(
    "/beheer/gebruikers/<int:user_id>/blokkeren",
    "disable",
    admin(controllers.disable),
    methods=POST,
)

MENU = (
    entry(
        "auth.users", _l("Gebruikers"), _l("Accounts, rollen en tweestapsverificatie."), Role.admin
    ),
)
