"""Login throttling (Flask-Limiter): per account and per client address, in sliding windows.

Windows of minutes and hours slow a guesser down; none of them locks an account for good.
The counts are kept in a store all app processes share: by default the app's database
(``zorgtafel.core.throttle_store``); ``ratelimit.storage_uri`` may point elsewhere, e.g. at
redis when several hosts serve the app.

When the store does not answer, the throttled routes fail closed: no attempt is checked
against a password or a code without being counted, so the login is refused with a page that
says why (503) and an error in the log.
"""

from __future__ import annotations

import hashlib
import logging

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.errors import StorageError

log = logging.getLogger(__name__)

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def init_app(app: Flask) -> None:
    from zorgtafel.core import throttle_store

    settings = app.extensions["zorgtafel.settings"]
    uri = app.config.setdefault("RATELIMIT_STORAGE_URI", settings["ratelimit.storage_uri"])
    if uri.startswith(throttle_store.SCHEME + ":"):
        throttle_store.init_app(app, settings.database_url)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "zorgtafel")
    # a moving window: the 6th attempt within any minute is refused, not only within a clock's
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    # every store's own errors (SQLAlchemy's, redis's) as limits' StorageError: one handler
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"wrap_exceptions": True})
    app.config["RATELIMIT_SWALLOW_ERRORS"] = False  # swallowed would mean: not counted
    limiter.init_app(app)
    _check_in_the_decorators_only(app)
    app.register_error_handler(StorageError, _store_unreachable)


def _store_unreachable(exc: StorageError):  # type: ignore[no-untyped-def]
    """Fail closed: without the count, no password or code is checked."""
    from zorgtafel.core.errors import render_error

    log.error(
        "login throttle store unreachable (%s): login refused, endpoint %s",
        type(exc.storage_error).__name__,
        request.endpoint,
    )
    message = _(
        "Inloggen kan nu even niet: de teller van inlogpogingen is niet bereikbaar. "
        "Er is niets gecontroleerd of opgeslagen; probeer het over een paar minuten opnieuw."
    )
    return render_error(503, message)


def _check_in_the_decorators_only(app: Flask) -> None:
    """Drop Flask-Limiter's per-request hook; the login routes' decorators check their limits.

    The hook exists for default and application-wide limits, and we have none, yet it resolved
    the endpoint's limits on every page. Should such limits ever be configured, refuse to
    start instead of silently not enforcing them.
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        raise RuntimeError("zorgtafel: default or application-wide rate limits are not supported")
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [h for h in hooks if h != limiter._check_request_limit]


def account_key() -> str:
    """The account a password attempt is for: a hash of the e-mail address (none in the store)."""
    email = (request.form.get("email") or "").strip().lower()
    return _hashed("email:" + email)


def pending_account_key() -> str:
    """The account of a second-step attempt (code, enrolment): the user the password step
    accepted, and nothing the request itself says (an extra ``email`` field changes nothing)."""
    from zorgtafel.auth.operations import pending_user_id

    return _hashed(f"user:{pending_user_id() or ''}")


def current_account_key() -> str:
    """The account of a logged-in user confirming a code again."""
    from zorgtafel.auth.access import current_user

    user = current_user()
    return _hashed(f"user:{user.id if user else ''}")


def _hashed(value: str) -> str:
    return "account:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def per_account() -> str:
    return current_app.extensions["zorgtafel.settings"]["ratelimit.login_per_account"]


def per_ip() -> str:
    return current_app.extensions["zorgtafel.settings"]["ratelimit.login_per_ip"]
