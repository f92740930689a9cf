"""Dutch first, English available."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.auth import csrf_token


def test_dutch_is_the_default(client: FlaskClient) -> None:
    page = client.get("/inloggen").get_data(as_text=True)
    assert "<h1>Inloggen</h1>" in page
    assert 'lang="nl"' in page


def test_browser_language_english(client: FlaskClient) -> None:
    page = client.get("/inloggen", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Log in</h1>" in page


def test_language_choice_is_kept_in_the_session(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post("/taal", data={"locale": "en", "next": "/inloggen", "csrf_token": token})
    assert response.headers["Location"] == "/inloggen"
    assert "<h1>Log in</h1>" in client.get("/inloggen").get_data(as_text=True)


def test_every_dutch_text_has_an_english_translation() -> None:
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parents[2] / "zorgtafel/translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [message.id for message in catalog if message.id and not message.string]
    assert untranslated == []


def test_wtforms_messages_follow_each_request_language(app: Flask) -> None:
    """WTForms' own messages (its catalogue read once per process) in the request's language,
    request after request."""
    from flask import request
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    class Number(FlaskForm):
        class Meta:
            csrf = False

        number = IntegerField()

    seen = []
    for language in ("nl", "en", "nl", "en"):
        with app.test_request_context("/?number=b", headers={"Accept-Language": language}):
            app.preprocess_request()
            form = Number(request.args)
            assert not form.validate()
            seen.append(form.number.errors[0])
    assert seen == ["Ongeldig getal.", "Not a valid integer value."] * 2
