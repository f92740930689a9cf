"""URL table of the auth domain."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth import controllers
from zorgtafel.auth.access import login_required, roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core import navigation
from zorgtafel.core.limiter import account_key, limiter, per_account, per_ip


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == controllers.FAILED


def _throttled(view):  # type: ignore[no-untyped-def]
    view = limiter.limit(per_account, key_func=account_key, methods=["POST"], deduct_when=_failed)(
        view
    )
    return limiter.limit(per_ip, methods=["POST"], deduct_when=_failed)(view)


bp = Blueprint("auth", __name__)
bp.add_url_rule("/inloggen", view_func=_throttled(controllers.login), methods=["GET", "POST"])
bp.add_url_rule("/inloggen/code", view_func=_throttled(controllers.code), methods=["GET", "POST"])
bp.add_url_rule(
    "/inloggen/koppelen", view_func=_throttled(controllers.enrol), methods=["GET", "POST"]
)
bp.add_url_rule("/uitloggen", view_func=controllers.logout, methods=["POST"])
bp.add_url_rule(
    "/account/wachtwoord",
    view_func=login_required(controllers.password),
    methods=["GET", "POST"],
)
bp.add_url_rule("/beheer/gebruikers", view_func=roles_required(Role.admin)(controllers.users))
bp.add_url_rule(
    "/beheer/gebruikers/<int:user_id>/blokkeren",
    view_func=roles_required(Role.admin)(controllers.disable),
    methods=["POST"],
)

navigation.register(
    "auth.users", _l("Gebruikers"), _l("Accounts, rollen en tweestapsverificatie."), Role.admin
)
