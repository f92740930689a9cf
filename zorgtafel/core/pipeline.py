"""The request pipeline: one commit per request (before its page renders, or after the view),
security headers on every response."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, g, render_template, request
from sqlalchemy.exc import SQLAlchemyError


def init_app(app: Flask) -> None:
    app.before_request(_nonce)
    app.after_request(_commit)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


def _nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def keep_on_error() -> None:
    """Commit this request's writes even though it answers with an error (e.g. a refusal event)."""
    g.keep_on_error = True


def render_page(template: str, **context: Any) -> str:
    """Commit the request's work, then render its page (a page answered with 200).

    What a page shows is gathered, and its disclosures logged, before it renders; ending the
    transaction first means no database lock (on SQLite the one write lock) is held while
    HTML is produced. Should rendering fail after that, its audit events stay: the log may
    then say more was shown than was, never less.
    """
    _commit_session()
    return render_template(template, **context)


def _commit(response: Response) -> Response:
    if "db_session" not in g:
        return response
    if response.status_code >= 400 and not g.get("keep_on_error"):
        g.db_session.rollback()
        return response
    _commit_session()
    return response


def _commit_session() -> None:
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        raise


def _security_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # any page may show personal data to someone: never cache one (static files hold none)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
