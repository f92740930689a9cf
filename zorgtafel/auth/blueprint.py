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
bp.add_url_rule("/beheer/gebruikers/nieuw", "new_user", admin(controllers.new_user), methods=FORM)
for path, name in (
    ("blokkeren", "disable"),
    ("deblokkeren", "enable"),
    ("tweestaps-herstellen", "reset_second_factor"),
    ("wachtwoord-herstellen", "reset_password"),
):
    bp.add_url_rule(
        f"/beheer/gebruikers/<int:user_id>/{path}",
        name,
        admin(getattr(controllers, name)),
        methods=POST,
    )
# the one-time link an administrator hands out; throttled like the login (it takes a secret)
bp.add_url_rule(
    "/wachtwoord-instellen", "set_password", _throttled(controllers.set_password), methods=FORM
)

MENU = (
    entry(
        "auth.users", _l("Gebruikers"), _l("Accounts, rollen en tweestapsverificatie."), Role.admin
    ),
)
