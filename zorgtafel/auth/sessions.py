"""Server-side sessions: the signed cookie holds only a random token, the database decides.

A session ends on logout, when the user is disabled or changes the password, after
``session.idle_minutes`` without a request, and ``session.absolute_hours`` after login.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy import bindparam, delete, select, update

from zorgtafel.auth.models import User, UserSession
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db

#: write ``last_seen_at`` at most this often, so a page view is not always a write
TOUCH_EVERY = timedelta(seconds=60)
#: key in the signed cookie: when the logged-in session ends for good (Unix time)
ENDS = "ends"
#: key in the signed cookie where Flask-Login looks for the "user id" it hands the user_loader:
#: here our random session token, never a user id (``zorgtafel.auth.access``)
TOKEN = "_user_id"  # noqa: S105 - a key name, not a secret
#: Flask-Login's key for "logged in, or confirmed, recently": kept equal to the server's view
FRESH = "_fresh"


class SessionCookie(SecureCookieSessionInterface):
    """The signed cookie that carries the session token (and the pre-login state).

    It is written when its content changes (login, a flash message, the language, the first
    CSRF token), not again on every response: the server-side session enforces the idle
    timeout and the absolute lifetime, so re-signing the cookie per request bought nothing.
    Its expiry is the session's absolute end, whenever it is written, so the browser drops it
    no later than the server does.
    """

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        ends = session.get(ENDS)
        if session.permanent and isinstance(ends, int):
            return datetime.fromtimestamp(ends, UTC)
        return super().get_expiration_time(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()


def token_hash(token: str) -> str:
    """What the database keeps of a cookie's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """Log ``user`` in with a fresh identifier; whatever the cookie held before is dropped."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(token_hash=token_hash(token), user=user, created_at=now, last_seen_at=now)
    )
    hours = current_app.extensions["zorgtafel.settings"]["session.absolute_hours"]
    session.clear()
    session[TOKEN] = token
    session[FRESH] = True
    session[ENDS] = int((now + timedelta(hours=hours)).timestamp())
    session.permanent = True
    _logged_in_as(user)


def _logged_in_as(user: User | None) -> None:
    """This request's user, for ``g.user`` and Flask-Login's ``current_user`` alike."""
    g.user = user
    current_app.login_manager._update_request_context_with_user(user)  # type: ignore[attr-defined]


def confirm_again() -> None:
    """The user confirmed a code again: this session counts as a fresh login for a while."""
    token = session.get(TOKEN)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_hash(token))
            .values(confirmed_at=utcnow())
        )
        session[FRESH] = True


def end_session() -> None:
    token = session.get(TOKEN)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
    session.clear()
    _logged_in_as(None)


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


#: one query per request: the user (with its organisation, joined) and its session's times
_USER_BY_TOKEN = (
    select(
        User,
        UserSession.id,
        UserSession.created_at,
        UserSession.last_seen_at,
        UserSession.confirmed_at,
    )
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def load_user(token: str | None) -> User | None:
    """Flask-Login's user_loader: the user of the session with this token, or None (and the
    stale session deleted). Also tells Flask-Login whether the login is still fresh."""
    if not token or not isinstance(token, str):
        return None
    found = db.session.execute(_USER_BY_TOKEN, {"token_hash": token_hash(token)}).one_or_none()
    if found is None:
        session.clear()
        return None
    user, session_id, created_at, last_seen_at, confirmed_at = found
    settings = current_app.extensions["zorgtafel.settings"]
    now = utcnow()
    idle = timedelta(minutes=settings["session.idle_minutes"])
    absolute = timedelta(hours=settings["session.absolute_hours"])
    if not user.is_active or now - last_seen_at > idle or now - created_at > absolute:
        # committed with the redirect to the login page
        begin_write(db.session)
        db.session.execute(delete(UserSession).where(UserSession.id == session_id))
        session.clear()
        return None
    if now - last_seen_at > TOUCH_EVERY:
        begin_write(db.session)
        db.session.execute(
            update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
        )
    fresh_for = timedelta(minutes=settings["session.fresh_minutes"])
    fresh = now - (confirmed_at or created_at) <= fresh_for
    if session.get(FRESH) is not fresh:
        session[FRESH] = fresh  # written only when it changes
    g.user = user
    return user
