"""Forms of the minutes domain. The paragraphs are rows of three fields (part, category,
text) read with ``paragraphs_from``; choices come from the gate's view, never the client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from zorgtafel.minutes.models import ActionStatus, MinutesPart
from zorgtafel.minutes.operations import MAX_PARAGRAPH_LENGTH, MAX_PARAGRAPHS, Paragraph


def part_label(part: MinutesPart | str) -> str:
    return MinutesPart(part).label


class MinutesForm(FlaskForm):
    """The editor's own fields; the paragraph rows come as lists ``part``, ``category``,
    ``text``."""

    based_on = IntegerField(widget=HiddenField.widget, validators=[InputRequired(), NumberRange(0)])
    previewed = HiddenField()
    marked = TextAreaField(
        _l("Gemiste woorden (één per regel)"), validators=[Optional(), Length(max=5000)]
    )


class FinaliseForm(FlaskForm):
    based_on = IntegerField(widget=HiddenField.widget, validators=[InputRequired(), NumberRange(1)])


class ParagraphError(ValueError):
    """A paragraph row that cannot be stored as it is; the message says which and why."""


def paragraphs_from(
    formdata: Mapping[str, Sequence[str]] | object, receivable: Sequence[str]
) -> list[Paragraph]:
    """The non-empty rows of the editor as paragraphs (text as typed, not yet pseudonymised).

    ParagraphError for a row with an unknown part, a category the reader may not receive
    (the form offers only those), or a text that is too long; or for too many rows.
    """
    getlist = formdata.getlist  # type: ignore[attr-defined]
    parts, categories, texts = getlist("part"), getlist("category"), getlist("text")
    if not len(parts) == len(categories) == len(texts):
        raise ParagraphError(_l("Het formulier is onvolledig."))
    rows = []
    rows_typed = zip(parts, categories, texts, strict=True)
    for number, (part, category, text) in enumerate(rows_typed, start=1):
        text = text.replace("\r\n", "\n").strip()
        if not text:
            continue
        if part not in MinutesPart._value2member_map_:
            raise ParagraphError(_l("Alinea %(n)s: kies een onderdeel.", n=number))
        if category not in receivable:
            raise ParagraphError(_l("Alinea %(n)s: kies een categorie.", n=number))
        if len(text) > MAX_PARAGRAPH_LENGTH:
            raise ParagraphError(_l("Alinea %(n)s is te lang.", n=number))
        rows.append(Paragraph(MinutesPart(part), category, text))
    if len(rows) > MAX_PARAGRAPHS:
        raise ParagraphError(_l("Te veel alinea's."))
    return rows


class PreviewedForm(FlaskForm):
    """A text form that is pseudonymised and previewed before it is saved as previewed: the
    preview's single-use nonce (``core.once``) and the words the pseudonymiser missed."""

    previewed = HiddenField()
    marked = TextAreaField(
        _l("Gemiste woorden (één per regel)"), validators=[Optional(), Length(max=5000)]
    )


class DecisionForm(PreviewedForm):
    text = TextAreaField(_l("Besluit"), validators=[InputRequired(), Length(max=2000)])


class ActionForm(PreviewedForm):
    owner = SelectField(_l("Eigenaar (organisatie)"), validators=[InputRequired()])
    due_on = DateField(_l("Uiterlijk op"), validators=[InputRequired()])
    description = TextAreaField(_l("Actie"), validators=[InputRequired(), Length(max=2000)])
    #: optionally one user of the owner organisation (the operation checks that it is)
    assignee = SelectField(_l("Toegewezen aan (optioneel)"), default="")

    def __init__(
        self,
        partner_choices: Sequence[tuple[str, str]],
        user_choices: Sequence[tuple[str, str]] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.owner.choices = list(partner_choices)
        self.assignee.choices = [("", _l("niemand in het bijzonder")), *user_choices]

    def assignee_id(self) -> int | None:
        return int(self.assignee.data) if self.assignee.data else None


#: what the chair may set at a review, and what an owner may set on its own action
REVIEW_CHOICES = (
    (ActionStatus.open.value, _l("besproken, blijft open")),
    (ActionStatus.done.value, _l("gedaan")),
    (ActionStatus.not_possible.value, _l("niet mogelijk: de omstandigheden zijn veranderd")),
    (ActionStatus.not_done.value, _l("niet gedaan door de organisatie")),
    (ActionStatus.lapsed.value, _l("vervallen")),
)
OWNER_CHOICES = tuple(
    choice
    for choice in REVIEW_CHOICES
    if choice[0] not in (ActionStatus.open.value, ActionStatus.lapsed.value)
)


class StatusForm(PreviewedForm):
    status = SelectField(_l("Status"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reden of toelichting (verplicht bij niet mogelijk, niet gedaan, vervallen)"),
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *, review: bool, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.status.choices = [
            (v, str(label)) for v, label in (REVIEW_CHOICES if review else OWNER_CHOICES)
        ]
