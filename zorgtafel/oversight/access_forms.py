"""The access request's forms: the search (POST, so no BSN or name ever sits in a URL), a
partner's partial refusal, the extension of the deadline."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from zorgtafel.cases.forms import _elfproef
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import today
from zorgtafel.core.input import TextForm
from zorgtafel.oversight.access_requests import RefusalGround


class AccessSearchForm(TextForm):
    """Who asks: a BSN, or the first given name, surname and birth date."""

    received_on = DateField(_l("Verzoek ontvangen op"), default=today, validators=[DataRequired()])
    bsn = StringField(_l("BSN"), validators=[Optional(), Length(max=20), _elfproef])
    first_name = StringField(_l("Eerste voornaam"), validators=[Optional(), Length(max=100)])
    surname = StringField(_l("Achternaam"), validators=[Optional(), Length(max=200)])
    birth_date = DateField(_l("Geboortedatum"), validators=[Optional()])

    def validate_received_on(self, field: DateField) -> None:
        if field.data and field.data > today():
            raise ValidationError(_l("Die datum ligt in de toekomst."))

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        named = bool(self.first_name.data and self.surname.data and self.birth_date.data)
        if not (self.bsn.data or named):
            self.bsn.errors = [
                _l("Geef een BSN, of de eerste voornaam, de achternaam en de geboortedatum.")
            ]
            return False
        return True


class RefusalForm(TextForm):
    """A partner withholds what it provided in one category of one case, on a legal ground."""

    case = SelectField(_l("Casus"), validators=[DataRequired()])
    partner = SelectField(_l("Ketenpartner"), validators=[DataRequired()])
    category = SelectField(_l("Categorie"), validators=[DataRequired()])
    ground = SelectField(_l("Grond"), validators=[DataRequired()])
    explanation = TextAreaField(
        _l("Toelichting voor de betrokkene (zonder persoonsgegevens)"),
        validators=[DataRequired(), Length(max=500)],
    )

    def __init__(self, convenant: Convenant, case_codes: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case.choices = [(code, code) for code in case_codes]
        self.partner.choices = [(p.code, p.name) for p in convenant.partners]
        self.category.choices = [(c.code, c.label) for c in convenant.categories]
        self.ground.choices = [(ground.value, ground.label) for ground in RefusalGround]


class ExtendForm(FlaskForm):
    """Extend the deadline by two months (a confirmation: CSRF only)."""
