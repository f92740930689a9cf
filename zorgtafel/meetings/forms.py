"""Forms of the meetings domain. Times are entered as Dutch local time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from zorgtafel.core.input import TextForm
from zorgtafel.meetings.models import AttendanceStatus, ItemKind
from zorgtafel.meetings.operations import MEETING_YEARS, Step, meeting_window

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def kind_choices() -> list[SelectChoice]:
    labels = {
        ItemKind.new: _l("nieuw"),
        ItemKind.progress: _l("voortgang"),
        ItemKind.closing: _l("afsluiting"),
    }
    return [SelectChoice(kind.value, str(labels[kind])) for kind in ItemKind]


def attendance_choices() -> list[SelectChoice]:
    labels = {
        AttendanceStatus.present: _l("aanwezig"),
        AttendanceStatus.apologies: _l("afgemeld"),
        AttendanceStatus.absent: _l("afwezig"),
    }
    return [SelectChoice(status.value, str(labels[status])) for status in AttendanceStatus]


def _in_window(_form: Any, field: Field) -> None:
    """A local time within a few years of today (checked before it is converted to UTC, which
    year 1 or 9999 would not survive)."""
    moment: datetime | None = field.data
    first, last = meeting_window()
    if moment is not None and not first <= moment.date() <= last:
        raise ValidationError(
            _l("Kies een datum binnen %(years)s jaar van vandaag.", years=MEETING_YEARS)
        )


class MeetingForm(TextForm):
    starts_at = DateTimeLocalField(
        _l("Datum en tijd"), format=LOCAL_FORMAT, validators=[InputRequired(), _in_window]
    )
    location = StringField(
        _l("Plaats of videoverbinding"), validators=[DataRequired(), Length(max=300)]
    )
    preparation_deadline = DateTimeLocalField(
        _l("Inbreng uiterlijk (leeg: twee dagen ervoor)"),
        format=LOCAL_FORMAT,
        validators=[Optional(), _in_window],
    )


class AddItemForm(TextForm):
    case_code = StringField(
        _l("Casuscode"),
        validators=[
            DataRequired(),
            Regexp(r"^ZT-\d{4}-\d{4,8}$", message=_l("Een code als ZT-2026-0042.")),
        ],
    )


class ItemForm(TextForm):
    minutes = IntegerField(_l("Minuten"), validators=[InputRequired(), NumberRange(1, 240)])
    kind = SelectField(_l("Soort"), choices=[], validators=[InputRequired()])
    partners = SelectMultipleField(
        _l("Aan tafel"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )

    def __init__(self, *args: object, partner_choices: list[SelectChoice], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.kind.choices = kind_choices()
        self.partners.choices = partner_choices


class MoveForm(TextForm):
    direction = SelectField(choices=[SelectChoice("up"), SelectChoice("down")])


class PledgeForm(TextForm):
    confirm = BooleanField(
        _l(
            "Ik verklaar dat ik alles wat ik in deze vergadering hoor en zie geheimhoud en "
            "alleen gebruik voor de taak waarvoor het convenant het deelt."
        ),
        validators=[DataRequired(message=_l("Bevestig de verklaring om verder te gaan."))],
    )


class AttendanceForm(TextForm):
    partner = SelectField(_l("Organisatie"), choices=[], validators=[InputRequired()])
    status = SelectField(_l("Aanwezigheid"), choices=[], validators=[InputRequired()])

    def __init__(self, *args: object, partner_choices: list[SelectChoice], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.partner.choices = partner_choices
        self.status.choices = attendance_choices()


class StepForm(TextForm):
    step = SelectField(choices=[SelectChoice(step.value) for step in Step])
    #: closing asks for this box to be ticked
    confirm = BooleanField(_l("Ja, sluit de vergadering af"))
