"""URL table of retention: the chair and the privacy officer; notices for receiving partners."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core.navigation import entry
from zorgtafel.retention import controllers

bp = Blueprint("retention", __name__, url_prefix="/bewaartermijnen")
both = roles_required(Role.chair, Role.privacy)
chair = roles_required(Role.chair)
privacy = roles_required(Role.privacy)
receivers = roles_required(Role.chair, Role.partner)

bp.add_url_rule("", "index", both(controllers.index))
bp.add_url_rule("/voorstellen", "propose", chair(controllers.propose), methods=["POST"])
bp.add_url_rule(
    "/voorstellen/<int:proposal_id>/goedkeuren",
    "approve",
    privacy(controllers.approve),
    methods=["POST"],
)
bp.add_url_rule(
    "/voorstellen/<int:proposal_id>/intrekken",
    "withdraw",
    both(controllers.withdraw),
    methods=["POST"],
)
bp.add_url_rule("/bewaarplicht", "set_hold", both(controllers.set_hold), methods=["POST"])
bp.add_url_rule(
    "/bewaarplicht/<int:hold_id>/opheffen",
    "lift_hold",
    both(controllers.lift_hold),
    methods=["POST"],
)
bp.add_url_rule("/meldingen", "notices", receivers(controllers.notices))
bp.add_url_rule(
    "/meldingen/<int:notice_id>/bevestigen",
    "confirm_notice",
    receivers(controllers.confirm_notice),
    methods=["POST"],
)

MENU = (
    entry(
        "retention.index",
        _l("Bewaartermijnen"),
        _l("Wat over de bewaartermijn is, bewaarplichten, voorstellen en goedkeuring."),
        Role.chair,
        Role.privacy,
        bar=(),
    ),
    entry(
        "retention.notices",
        _l("Verwijderingsberichten"),
        _l("Casussen die hier zijn verwijderd: verwijder ook uw eigen kopieën."),
        Role.chair,
        Role.partner,
        bar=(),
    ),
)
