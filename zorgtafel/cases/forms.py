"""Forms of the cases domain. Choices come from the convenant in force, never from the client."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from zorgtafel.cases.identity import IdentityError, bsn_valid, parse_relatives
from zorgtafel.cases.models import InvolvementReason, Reporter, Stage, StageReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.input import TextForm
from zorgtafel.figures.forms import ProfileForm

EARLIEST_BIRTH = date(1900, 1, 1)


def stage_label(stage: Stage | str) -> str:
    return Stage(stage).label


def reporter_label(reporter: Reporter | str) -> str:
    return Reporter(reporter).label


def reason_label(reason: StageReason | str) -> str:
    return StageReason(reason).label


def involvement_label(reason: InvolvementReason | str) -> str:
    return InvolvementReason(reason).label


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _partner_choices(convenant: Convenant, empty: Any = None) -> list[tuple[str, str]]:
    choices = [(p.code, p.name) for p in convenant.partners]
    return [("", str(empty)), *choices] if empty is not None else choices


def _not_in_future(_form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(_l("Deze datum ligt in de toekomst."))


def _born_plausibly(_form: FlaskForm, field: DateField) -> None:
    if field.data and field.data < EARLIEST_BIRTH:
        raise ValidationError(_l("Deze geboortedatum is niet aannemelijk."))


def _elfproef(_form: FlaskForm, field: StringField) -> None:
    if field.data and field.data.strip() and not bsn_valid(field.data):
        raise ValidationError(_l("Geen geldig BSN (9 cijfers die voldoen aan de elfproef)."))


def _relatives(_form: FlaskForm, field: TextAreaField) -> None:
    try:
        parse_relatives(field.data or "")
    except IdentityError:
        raise ValidationError(
            _l("Schrijf per regel 'relatie: naam', bijvoorbeeld 'moeder: Anna Jansen'.")
        ) from None


class CaseListForm(TextForm):
    """The case list's filters and page (a GET form: nothing changes, no CSRF token)."""

    class Meta:
        csrf = False

    fase = SelectField(_l("Fase"), validators=[Optional()])
    coordinator = SelectField(_l("Casuscoördinator"), validators=[Optional()])
    code = StringField(
        _l("Code begint met"),
        filters=[lambda value: value.strip().upper() if value else value],
        validators=[
            Optional(),
            Regexp(r"^[A-Z0-9-]{1,20}$", message=_l("Een casuscode, zoals ZT-2026-0042.")),
        ],
    )
    #: the last code of the previous page (keyset paging)
    na = HiddenField(validators=[Optional(), Regexp(r"^[A-Z0-9-]{1,20}$")])

    def __init__(self, convenant: Convenant, formdata: Any, **kwargs: Any) -> None:
        super().__init__(formdata=formdata, **kwargs)
        self.fase.choices = [("", _l("alle fasen"))] + [(s.value, s.label) for s in Stage]
        self.coordinator.choices = _partner_choices(convenant, empty=_l("alle partners"))


