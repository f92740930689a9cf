"""URL table of the minutes domain. Ids in URLs are row numbers, never case codes or names."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core.navigation import entry
from zorgtafel.minutes import controllers

bp = Blueprint("minutes", __name__, url_prefix="/notulen")
chair = roles_required(Role.chair)
table = roles_required(Role.chair, Role.partner)
partner = roles_required(Role.partner)
FORM, POST = ["GET", "POST"], ["POST"]
ITEM = "/punten/<int:item_id>"

bp.add_url_rule(ITEM, "show", table(controllers.show))
bp.add_url_rule(ITEM + "/bewerken", "edit", chair(controllers.edit), methods=FORM)
bp.add_url_rule(ITEM + "/rectificatie", "rectify", chair(controllers.rectify), methods=FORM)
bp.add_url_rule(ITEM + "/vaststellen", "finalise", chair(controllers.finalise), methods=POST)
bp.add_url_rule(ITEM + "/besluiten", "add_decision", chair(controllers.add_decision), methods=POST)
bp.add_url_rule(ITEM + "/acties", "add_action", chair(controllers.add_action), methods=POST)
bp.add_url_rule(
    ITEM + "/acties/<int:action_id>/bespreking",
    "review_action",
    chair(controllers.review_action),
    methods=POST,
)
bp.add_url_rule("/mijn-acties", "my_actions", partner(controllers.my_actions))
bp.add_url_rule("/acties", "overview", chair(controllers.overview))
bp.add_url_rule("/vergaderingen/<int:meeting_id>", "excerpt", table(controllers.excerpt))
bp.add_url_rule(
    "/vergaderingen/<int:meeting_id>/uittreksel.pdf", "excerpt_pdf", table(controllers.excerpt_pdf)
)
bp.add_url_rule(
    "/mijn-acties/<int:action_id>",
    "update_action",
    partner(controllers.update_action),
    methods=POST,
)

#: minutes are reached from the meetings and meeting mode; a partner's actions from the menu
MENU = (
    entry(
        "minutes.my_actions",
        _l("Mijn acties"),
        _l("De actiepunten van uw organisatie: open, binnenkort, te laat."),
        Role.partner,
    ),
    entry(
        "minutes.overview",
        _l("Actiepunten"),
        _l("Per organisatie: open, te laat, en hoeveel gedaan, niet mogelijk, niet gedaan."),
        Role.chair,
    ),
)
