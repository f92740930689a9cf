"""URL table of the minutes domain. Ids in URLs are row numbers, never case codes or names."""

from __future__ import annotations

from flask import Blueprint

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.minutes import controllers

bp = Blueprint("minutes", __name__, url_prefix="/notulen")
chair = roles_required(Role.chair)
table = roles_required(Role.chair, Role.partner)
FORM, POST = ["GET", "POST"], ["POST"]
ITEM = "/punten/<int:item_id>"

bp.add_url_rule(ITEM, "show", table(controllers.show))
bp.add_url_rule(ITEM + "/bewerken", "edit", chair(controllers.edit), methods=FORM)
bp.add_url_rule(ITEM + "/vaststellen", "finalise", chair(controllers.finalise), methods=POST)

#: minutes are reached from the meetings and meeting mode, not from the menu
MENU = ()