class IntakeForm(TextForm, ProfileForm):
    """Intake: the subject's identity, the melding, and the coded profile the figures count."""

    first_names = StringField(_l("Voornamen"), validators=[DataRequired(), Length(max=200)])
    surname = StringField(_l("Achternaam"), validators=[DataRequired(), Length(max=200)])
    aliases = TextAreaField(
        _l("Bijnamen en aliassen (één per regel)"), validators=[Optional(), Length(max=1000)]
    )
    birth_date = DateField(
        _l("Geboortedatum"), validators=[Optional(), _not_in_future, _born_plausibly]
    )
    bsn = StringField(
        _l("BSN"),
        validators=[Optional(), Length(max=20), _elfproef],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    address = TextAreaField(_l("Adres"), validators=[Optional(), Length(max=500)])
    school = StringField(_l("School of dagbesteding"), validators=[Optional(), Length(max=200)])
    relatives = TextAreaField(
        _l("Verwanten en netwerk (per regel 'relatie: naam')"),
        validators=[Optional(), Length(max=2000), _relatives],
    )
    reported_by = SelectField(_l("Gemeld door"), validators=[InputRequired()])
    reporter_partner = SelectField(_l("Meldende ketenpartner"), validators=[Optional()])
    coordinator = SelectField(_l("Casuscoördinator"), validators=[Optional()])
    involved = MultiCheckboxField(_l("Betrokken ketenpartners"), validators=[Optional()])
    stage = SelectField(_l("Fase"), validators=[InputRequired()])
    #: set after the chair saw "mogelijk bekend als ..." and still wants a new case
    confirm_new = BooleanField(_l("Toch een nieuwe casus registreren"))

    def __init__(self, convenant: Convenant, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reported_by.choices = [(r.value, reporter_label(r)) for r in Reporter]
        self.reporter_partner.choices = _partner_choices(convenant, "—")
        self.coordinator.choices = _partner_choices(convenant, _l("nog niet benoemd"))
        self.involved.choices = _partner_choices(convenant)
        self.stage.choices = [(s.value, stage_label(s)) for s in Stage if s is not Stage.afgesloten]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.reported_by.data == Reporter.partner.value and not self.reporter_partner.data:
            self.reporter_partner.errors = [*self.reporter_partner.errors, _l(
                "Kies de ketenpartner die meldde."
            )]  # fmt: skip
            return False
        return valid


class StageForm(TextForm):
    stage = SelectField(_l("Nieuwe fase"), validators=[InputRequired()])
    reason = SelectField(_l("Reden"), validators=[InputRequired()])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stage.choices = [(s.value, stage_label(s)) for s in Stage]
        self.reason.choices = [
            (r.value, reason_label(r)) for r in StageReason if r is not StageReason.intake
        ]


class InviteForm(TextForm):
    partner = SelectField(_l("Ketenpartner"), validators=[InputRequired()])

    def __init__(self, convenant: Convenant, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.partner.choices = _partner_choices(convenant)


class ConsentForm(TextForm):
    """One of the convenant's consent rules, as ``partner/category``."""

    rule = SelectField(_l("Toestemming voor"), validators=[InputRequired()])

    def __init__(self, convenant: Convenant, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule.choices = [
            (
                f"{c.recipient}/{c.category}",
                f"{convenant.partner(c.recipient).name}: {convenant.category(c.category).label}"
                f" ({c.article})",
            )
            for c in convenant.consent
        ]


class WithdrawConsentForm(FlaskForm):
    """Withdrawal of a consent in force (AVG art. 7(3)), as ``partner/category``, and when."""

    rule = SelectField(_l("Toestemming"), validators=[InputRequired()])
    withdrawn_on = DateField(
        _l("Ingetrokken op"), default=date.today, validators=[InputRequired(), _not_in_future]
    )

    def __init__(
        self, convenant: Convenant, pairs: Iterable[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        """``pairs``: (partner, category) of the consents in force to offer; by default every
        consent rule of the convenant (a posted form; the operation refuses one not in force)."""
        super().__init__(**kwargs)
        if pairs is None:
            pairs = [(c.recipient, c.category) for c in convenant.consent]
        self.rule.choices = [
            (
                f"{partner}/{category}",
                f"{convenant.partner(partner).name}: {convenant.category(category).label}",
            )
            for partner, category in pairs
        ]


class ComenshaForm(TextForm):
    reported_on = DateField(_l("Datum melding"), validators=[InputRequired(), _not_in_future])
    by_partner = SelectField(_l("Gemeld door"), validators=[InputRequired()])
    with_identity = BooleanField(_l("Met identiteit (alleen met vastgelegde toestemming)"))

    def __init__(self, convenant: Convenant, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.by_partner.choices = _partner_choices(convenant)


class ContributionForm(TextForm):
    category = SelectField(_l("Gegevenscategorie"), validators=[DataRequired()])
    text = TextAreaField(_l("Inbreng"), validators=[DataRequired(), Length(max=10000)])
    marked = TextAreaField(
        _l("Gemiste woorden om te vervangen (één per regel)"),
        validators=[Optional(), Length(max=5000)],
    )
    #: this preview's single-use nonce, signed with the category, text and marks it showed
    previewed = HiddenField()

    def __init__(self, convenant: Convenant, categories: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # no default: the author picks one of the categories its organisation may provide
        self.category.choices = [
            ("", _l("Kies een categorie")),
            *((code, convenant.category(code).label) for code in categories),
        ]
