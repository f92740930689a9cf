"""Every template helper, registered in one place: labels for codes, names from the convenant,
local time. Domains define the helpers; only :func:`init_app` hands them to Jinja."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from zorgtafel.cases.forms import involvement_label, reason_label, reporter_label, stage_label
from zorgtafel.cases.models import Stage
from zorgtafel.convenant.document import Convenant
from zorgtafel.core import navigation
from zorgtafel.core.clock import local_time
from zorgtafel.minutes.models import ActionStatus


def partner_name(convenant: Convenant, code: str | None) -> str:
    """The partner's name in this convenant version, or its code if the version lacks it."""
    return convenant.partner(code).name if code and convenant.has_partner(code) else code or ""


def category_label(convenant: Convenant, code: str) -> str:
    """The category's label in this convenant version, or its code if the version lacks it."""
    return convenant.category(code).label if convenant.has_category(code) else code


class _Names(dict[str, str]):
    """Names by code; a code the version lacks stands for itself (a lookup without a call:
    in a template, ``names[code]`` costs less than ``names.get(code, code)``)."""

    def __missing__(self, code: str) -> str:
        return code


def partner_names(convenant: Convenant) -> dict[str, str]:
    """Every partner's name in this convenant version, by code (for a page of many lines); a
    code the version lacks maps to itself."""
    return _Names({partner.code: partner.name for partner in convenant.partners})


def day(moment: datetime) -> str:
    """``dd-mm-yyyy`` as the moment holds it (a filter: fifty lines call it)."""
    return moment.strftime("%d-%m-%Y")


def stage_labels() -> dict[Stage, str]:
    """Every stage's label in the request's language (for a page of many lines)."""
    return {stage: stage.label for stage in Stage}


def action_status_labels() -> dict[str, str]:
    """Every action status's label in the request's language, by value (for a page of many
    lines)."""
    return {status.value: status.label for status in ActionStatus}


GLOBALS = {
    "partner_name": partner_name,
    "category_label": category_label,
    "partner_names": partner_names,
    "stage_labels": stage_labels,
    "action_status_labels": action_status_labels,
    "stage_label": stage_label,
    "reason_label": reason_label,
    "reporter_label": reporter_label,
    "involvement_label": involvement_label,
    "nav_items": navigation.nav_items,
    "role_label": navigation.role_label,
}
FILTERS = {"local_time": local_time, "day": day}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(GLOBALS)
    app.jinja_env.filters.update(FILTERS)
