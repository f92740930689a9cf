"""URL table of the cases domain. Case codes are pseudonyms: the only case data in a URL."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role
from zorgtafel.cases import controllers
from zorgtafel.cases.forms import involvement_label, reason_label, reporter_label, stage_label
from zorgtafel.convenant.model import Convenant
from zorgtafel.core import navigation

READERS = (Role.chair, Role.partner, Role.privacy)
CODE = "/<string(maxlength=20):code>"

bp = Blueprint("cases", __name__, url_prefix="/casussen")


def _rule(path: str, view, endpoint: str, roles: tuple[Role, ...], methods=("GET",)) -> None:  # type: ignore[no-untyped-def]
    bp.add_url_rule(
        path, view_func=roles_required(*roles)(view), endpoint=endpoint, methods=list(methods)
    )


_rule("", controllers.index, "index", READERS)
_rule("/nieuw", controllers.new, "new", (Role.chair,), ("GET", "POST"))
_rule(CODE, controllers.show, "show", READERS)
_rule(CODE + "/identiteit", controllers.reveal, "reveal", (Role.chair, Role.partner), ("POST",))
_rule(
    CODE + "/inbreng", controllers.contribute, "contribute", (Role.chair, Role.partner),
    ("GET", "POST"),
)  # fmt: skip
_rule(CODE + "/fase", controllers.change_stage, "stage", (Role.chair,), ("POST",))
_rule(CODE + "/partners", controllers.invite, "invite", (Role.chair,), ("POST",))
_rule(CODE + "/toestemming", controllers.consent, "consent", (Role.chair,), ("POST",))
_rule(CODE + "/comensha", controllers.comensha, "comensha", (Role.chair,), ("POST",))

navigation.register(
    "cases.index",
    _l("Casussen"),
    _l("De casussen die u mag zien, onder hun code."),
    *READERS,
)
navigation.register(
    "cases.new",
    _l("Casus aanmelden"),
    _l("Een nieuwe casus registreren, met de vraag of de jongere al bekend is."),
    Role.chair,
)


@bp.app_template_global()
def partner_name(convenant: Convenant, code: str | None) -> str:
    """The partner's name in this convenant version, or its code if the version lacks it."""
    return convenant.partner(code).name if code and convenant.has_partner(code) else code or ""


@bp.app_template_global()
def category_label(convenant: Convenant, code: str) -> str:
    return convenant.category(code).label if convenant.has_category(code) else code


for _helper in (stage_label, reason_label, reporter_label, involvement_label):
    bp.add_app_template_global(_helper)
