"""URL table of the meetings domain. Ids in URLs are row numbers, never case codes or names."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.convenant.operations import AMSTERDAM
from zorgtafel.core import navigation
from zorgtafel.meetings import controllers

bp = Blueprint("meetings", __name__, url_prefix="/vergaderingen")

chair = roles_required(Role.chair)
table = roles_required(Role.chair, Role.partner)
partner = roles_required(Role.partner)
POST = ["POST"]

_ROUTES = (
    ("", "index", table(controllers.index), None),
    ("/nieuw", "create", chair(controllers.create), ["GET", "POST"]),
    ("/<int:meeting_id>", "agenda", table(controllers.agenda), None),
    ("/<int:meeting_id>/punten", "add_item", chair(controllers.add_item), POST),
    ("/<int:meeting_id>/punten/<int:item_id>", "update_item", chair(controllers.update_item), POST),
    (
        "/<int:meeting_id>/punten/<int:item_id>/verplaatsen",
        "move_item",
        chair(controllers.move_item),
        POST,
    ),
    (
        "/<int:meeting_id>/punten/<int:item_id>/verwijderen",
        "remove_item",
        chair(controllers.remove_item),
        POST,
    ),
    (
        "/<int:meeting_id>/punten/<int:item_id>/inbreng",
        "contribute",
        partner(controllers.contribute),
        POST,
    ),
    ("/<int:meeting_id>/publiceren", "publish", chair(controllers.publish), POST),
    ("/<int:meeting_id>/aanwezigheid", "attendance", chair(controllers.attendance), POST),
    ("/<int:meeting_id>/geheimhouding", "pledge", table(controllers.pledge), POST),
    ("/<int:meeting_id>/vergadermodus", "live", table(controllers.live), None),
    ("/<int:meeting_id>/vergadermodus/stand", "live_state", table(controllers.live_state), None),
    ("/<int:meeting_id>/vergadermodus/stap", "step", chair(controllers.step), POST),
    ("/<int:meeting_id>/agenda.pdf", "export", table(controllers.export), None),
)
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=methods)


@bp.app_template_filter("local_time")
def local_time(moment: datetime | None, pattern: str = "%d-%m-%Y %H:%M") -> str:
    """A UTC moment as Dutch local time."""
    return "" if moment is None else moment.astimezone(AMSTERDAM).strftime(pattern)


navigation.register(
    "meetings.index",
    _l("Vergaderingen"),
    _l("Agenda's van de zorgtafel, voorbereiding en vergadermodus."),
    Role.chair,
    Role.partner,
)
