"""URL table of the start page."""

from __future__ import annotations

from flask import Blueprint

from zorgtafel.auth.access import login_required
from zorgtafel.core.navigation import NavEntry
from zorgtafel.home import controllers

bp = Blueprint("home", __name__)

bp.add_url_rule("/", "index", login_required(controllers.index))
bp.add_url_rule("/taal", "language", controllers.language, methods=["POST"])
bp.add_url_rule("/gezondheid", "health", controllers.health)

MENU: tuple[NavEntry, ...] = ()
