"""The profile's fields as a form: choices from the codes, never free text."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from zorgtafel.audit.vocabulary import Code
from zorgtafel.core.clock import utcnow
from zorgtafel.figures.codes import (
    MUNICIPALITIES,
    REGION_MUNICIPALITIES,
    AgeBand,
    Exploitation,
    Gender,
    NotRegisteredReason,
    SignalSource,
    municipality_label,
)
from zorgtafel.figures.operations import Profile

UNKNOWN = ""
#: the first year the figures go back to
FIRST_YEAR = 2000


def _choices(kind: type[Code]) -> list[tuple[str, str]]:
    return [(UNKNOWN, str(_l("onbekend"))), *((code.value, code.label) for code in kind)]


class ProfileForm(FlaskForm):
    """What the figures count of a case; every field may stay 'onbekend'."""

    municipality = SelectField(_l("Woongemeente"), validators=[Optional()])
    age_band = SelectField(_l("Leeftijd bij het eerste signaal"), validators=[Optional()])
    gender = SelectField(_l("Gender"), validators=[Optional()])
    exploitation = SelectField(_l("Vorm van uitbuiting"), validators=[Optional()])
    signal_source = SelectField(_l("Bron van het eerste signaal"), validators=[Optional()])
    comensha_reason = SelectField(
        _l("Reden als er (nog) geen melding bij CoMensha is"), validators=[Optional()]
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.municipality.choices = [
            (UNKNOWN, str(_l("onbekend"))),
            *((code, municipality_label(code)) for code, _name in MUNICIPALITIES),
        ]
        self.age_band.choices = _choices(AgeBand)
        self.gender.choices = _choices(Gender)
        self.exploitation.choices = _choices(Exploitation)
        self.signal_source.choices = _choices(SignalSource)
        self.comensha_reason.choices = _choices(NotRegisteredReason)

    def profile(self) -> Profile:
        """The chosen codes (validated against the choices already)."""

        def code(kind: type[Code], value: str | None) -> Any:
            return kind(value) if value else None

        return Profile(
            municipality=self.municipality.data or None,
            age_band=code(AgeBand, self.age_band.data),
            gender=code(Gender, self.gender.data),
            exploitation=code(Exploitation, self.exploitation.data),
            signal_source=code(SignalSource, self.signal_source.data),
            comensha_reason=code(NotRegisteredReason, self.comensha_reason.data),
        )

    def fill(self, view: Any) -> None:
        """Show a recorded profile (a :class:`~zorgtafel.privacy.gate.figures.ProfileView`)."""
        for name in ("municipality", *_CODED):
            getattr(self, name).data = getattr(view, name) or UNKNOWN


_CODED = ("age_band", "gender", "exploitation", "signal_source", "comensha_reason")


#: the chooser's value for the whole region
REGION = ""


class YearForm(FlaskForm):
    """Which year the figures are about, and for which municipality (empty: the whole region);
    a GET form: nothing changes, no CSRF token. A municipality code that is not one of the
    region's is not a valid choice: refused (400) before anything is counted."""

    class Meta:
        csrf = False

    jaar = IntegerField(_l("Jaar"), validators=[Optional(), NumberRange(min=FIRST_YEAR)])
    gemeente = SelectField(_l("Gemeente"), validators=[Optional()], default=REGION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gemeente.choices = [
            (REGION, str(_l("hele regio"))),
            *((code, municipality_label(code)) for code in REGION_MUNICIPALITIES),
        ]

    def validate_jaar(self, field: IntegerField) -> None:
        if field.data and field.data > utcnow().year:
            raise ValidationError(_l("Dit jaar ligt in de toekomst."))

    def year(self) -> int:
        return self.jaar.data or utcnow().year

    def municipality(self) -> str | None:
        """The chosen municipality's code; None: the whole region."""
        return self.gemeente.data or None
