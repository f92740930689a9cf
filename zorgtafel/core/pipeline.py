"""The request pipeline: one commit per request (before its page renders, or after the view),
the request's ledger kept when it fails, security headers on every response."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: ``keep(session)``: roll back a failed request's writes and commit the events that must
#: outlive it (``zorgtafel.audit.ledger.keep``)
Keep = Callable[[Session], int]
_KEEP = "zorgtafel.pipeline.keep"


def init_app(app: Flask, keep: Keep) -> None:
    app.extensions[_KEEP] = keep
    app.before_request(_nonce)
    # after_request hooks run last-registered first: the commit decides the response, then
    # every response (a bare 500 included) gets the headers
    app.after_request(_security_headers)
    app.after_request(_commit)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


def _nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


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
    """Commit a successful request; for a failed one keep only its ledger (its disclosures and
    refusals). If that cannot be written, nothing of the page may leave: a bare 500."""
    session = g.get("db_session")
    if session is None:
        return response
    try:
        if response.status_code < 400:
            session.commit()
            return response
    except Exception as exc:
        log.error("commit failed (%s); keeping the request's ledger only", type(exc).__name__)
        response = bare_error()
    try:
        current_app.extensions[_KEEP](session)
    except Exception as exc:
        log.error("ledger could not be kept (%s): answered with a bare 500", type(exc).__name__)
        return bare_error()
    return response


def _commit_session() -> None:
    session = g.get("db_session")
    if session is not None:
        session.commit()


def bare_error() -> Response:
    """A 500 that shows nothing at all: no page, no message that could hold data."""
    return Response("500\n", status=500, mimetype="text/plain")


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
    # same-origin, not no-referrer: over https Flask-WTF (WTF_CSRF_SSL_STRICT) refuses a POST
    # without a same-origin Referer; other sites still get none
    response.headers["Referrer-Policy"] = "same-origin"
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
