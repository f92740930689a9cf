"""The header crawl: every route, anonymous and logged in, carries the security headers."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.core.routes import ROUTES, Route
from tests.core.test_access import request_as
from tests.fixtures.app import build_app, make_instance
from tests.fixtures.auth import Factories

REQUIRED_CSP = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)


@pytest.mark.parametrize("role", ["anonymous", "partner", "admin"])
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.endpoint}")
def test_security_headers(
    client: FlaskClient, factories: Factories, login_as, role: str, route: Route
) -> None:  # type: ignore[no-untyped-def]
    response = request_as(client, factories, login_as, role, route)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp)
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain http in tests; see test_sessions
    if role != "anonymous" and route.data:
        assert headers["Cache-Control"] == "no-store"


def test_nonce_differs_per_response_and_matches_the_script_tag(client: FlaskClient) -> None:
    first = client.get("/inloggen")
    second = client.get("/inloggen")
    nonces = [
        re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0]}"' in first.get_data(as_text=True)
    assert "<script>" not in first.get_data(as_text=True)  # no inline script without a nonce


def test_error_pages_are_generic(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("partner")
    response = client.get("/bestaat-niet/ZT-2026-0042?naam=Jansen")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Traceback" not in body
    assert "Jansen" not in body
    assert "ZT-2026-0042" not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_unexpected_error_shows_no_stack_trace(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(database_url, make_instance(tmp_path_factory.mktemp("boom")))

    @app.route("/_boom_for_test")
    def boom() -> str:
        raise RuntimeError("Betrokkene Jansen, BSN 123456782")

    response = app.test_client().get("/_boom_for_test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "RuntimeError" not in body
    assert "Jansen" not in body
    assert "Traceback" not in body
    assert "RuntimeError" in caplog.text  # the log says what failed and where ...
    assert "Jansen" not in caplog.text
    assert "123456782" not in caplog.text
    app.extensions["zorgtafel.db"].engine.dispose()


def test_forbidden_answers_exactly_like_missing(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("partner")
    client.get("/")  # the first page after login writes the cookie once more (its CSRF token)
    forbidden = client.get("/beheer/gebruikers")
    missing = client.get("/beheer/bestaat-niet")

    def normalised(response) -> str:  # type: ignore[no-untyped-def]
        return re.sub(r'(nonce|value)="[^"]*"', "", response.get_data(as_text=True)).replace(
            "/beheer/bestaat-niet", "/beheer/gebruikers"
        )

    assert forbidden.status_code == missing.status_code == 404
    assert normalised(forbidden) == normalised(missing)
    assert sorted(forbidden.headers.keys()) == sorted(missing.headers.keys())
