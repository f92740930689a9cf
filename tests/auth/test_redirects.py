"""Redirects after login and after a language switch stay on this site, whatever ``next`` holds."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.auth import Factories, csrf_token
from zorgtafel.auth.access import safe_next

BASE = "http://localhost/inloggen/code"

#: the known families of open-redirect bypasses, as a prefix, a host and a tail
PREFIXES = [
    "/", "//", "///", "\\\\", "/\\", "\\/", "/\t/", "/%09/", "\t//", "/\n/", "/%0a/", "/\r\n/",
    "/\x0b/", "/\x00/", "\x00//", " //", "/%2F", "/%2f/", "%2F%2F", "/%5C", "/%5c/", "/%252F/",
    "/\u2215", "/\uff0f", "/\u2044", "/\u29f8", "\uff0f\uff0f", "/\u3002/", "https:", "https://",
    "http:/", "HTTPS:\\\\", "javascript:", "data:text/html,", "//user:pass@", "/@", "/user@", "@",
    "/./", "/../", "/.%2e/", "/%2e%2e/", "/..;/", "/convenant//", "/convenant/..//",
]  # fmt: skip
HOSTS = ["evil.example", "evil.example/", "evil.example:80", "127.0.0.1", "", "@evil.example"]
TAILS = ["", "/", "/zaken", "?x=1", "#f", "\\@x", "%23", "\n"]
FAMILIES = st.builds(
    lambda prefix, host, tail: prefix + host + tail,
    st.sampled_from(PREFIXES),
    st.sampled_from(HOSTS),
    st.sampled_from(TAILS),
)
NEXT_VALUES = st.one_of(
    FAMILIES,
    st.text(max_size=40),
    st.text(alphabet="/\\%2fF5cC09aAdDeE@:.;?#\t\n\r\x00 \u2215\uff0fevil", max_size=30),
)


def on_site(location: str) -> bool:
    """Whether a browser following ``location`` stays on this site, at a path of it."""
    if not re.fullmatch(r"/[!-~]*", location) or location[1:2] in ("/", "\\"):
        return False
    # how a browser reads it (WHATWG URL): tab and newlines dropped, a backslash is a slash
    browser = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(urljoin(BASE, browser))
    decoded = unquote(parts.path)
    return (
        parts.scheme == "http"
        and parts.netloc == "localhost"
        and not decoded.startswith(("//", "/\\"))
        and not parts.query
    )


def test_the_checker_sees_the_known_bypass() -> None:
    assert not on_site("/\t/evil.example")
    assert not on_site("//evil.example")
    assert not on_site("/\\evil.example")
    assert not on_site("/%2F/evil.example")
    assert on_site("/convenant")


@settings(max_examples=1500, deadline=None)
@given(NEXT_VALUES)
def test_safe_next_only_gives_paths_of_this_site(app: Flask, target: str) -> None:
    with app.test_request_context("/inloggen/code"):
        assert on_site(safe_next(target)), repr(target)


@pytest.mark.parametrize(
    "target", ["/convenant", "/convenant/versies", "/casussen", "/casussen/ZT-2026-0001", "/"]
)
def test_safe_next_keeps_a_page_of_this_app(app: Flask, target: str) -> None:
    with app.test_request_context("/inloggen/code"):
        assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    ["/nergens", "/uitloggen", "/convenant?x=1", "/casussen/../convenant", "/convenant/", "x"],
)
def test_safe_next_refuses_what_no_page_answers(app: Flask, target: str) -> None:
    with app.test_request_context("/inloggen/code"):
        assert safe_next(target) == "/"


def _login_with_next(client: FlaskClient, factories: Factories, target: str):  # type: ignore[no-untyped-def]
    user = factories.user()
    token = csrf_token(client)
    response = client.post(
        "/inloggen",
        query_string={"next": target},
        data={"email": user.email, "password": user.password, "csrf_token": token},
    )
    assert response.status_code == 302
    step = response.headers["Location"]
    assert on_site(step.split("?")[0])
    token = csrf_token(client, step)
    return client.post(step, data={"code": user.code(), "csrf_token": token})


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "/%2F/evil.example",
        "/%5C/evil.example",
        "//user:pass@evil.example",
        "/\uff0f/evil.example",
        "/\u2215\u2215evil.example",
        "https://evil.example/",
        "/convenant\n",
    ],
)
def test_login_never_redirects_off_site(
    client: FlaskClient, factories: Factories, target: str
) -> None:
    response = _login_with_next(client, factories, target)
    assert response.status_code == 302  # a newline in next used to be a 500
    assert response.headers["Location"] == "/"


def test_login_keeps_a_local_next(client: FlaskClient, factories: Factories) -> None:
    response = _login_with_next(client, factories, "/convenant/versies")
    assert response.headers["Location"] == "/convenant/versies"


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(NEXT_VALUES)
def test_language_switch_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    token = csrf_token(client)
    response = client.post("/taal", data={"locale": "nl", "next": target, "csrf_token": token})
    assert response.status_code == 302, repr(target)
    assert on_site(response.headers["Location"]), repr(target)
