"""What an administrator does to accounts: add, block, unblock, reset the second factor, hand
out a one-time link to set a new password. Each step is an audit event (ids, never names).

An administrator never learns or chooses a password: a new account and a reset both hand the
administrator a one-time link to pass on, and the user sets the password there. A reset makes
the old password and every session of the user end at once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from zorgtafel.audit.operations import ANONYMOUS, Actor, record
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Purpose
from zorgtafel.auth import operations, sessions, totp
from zorgtafel.auth.models import PasswordReset, Role, User
from zorgtafel.auth.operations import AccountError
from zorgtafel.auth.passwords import hash_password, password_problem
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db

log = logging.getLogger("zorgtafel.auth")

#: how long a link to set a password works
RESET_VALID = timedelta(hours=24)


def add_user(by: User, email: str, name: str, org_code: str, role: Role) -> tuple[User, str]:
    """A new account and the one-time link (its token) with which its user sets a password."""
    user = operations.create_user(email, name, org_code, role, _unusable_password())
    _record(by, AuditAction.create, user, Change.user_created)
    return user, _new_reset(by, user)


def block(by: User, user: User) -> None:
    """Block ``user``: every session and every open link ends at once."""
    _not_self(by, user, _l("U kunt uw eigen account niet blokkeren."))
    operations.disable_user(user)
    _end_links(user)
    _record(by, AuditAction.update, user, Change.user_disabled)


def unblock(by: User, user: User) -> None:
    """Let a blocked user log in again, with the password and second factor they had."""
    if user.disabled_at is None:
        raise AccountError(_l("Dit account is niet geblokkeerd."))
    user.disabled_at = None
    _record(by, AuditAction.update, user, Change.user_enabled)
    log.info("user enabled user=%s", user.id)


def reset_second_factor(by: User, user: User) -> None:
    """A new TOTP secret, to be linked at the next login; every session of ``user`` ends."""
    _not_self(by, user, _l("Uw eigen tweestapsverificatie herstelt een andere beheerder."))
    user.totp_secret = totp.new_secret()
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    sessions.end_all_sessions(user)
    _record(by, AuditAction.update, user, Change.second_factor_reset)
    log.info("second factor reset user=%s", user.id)


def reset_password(by: User, user: User) -> str:
    """End the password and every session of ``user``; the token of a link to set a new one."""
    _not_self(by, user, _l("Uw eigen wachtwoord wijzigt u onder Account."))
    if not user.is_active:
        raise AccountError(_l("Dit account is geblokkeerd: deblokkeer het eerst."))
    user.password_hash = hash_password(_unusable_password())
    user.password_changed_at = utcnow()
    sessions.end_all_sessions(user)
    return _new_reset(by, user)


def open_reset(token: str) -> PasswordReset | None:
    """The link ``token`` names, if it still works: unused, not expired, its user active."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.ended_at is not None or reset.expires_at <= utcnow():
        return None
    return reset if reset.user.is_active else None


def use_reset(token: str, password: str) -> User:
    """Set the password through the link; the link then ends. Raises AccountError."""
    begin_write(db.session)
    reset = open_reset(token)
    if reset is None:
        raise AccountError(_l("Deze link werkt niet meer. Vraag de beheerder om een nieuwe."))
    if problem := password_problem(password):
        raise AccountError(_l("Wachtwoord %(problem)s.", problem=problem))
    user = reset.user
    now = utcnow()
    reset.ended_at = now
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    sessions.end_all_sessions(user)
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.user,
        object_id=str(user.id),
        purpose=Purpose.administration,
        reason=Change.password_reset_used,
    )
    log.info("password set through a reset link user=%s", user.id)
    return user


def _new_reset(by: User, user: User) -> str:
    _end_links(user)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordReset(
            token_hash=_hash(token),
            user=user,
            issued_by_id=by.id,
            created_at=now,
            expires_at=now + RESET_VALID,
        )
    )
    db.session.flush()
    _record(by, AuditAction.update, user, Change.password_reset_issued)
    log.info("password reset link issued user=%s by=%s", user.id, by.id)
    return token


def _end_links(user: User) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def _not_self(by: User, user: User, message: object) -> None:
    if by.id == user.id:
        raise AccountError(str(message))


def _record(by: User | None, action: AuditAction, user: User, change: Change) -> None:
    record(
        action,
        actor=Actor.of(by) if by is not None else ANONYMOUS,
        object_type=ObjectType.user,
        object_id=str(user.id),
        purpose=Purpose.administration,
        reason=change,
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unusable_password() -> str:
    """A password nobody knows: the account cannot be entered with a password until one is
    set through a link."""
    return secrets.token_urlsafe(48)
