"""URL table of the cases domain. Case codes are pseudonyms: the only case data in a URL."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import fresh_login_required, roles_required
from zorgtafel.auth.models import Role
from zorgtafel.cases import controllers
from zorgtafel.core.navigation import entry

READERS = (Role.chair, Role.partner, Role.privacy)
CODE = "/<string(maxlength=20):code>"

bp = Blueprint("cases", __name__, url_prefix="/casussen")
readers = roles_required(*READERS)
table = roles_required(Role.chair, Role.partner)
chair = roles_required(Role.chair)
FORM, POST = ["GET", "POST"], ["POST"]

bp.add_url_rule("", "index", readers(controllers.index))
bp.add_url_rule("/nieuw", "new", chair(controllers.new), methods=FORM)
bp.add_url_rule(CODE, "show", readers(controllers.show))
# identity needs a fresh login: the password or a code within session.fresh_minutes
reveal = table(fresh_login_required(controllers.reveal))
bp.add_url_rule(CODE + "/identiteit", "reveal", reveal, methods=POST)
bp.add_url_rule(CODE + "/inbreng", "contribute", table(controllers.contribute), methods=FORM)
bp.add_url_rule(CODE + "/fase", "stage", chair(controllers.change_stage), methods=POST)
bp.add_url_rule(CODE + "/partners", "invite", chair(controllers.invite), methods=POST)
bp.add_url_rule(CODE + "/toestemming", "consent", chair(controllers.consent), methods=POST)
bp.add_url_rule(
    CODE + "/toestemming/intrekken",
    "withdraw_consent",
    chair(controllers.withdraw_consent),
    methods=POST,
)
bp.add_url_rule(CODE + "/comensha", "comensha", chair(controllers.comensha), methods=POST)
bp.add_url_rule(CODE + "/kenmerken", "profile", chair(controllers.profile), methods=POST)

MENU = (
    entry(
        "cases.index", _l("Casussen"), _l("De casussen die u mag zien, onder hun code."), *READERS
    ),
    entry(
        "cases.new",
        _l("Casus aanmelden"),
        _l("Een nieuwe casus registreren, met de vraag of de jongere al bekend is."),
        Role.chair,
        bar=(),
    ),
)
