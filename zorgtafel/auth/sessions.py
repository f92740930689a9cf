"""Server-side sessions: the signed cookie holds only a random token, the database decides.

A session ends on logout, when the user is disabled or changes the password, after
``session.idle_minutes`` without a request, and ``session.absolute_hours`` after login.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, session
from sqlalchemy import delete, select

from zorgtafel.auth.models import User, UserSession
from zorgtafel.core.db import db, utcnow

#: write ``last_seen_at`` at most this often, so a page view is not always a write
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """Log ``user`` in with a fresh identifier; whatever the cookie held before is dropped."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(token), user=user))
    session.clear()
    session["sid"] = token
    session.permanent = True
    g.user = user


def end_session() -> None:
    token = session.get("sid")
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))
    session.clear()
    g.user = None


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def load_user() -> User | None:
    """The user of this request's session, or None (and the stale session deleted)."""
    token = session.get("sid")
    if not token:
        return None
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if record is None:
        session.clear()
        return None
    settings = current_app.extensions["zorgtafel.settings"]
    now = utcnow()
    idle = timedelta(minutes=settings["session.idle_minutes"])
    absolute = timedelta(hours=settings["session.absolute_hours"])
    if (
        not record.user.is_active
        or now - record.last_seen_at > idle
        or now - record.created_at > absolute
    ):
        db.session.delete(record)  # committed with the redirect to the login page
        session.clear()
        return None
    if now - record.last_seen_at > TOUCH_EVERY:
        record.last_seen_at = now
    return record.user
