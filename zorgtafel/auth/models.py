"""Organisations, users and their server-side sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.auth.secrets import PasswordHash, SecretText, TotpSecret
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class Role(enum.StrEnum):
    chair = "chair"
    partner = "partner"
    privacy = "privacy"
    admin = "admin"
    #: beleidsmedewerker (gemeente): the figures only, never a case, a code or a list
    policy = "policy"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: matches a partner code in the convenant, e.g. ``politie``
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: created by ``zorgtafel demo``; never mixed up with real organisations
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.code}>"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: lower-cased on entry; the login name
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    #: argon2id PHC string; ``str()`` of it never shows the hash
    password_hash: Mapped[PasswordHash] = mapped_column(SecretText(PasswordHash))
    #: base32 TOTP seed, set at enrolment; confirmed once a first code matched
    totp_secret: Mapped[TotpSecret | None] = mapped_column(SecretText(TotpSecret), default=None)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: the last accepted 30-second step: a code works once
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    #: for Flask-Login: a loaded user is logged in (anonymous visitors are Flask-Login's own)
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def totp_enrolled(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class UserSession(Base):
    """A logged-in session. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the last time a TOTP code was confirmed again in this session (None: only at login)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship(back_populates="sessions", lazy="joined")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class PendingLogin(Base):
    """A login halfway: the password was accepted, the second factor not yet.

    The cookie holds a random token (only its SHA-256 is stored), never the user id. The row
    is deleted when the second step logs in, so the half-login works once, and only for the
    session whose cookie holds the token.
    """

    __tablename__ = "pending_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<PendingLogin {self.id} user={self.user_id}>"


class PasswordReset(Base):
    """A one-time link an administrator handed out, so a user sets a new password.

    Only the token's SHA-256 is stored. A link works once, until it expires; a newer link for
    the same user, or blocking the user, ends it.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: when the link was used, or made void by a newer one or by blocking the user
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} user={self.user_id}>"
