"""URL table of the privacy officer's workspace: only the privacy role opens these pages."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.core.navigation import entry
from zorgtafel.oversight import access_controllers, controllers

bp = Blueprint("oversight", __name__, url_prefix="/fg")
privacy = roles_required(Role.privacy)
CASE = "/verstrekkingen/<code>"
POST = ["POST"]
ACCESS = "/inzage/<int:request_id>"

bp.add_url_rule("/auditlog", "log", privacy(controllers.log))
bp.add_url_rule("/auditlog.csv", "log_csv", privacy(controllers.log_csv))
bp.add_url_rule("/verstrekkingen", "find_case", privacy(controllers.find_case))
bp.add_url_rule(CASE, "disclosures", privacy(controllers.disclosures))
bp.add_url_rule(CASE + ".csv", "disclosures_csv", privacy(controllers.disclosures_csv))
bp.add_url_rule(CASE + ".pdf", "disclosures_pdf", privacy(controllers.disclosures_pdf))
bp.add_url_rule("/matrix", "matrix", privacy(controllers.matrix))
bp.add_url_rule("/beoordelingen", "reviews", privacy(controllers.reviews), methods=["GET", "POST"])
bp.add_url_rule("/register", "register", privacy(controllers.processing_register))
bp.add_url_rule("/register.csv", "register_csv", privacy(controllers.processing_register_csv))
bp.add_url_rule("/register.pdf", "register_pdf", privacy(controllers.processing_register_pdf))
bp.add_url_rule(
    "/register/verschil", "register_diff", privacy(controllers.processing_register_diff)
)
bp.add_url_rule("/signalen", "signals", privacy(controllers.signals))
bp.add_url_rule(
    "/signalen/controleren", "run_anomalies", privacy(controllers.run_anomalies), methods=POST
)
bp.add_url_rule("/signalen/<int:signal_id>", "triage", privacy(controllers.triage), methods=POST)
bp.add_url_rule(
    "/inzage", "access_search", privacy(access_controllers.search), methods=["GET", "POST"]
)
bp.add_url_rule(ACCESS, "access_request", privacy(access_controllers.show))
bp.add_url_rule(ACCESS + ".pdf", "access_pdf", privacy(access_controllers.pdf))
bp.add_url_rule(
    ACCESS + "/verlengen", "access_extend", privacy(access_controllers.extend), methods=POST
)
bp.add_url_rule(
    ACCESS + "/weigering", "access_refuse", privacy(access_controllers.refuse), methods=POST
)

MENU = (
    entry(
        "oversight.log",
        _l("Auditlog"),
        _l("Elke verstrekking en weigering, te filteren en te exporteren."),
        Role.privacy,
    ),
    entry(
        "oversight.find_case",
        _l("Verstrekkingen per casus"),
        _l("Wie zag wat van een casus, wanneer en op welk artikel."),
        Role.privacy,
    ),
    entry(
        "oversight.signals",
        _l("Signalen"),
        _l("Afwijkend gebruik volgens de regels: open, verklaard of geëscaleerd."),
        Role.privacy,
    ),
    entry(
        "oversight.reviews",
        _l("Logbeoordeling"),
        _l("De maandelijkse beoordeling van het log, met steekproef en bevindingen."),
        Role.privacy,
        bar=(),
    ),
    entry(
        "oversight.access_search",
        _l("Inzageverzoek"),
        _l("Een inzageverzoek (AVG art. 15) beantwoorden: zoeken op BSN of naam en geboortedatum."),
        Role.privacy,
        bar=(),
    ),
    entry(
        "oversight.register",
        _l("Verwerkingsregister"),
        _l("Het register (AVG art. 30) uit de convenantversie, als PDF en CSV."),
        Role.privacy,
        bar=(),
    ),
    entry(
        "oversight.matrix",
        _l("Verstrekkingen per partner"),
        _l("Wat elke partner ontving, naast wat het convenant toestaat."),
        Role.privacy,
        bar=(),
    ),
)
