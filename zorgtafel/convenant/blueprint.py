"""URL table of the convenant domain."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import login_required, roles_required
from zorgtafel.auth.models import Role
from zorgtafel.convenant import controllers
from zorgtafel.core import navigation

bp = Blueprint("convenant", __name__, url_prefix="/convenant")
bp.add_url_rule("", view_func=login_required(controllers.in_force), endpoint="in_force")
bp.add_url_rule("/versies", view_func=login_required(controllers.versions), endpoint="versions")
bp.add_url_rule(
    "/versies/<int:version_id>", view_func=login_required(controllers.version), endpoint="version"
)
bp.add_url_rule(
    "/verschil", view_func=roles_required(Role.privacy)(controllers.compare), endpoint="compare"
)

navigation.register(
    "convenant.in_force",
    _l("Convenant"),
    _l("Wie welke gegevens mag leveren en ontvangen, met de artikelen."),
    *Role,
)
navigation.register(
    "convenant.compare",
    _l("Convenantversies vergelijken"),
    _l("Welke rechten per partner zijn erbij gekomen of vervallen."),
    Role.privacy,
)
