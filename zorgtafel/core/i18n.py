"""Dutch first: texts are written in Dutch; ``translations/en`` carries the English."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations, gettext
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup
from wtforms.i18n import messages_path

LOCALES = ("nl", "en")


def _select_locale() -> str:
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    default = current_app.extensions["zorgtafel.settings"]["app.default_locale"]
    return (
        default
        if not request.accept_languages
        else (request.accept_languages.best_match(LOCALES, default=default) or default)
    )


def translations() -> NullTranslations:
    """This request's catalogue, looked up once per request.

    Flask-Babel walks ``g``, the domain and the locale on every call; a page with forty
    agenda lines calls ``_()`` dozens of times. The locale does not change within a request
    (the language switch answers with a redirect).
    """
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


def translate(message: str) -> str:
    """``message`` (a Dutch msgid) in the current language: through this request's cached
    catalogue, or Flask-Babel's outside a request (commands), or as it is without an app."""
    if has_request_context():
        return translations().ugettext(message)
    if has_app_context():
        return gettext(message)
    return message


@pass_context
def template_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()`` in templates, as Jinja's i18n extension does it (escape the variables, always
    format), in one call instead of three."""
    text = translations().ugettext(message)
    if context.eval_ctx.autoescape:
        # our own catalogue text is markup, as for Jinja's extension; ``%`` escapes the values
        text = Markup(text)  # noqa: S704
    return text % variables


@cache
def _wtforms_catalogue(locale: str) -> Translations:
    """WTForms' own messages in ``locale``, read once per process (Flask-WTF reads the file
    again for every request that builds a form)."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class _WtformsMessages:
    """What Flask-WTF looks for on the request: WTForms' messages in the request's language,
    from the process's catalogue (the locale asked for only when a message is)."""

    __slots__ = ()

    def ugettext(self, message: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WtformsMessages()


def _wtforms_messages() -> None:
    request.wtforms_translations = _WTFORMS_MESSAGES  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_select_locale, default_translation_directories="translations")
    app.before_request(_wtforms_messages)
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
