"""What may enter the app: row ids in URLs and free text in forms.

Bad input gets a 404 (a URL) or a form error (a field); it never reaches the database, where
an id past its column's range or a NUL would fail as a 500 instead.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import Field, StringField
from wtforms.validators import ValidationError as FieldError

#: the largest row id our tables hold: their ids are INTEGER, 32 bits on PostgreSQL
MAX_ROW_ID = 2**31 - 1
#: control characters a text may hold: line breaks and tabs
ALLOWED_CONTROLS = frozenset("\n\r\t")
#: Unicode's bidirectional classes of the embedding, override and isolate controls, which
#: can make a text read otherwise than it is stored
BIDI_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


class RowId(BaseConverter):
    """``<int:...>`` app-wide: plain ASCII digits, no leading zero, at most :data:`MAX_ROW_ID`.

    Werkzeug's own takes any Unicode digit (the Arabic-Indic ``١`` is 1) and leading zeros
    (``01`` is 1 too), and hands the database ids it cannot hold.
    """

    regex = r"0|[1-9][0-9]{0,9}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ROW_ID:
            raise ValidationError()  # no route matches: 404
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def init_app(app: Flask) -> None:
    """Replace Werkzeug's ``int`` converter before any blueprint adds a rule."""
    app.url_map.converters["int"] = RowId


def refused_character(text: str) -> str | None:
    """The first character free text may not hold, by Unicode's own categories: a control
    character (category Cc) other than a line break or tab, or a bidirectional control (a
    format character, Cf, of an embedding, override or isolate class)."""
    for character in text:
        category = unicodedata.category(character)
        if category == "Cc" and character not in ALLOWED_CONTROLS:
            return character
        if category == "Cf" and unicodedata.bidirectional(character) in BIDI_CONTROLS:
            return character
    return None


def plain_text(_form: Any, field: Field) -> None:
    """A form validator: the field's text holds no control character nor bidi override."""
    if isinstance(field.data, str) and refused_character(field.data) is not None:
        raise FieldError(
            _l("Deze tekst bevat een onzichtbaar stuur- of richtingsteken; haal het weg.")
        )


class TextForm(FlaskForm):
    """A form whose every text field (text, text areas, hidden fields) refuses control
    characters and bidirectional overrides, so no field can be forgotten."""

    def validate(self, extra_validators: Any = None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField):
                extra.setdefault(name, []).append(plain_text)
        return super().validate(extra)


__all__ = [
    "MAX_ROW_ID",
    "RowId",
    "TextForm",
    "init_app",
    "plain_text",
    "refused_character",
]
