"""URL table of the figures: the policy officer's, the chair's and the privacy officer's."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core.navigation import entry
from zorgtafel.figures import controllers

READERS = (Role.policy, Role.chair, Role.privacy)

bp = Blueprint("figures", __name__, url_prefix="/cijfers")
readers = roles_required(*READERS)

bp.add_url_rule("", "index", readers(controllers.index))
bp.add_url_rule("/csv", "export_csv", readers(controllers.export_csv))
bp.add_url_rule("/pdf", "export_pdf", readers(controllers.export_pdf))

MENU = (
    entry(
        "figures.index",
        _l("Lokale cijfers"),
        _l("Aard en omvang, met kleine aantallen onderdrukt; geen casus, geen code."),
        *READERS,
        bar=(Role.policy,),
    ),
)
