"""Who may open what: the current user, and decorators that deny by default."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import flask_login
from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import LoginManager
from werkzeug.exceptions import HTTPException

from zorgtafel.auth.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


login_manager = LoginManager()
login_manager.session_protection = None  # our server-side sessions end on logout and timeout


def init_app(app: Flask) -> None:
    """Flask-Login on our server-side session: its "user id" is the session's random token,
    resolved (idle timeout and absolute lifetime included) by ``sessions.load_user``."""
    from zorgtafel.auth import sessions

    login_manager.init_app(app)
    login_manager.user_loader(sessions.load_user)
    login_manager.unauthorized_handler(lambda: redirect(url_for("auth.login", next=_local_next())))
    login_manager.needs_refresh_handler(
        lambda: redirect(url_for("auth.confirm", next=local_path(_page_of_request())))
    )


def current_user() -> User | None:
    """Flask-Login's ``current_user``, typed: the logged-in user, or None."""
    user = flask_login.current_user
    return user._get_current_object() if user.is_authenticated else None  # type: ignore[attr-defined]


login_required = flask_login.login_required
#: "Toon identiteit" and exports: a login (or a code confirmed again) within
#: ``session.fresh_minutes``; otherwise the user confirms a code first (``auth.confirm``)
fresh_login_required = flask_login.fresh_login_required


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Logged in with one of ``roles``; anyone else gets a 404, as if the page did not exist."""
    if not roles or not all(isinstance(role, Role) for role in roles):
        raise ValueError("roles_required needs one or more Role members")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_local_next()))
            if user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def _page_of_request() -> str:
    """Where to come back to after confirming: the page itself, or for a form's POST the page
    the form is on (its parent path, e.g. the case for ``/casussen/<code>/identiteit``)."""
    if request.method == "GET":
        return request.path
    return request.path.rsplit("/", 1)[0] or "/"


def _local_next() -> str | None:
    # only a path, never a URL with a query: queries could carry search terms
    return request.path if request.method == "GET" and request.path != "/" else None


#: what a path of this app may hold: unreserved and sub-delimiter characters, ``:``, ``@``,
#: ``/`` and percent escapes; nothing else (no control characters, spaces, backslashes, non-ASCII)
_PATH = re.compile(r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*")
#: percent escapes that decode to a slash, a backslash, a control character or non-ASCII
_BAD_ESCAPE = re.compile(r"%(?:2[Ff]|5[Cc]|[01][0-9A-Fa-f]|7[Ff]|[89A-Fa-f][0-9A-Fa-f])")
MAX_NEXT = 512


def local_path(target: object) -> str | None:
    """``target`` if it is a path of this app a browser can only resolve on this site, else None.

    Parsed, not pattern-matched for known tricks: it must be a bare absolute path (no scheme,
    host, userinfo, query or fragment), in plain ASCII without control characters, backslashes
    or escaped slashes, with no dot segments, and a page of this app must answer it with GET.
    """
    if not isinstance(target, str) or not 0 < len(target) <= MAX_NEXT:
        return None
    if not _PATH.fullmatch(target) or target.startswith("//") or _BAD_ESCAPE.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or parts.path != target:
        return None
    path = unquote(target)
    if any(segment in (".", "..") for segment in path.split("/")):
        return None
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # not found, not a page (POST only), or a redirect elsewhere
        return None
    return target


def safe_next(target: str | None) -> str:
    """A redirect target after login or a language switch: a local page, else the start page."""
    return local_path(target) or url_for("home.index")
