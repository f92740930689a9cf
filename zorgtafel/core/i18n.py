"""Dutch first: texts are written in Dutch; ``translations/en`` carries the English."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale

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


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_select_locale, default_translation_directories="translations")
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["get_locale"] = get_locale
