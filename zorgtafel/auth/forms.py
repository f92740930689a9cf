"""Login, enrolment and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(), Length(max=128)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code uit uw authenticator-app"),
        validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Zes cijfers."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(), Length(max=128)])
    new = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(), Length(max=128)])
    repeat = PasswordField(
        _l("Herhaal nieuw wachtwoord"),
        validators=[DataRequired(), EqualTo("new", message=_l("De wachtwoorden verschillen."))],
    )


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


class UserAddForm(FlaskForm):
    """A new account; its user sets the password through a one-time link."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=200)])
    organisation = SelectField(_l("Organisatie"), validators=[DataRequired()])
    role = SelectField(_l("Rol"), validators=[DataRequired()])


class PasswordSetForm(FlaskForm):
    new = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(), Length(max=128)])
    repeat = PasswordField(
        _l("Herhaal nieuw wachtwoord"),
        validators=[DataRequired(), EqualTo("new", message=_l("De wachtwoorden verschillen."))],
    )
