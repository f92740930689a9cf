"""Retention's forms: codes and dates from fixed choices; the hold's reason is short plain text."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError

from zorgtafel.core.clock import today
from zorgtafel.core.input import TextForm
from zorgtafel.retention.models import HoldKind

CASE_CODE = r"^ZT-\d{4}-\d{1,8}$"
#: ``case`` or ``minutes-<agenda item id>``
TARGET = r"^(case|minutes-\d{1,9})$"


class ProposeForm(TextForm):
    case_code = HiddenField(validators=[DataRequired(), Regexp(CASE_CODE)])
    target = HiddenField(validators=[DataRequired(), Regexp(TARGET)])

    def agenda_item_id(self) -> int | None:
        return None if self.target.data == "case" else int(self.target.data.split("-", 1)[1])


class StepForm(FlaskForm):
    """Approve, withdraw, lift, confirm: a button and its CSRF token."""


def _in_future(_form: FlaskForm, field: DateField) -> None:
    if field.data is not None and field.data <= today():
        raise ValidationError(_l("De einddatum moet na vandaag liggen."))


class HoldForm(TextForm):
    case_code = StringField(
        _l("Casuscode"),
        validators=[
            DataRequired(),
            Regexp(CASE_CODE, message=_l("Een casuscode, zoals ZT-2026-0042.")),
        ],
        filters=[lambda v: v.strip().upper() if v else v],
    )
    kind = SelectField(_l("Soort bewaarplicht"), validators=[InputRequired()])
    reason = StringField(
        _l("Reden of kenmerk (geen namen)"), validators=[DataRequired(), Length(max=200)]
    )
    ends_on = DateField(_l("Einddatum"), validators=[InputRequired(), _in_future])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, str(kind.label)) for kind in HoldKind]

    def ends(self) -> date:
        return self.ends_on.data  # type: ignore[return-value]
