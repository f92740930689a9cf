"""URL table of the convenant domain."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.convenant import controllers
from zorgtafel.core.navigation import entry

bp = Blueprint("convenant", __name__, url_prefix="/convenant")
privacy = roles_required(Role.privacy)
#: everyone but the policy officer, who sees figures only
READERS = tuple(role for role in Role if role is not Role.policy)
readers = roles_required(*READERS)

bp.add_url_rule("", "in_force", readers(controllers.in_force))
bp.add_url_rule("/versies", "versions", readers(controllers.versions))
bp.add_url_rule("/versies/<int:version_id>", "version", readers(controllers.version))
bp.add_url_rule("/verschil", "compare", privacy(controllers.compare))

MENU = (
    entry(
        "convenant.in_force",
        _l("Convenant"),
        _l("Wie welke gegevens mag leveren en ontvangen, met de artikelen."),
        *READERS,
    ),
    entry(
        "convenant.compare",
        _l("Convenantversies vergelijken"),
        _l("Welke rechten per partner zijn erbij gekomen of vervallen."),
        Role.privacy,
        bar=(),
    ),
)
