"""URL table of the start page."""

from __future__ import annotations

from flask import Blueprint

from zorgtafel.auth.access import login_required
from zorgtafel.home import controllers

bp = Blueprint("home", __name__)
bp.add_url_rule("/", view_func=login_required(controllers.index))
bp.add_url_rule("/taal", view_func=controllers.language, methods=["POST"])
bp.add_url_rule("/gezondheid", view_func=controllers.health)
