"""The privacy officer's filters: GET forms (nothing changes, no CSRF token). Choices come from
the vocabulary, the organisations and the stored convenant versions, never from the client."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from zorgtafel.audit.browse import LogFilter
from zorgtafel.audit.vocabulary import AuditAction, Level, Outcome
from zorgtafel.auth.models import Organisation, User
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.core.clock import AMSTERDAM
from zorgtafel.core.db import db
from zorgtafel.oversight.models import SignalStatus

CASE_CODE = r"^[A-Z0-9-]{1,20}$"
CASE_CODE_MESSAGE = _l("Een casuscode, zoals ZT-2026-0042.")
ARTICLE = r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$"


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if value else value


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


def utc_start(day: date) -> datetime:
    """The first moment of a Dutch calendar day, in UTC."""
    return datetime.combine(day, time(), AMSTERDAM).astimezone(UTC)


class PeriodForm(FlaskForm):
    """A period of whole days, Dutch time: ``van`` up to and including ``tot``."""

    class Meta:
        csrf = False

    van = DateField(_l("Van"), validators=[Optional()])
    tot = DateField(_l("Tot en met"), validators=[Optional()])

    def validate_tot(self, field: DateField) -> None:
        if self.van.data and field.data and field.data < self.van.data:
            raise ValidationError(_l("De einddatum ligt voor de begindatum."))

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        start = utc_start(self.van.data) if self.van.data else None
        end = utc_start(self.tot.data + timedelta(days=1)) if self.tot.data else None
        return start, end


class LogFilterForm(PeriodForm):
    """The audit browser's filters and page."""

    code = StringField(
        _l("Casuscode"),
        filters=[_upper],
        validators=[Optional(), Regexp(CASE_CODE, message=CASE_CODE_MESSAGE)],
    )
    organisatie = SelectField(_l("Organisatie"), validators=[Optional()])
    gebruiker = SelectField(_l("Gebruiker"), validators=[Optional()])
    handeling = SelectField(_l("Handeling"), validators=[Optional()])
    uitkomst = SelectField(_l("Uitkomst"), validators=[Optional()])
    niveau = SelectField(_l("Niveau"), validators=[Optional()])
    versie = SelectField(_l("Convenantversie"), validators=[Optional()])
    artikel = StringField(
        _l("Artikel"),
        filters=[_stripped],
        validators=[Optional(), Regexp(ARTICLE, message=_l("Een artikel, zoals art. 7.3."))],
    )
    #: the number of the last event of the previous page (keyset paging)
    na = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,18}$")])

    def __init__(self, convenant: Convenant, formdata: Any, **kwargs: Any) -> None:
        super().__init__(formdata=formdata, **kwargs)
        anything = ("", _l("alle"))
        rows = db.session.execute(select(Organisation.code, Organisation.name))
        organisations = {row.code: row.name for row in rows} | {
            partner.code: partner.name for partner in convenant.partners
        }
        self.organisatie.choices = [
            anything,
            *sorted(organisations.items(), key=lambda choice: choice[1].casefold()),
        ]
        users = db.session.execute(select(User.id, User.name, User.email).order_by(User.name))
        self.gebruiker.choices = [
            anything,
            *((str(row.id), f"{row.name} ({row.email})") for row in users),
        ]
        self.handeling.choices = [anything, *((a.value, a.label) for a in AuditAction)]
        self.uitkomst.choices = [anything, *((o.value, o.label) for o in Outcome)]
        self.niveau.choices = [anything, *((level.value, level.label) for level in Level)]
        versions = db.session.scalars(
            select(ConvenantVersion.version).distinct().order_by(ConvenantVersion.version)
        )
        self.versie.choices = [anything, *((v, v) for v in versions)]

    def log_filter(self) -> LogFilter:
        """The validated filter."""
        start, end = self.bounds()
        return LogFilter(
            start=start,
            end=end,
            case_code=self.code.data or None,
            organisation=self.organisatie.data or None,
            user_id=int(self.gebruiker.data) if self.gebruiker.data else None,
            action=AuditAction(self.handeling.data) if self.handeling.data else None,
            outcome=Outcome(self.uitkomst.data) if self.uitkomst.data else None,
            level=Level(self.niveau.data) if self.niveau.data else None,
            convenant_version=self.versie.data or None,
            article=self.artikel.data or None,
        )

    def after(self) -> int | None:
        return int(self.na.data) if self.na.data else None

    def arguments(self) -> dict[str, str]:
        """The filter as query arguments (next page, CSV link), empty ones left out."""
        names = ("van", "tot", "code", "organisatie", "gebruiker", "handeling", "uitkomst")
        names += ("niveau", "versie", "artikel")
        values = {name: self[name].raw_data[0] if self[name].raw_data else "" for name in names}
        return {name: value for name, value in values.items() if value}


class CaseCodeForm(FlaskForm):
    """Find a case's disclosures by its code."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Casuscode"),
        filters=[_upper],
        validators=[Regexp(CASE_CODE, message=CASE_CODE_MESSAGE)],
    )


class TriageForm(FlaskForm):
    """A signal's new status and the privacy officer's note."""

    status = SelectField(_l("Status"), validators=[DataRequired()])
    note = TextAreaField(_l("Notitie"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [(status.value, status.label) for status in SignalStatus]


class RunForm(FlaskForm):
    """Run the anomaly rules now (a POST with its CSRF token only)."""


class ReviewForm(FlaskForm):
    """A review of the log over a period: the sample looked at and the findings."""

    van = DateField(_l("Van"), validators=[DataRequired()])
    tot = DateField(_l("Tot en met"), validators=[DataRequired()])
    sample = TextAreaField(_l("Steekproef"), validators=[DataRequired(), Length(max=4000)])
    findings = TextAreaField(_l("Bevindingen"), validators=[DataRequired(), Length(max=4000)])

    def validate_tot(self, field: DateField) -> None:
        if self.van.data and field.data and field.data < self.van.data:
            raise ValidationError(_l("De einddatum ligt voor de begindatum."))
