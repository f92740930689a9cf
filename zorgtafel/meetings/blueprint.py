"""URL table of the meetings domain. Ids in URLs are row numbers, never case codes or names."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import fresh_login_required, roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core.navigation import entry
from zorgtafel.meetings import controllers

bp = Blueprint("meetings", __name__, url_prefix="/vergaderingen")
chair = roles_required(Role.chair)
table = roles_required(Role.chair, Role.partner)
partner = roles_required(Role.partner)
FORM, POST = ["GET", "POST"], ["POST"]
MEETING = "/<int:meeting_id>"
ITEM = MEETING + "/punten/<int:item_id>"

bp.add_url_rule("", "index", table(controllers.index))
bp.add_url_rule("/nieuw", "create", chair(controllers.create), methods=FORM)
bp.add_url_rule(MEETING, "agenda", table(controllers.agenda))
bp.add_url_rule(MEETING + "/punten", "add_item", chair(controllers.add_item), methods=POST)
bp.add_url_rule(ITEM, "update_item", chair(controllers.update_item), methods=POST)
bp.add_url_rule(ITEM + "/verplaatsen", "move_item", chair(controllers.move_item), methods=POST)
bp.add_url_rule(ITEM + "/verwijderen", "remove_item", chair(controllers.remove_item), methods=POST)
bp.add_url_rule(ITEM + "/inbreng", "contribute", partner(controllers.contribute), methods=FORM)
bp.add_url_rule(MEETING + "/publiceren", "publish", chair(controllers.publish), methods=POST)
bp.add_url_rule(
    MEETING + "/aanwezigheid", "attendance", chair(controllers.attendance), methods=POST
)
bp.add_url_rule(MEETING + "/geheimhouding", "pledge", table(controllers.pledge), methods=POST)
bp.add_url_rule(MEETING + "/vergadermodus", "live", table(controllers.live))
bp.add_url_rule(MEETING + "/vergadermodus/stand", "live_state", table(controllers.live_state))
bp.add_url_rule(MEETING + "/vergadermodus/stap", "step", chair(controllers.step), methods=POST)
bp.add_url_rule(MEETING + "/agenda.pdf", "export", table(fresh_login_required(controllers.export)))

MENU = (
    entry(
        "meetings.index",
        _l("Vergaderingen"),
        _l("Agenda's van de zorgtafel, voorbereiding en vergadermodus."),
        Role.chair,
        Role.partner,
    ),
)
