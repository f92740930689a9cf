"""Every change to accounts goes through here, and every one is logged (ids, never names)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import current_app, g, session
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from zorgtafel.audit import ledger
from zorgtafel.audit.operations import ANONYMOUS, Actor, event, record
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Outcome, Purpose
from zorgtafel.auth import sessions, totp
from zorgtafel.auth.models import Organisation, PendingLogin, Role, User
from zorgtafel.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db

log = logging.getLogger("zorgtafel.auth")
#: key in the signed cookie: the random token of a half-login (see ``PendingLogin``)
PENDING = "pending"
_PENDING_ROW = "zorgtafel.pending_login"


class AccountError(ValueError):
    """A refused account change; the message is safe to show and to print."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None; same work for every failure."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        log.info("login failed at password step%s", f" user={user.id}" if user else "")
        _record_failed_login(user, Change.failed_password)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        log.info("password rehashed user=%s", user.id)
    return user


def begin_second_factor(user: User) -> None:
    """Password accepted: remember on the server who is halfway, for a few minutes.

    The cookie gets only a random token for it (no user id to read), and a fresh session:
    whatever the cookie held before, an earlier half-login included, is dropped.
    """
    now = utcnow()
    stale = PendingLogin.created_at < now - _pending_lifetime()
    earlier = session.get(PENDING)
    if isinstance(earlier, str):
        stale = stale | (PendingLogin.token_hash == sessions.token_hash(earlier))
    db.session.execute(delete(PendingLogin).where(stale))
    token = secrets.token_urlsafe(32)
    db.session.add(
        PendingLogin(token_hash=sessions.token_hash(token), user_id=user.id, created_at=now)
    )
    session.clear()
    session[PENDING] = token
    g.pop(_PENDING_ROW, None)


def _pending_lifetime() -> timedelta:
    minutes = current_app.extensions["zorgtafel.settings"]["session.login_pending_minutes"]
    return timedelta(minutes=minutes)


def _pending() -> PendingLogin | None:
    """This session's half-login, if its token is known and still in time (once per request)."""
    if _PENDING_ROW in g:
        return g.get(_PENDING_ROW)
    token = session.get(PENDING)
    row = None
    if isinstance(token, str) and token:
        row = db.session.scalar(
            select(PendingLogin).where(PendingLogin.token_hash == sessions.token_hash(token))
        )
        if row is not None and utcnow() - row.created_at > _pending_lifetime():
            row = None
    if row is None and PENDING in session:
        session.pop(PENDING)
    g.setdefault(_PENDING_ROW, row)
    return row


def pending_user_id() -> int | None:
    """The user halfway through login in this session (password accepted), if still in time."""
    row = _pending()
    return row.user_id if row is not None else None


def pending_user() -> User | None:
    row = _pending()
    user = db.session.get(User, row.user_id) if row is not None else None
    return user if user is not None and user.is_active else None


def _use_pending(user: User) -> bool:
    """Spend this session's half-login of ``user``: it logs in once (a replay finds nothing)."""
    row = _pending()
    if row is None or row.user_id != user.id:
        return False
    deleted = db.session.execute(delete(PendingLogin).where(PendingLogin.id == row.id))
    g.pop(_PENDING_ROW, None)
    return deleted.rowcount == 1  # type: ignore[attr-defined]


def complete_login(user: User, code: str) -> bool:
    """Second factor: a code from the enrolled authenticator, each code once."""
    if user.totp_secret is None or not user.totp_enrolled:
        return False
    if not _accept_code(user, code) or not _use_pending(user):
        log.info("login failed at code step user=%s", user.id)
        _record_failed_login(user, Change.failed_code)
        return False
    sessions.start_session(user)
    log.info("login user=%s role=%s", user.id, user.role.value)
    _record_login(user, AuditAction.login)
    return True


def confirm_enrolment(user: User, code: str) -> bool:
    """First login: the first code from the new authenticator confirms the key and logs in."""
    if user.totp_secret is None or user.totp_enrolled:
        return False
    if not _accept_code(user, code) or not _use_pending(user):
        _record_failed_login(user, Change.failed_enrolment_code)
        return False
    user.totp_confirmed_at = utcnow()
    sessions.start_session(user)
    log.info("totp enrolled and login user=%s", user.id)
    _record_login(user, AuditAction.login, reason=Change.login_enrolment)
    return True


def confirm_again(user: User, code: str) -> bool:
    """A logged-in user confirms a code again, for a step that needs a fresh login; logged."""
    if user.totp_secret is None or not user.totp_enrolled:
        return False
    if not _accept_code(user, code):
        log.info("confirmation failed user=%s", user.id)
        _record_failed_login(user, Change.failed_code)
        return False
    sessions.confirm_again()
    log.info("confirmed again user=%s", user.id)
    _record_login(user, AuditAction.login, reason=Change.login_reconfirmed)
    return True


def _accept_code(user: User, code: str) -> bool:
    """A code once, also when two requests bring it at the same moment: its step is claimed in
    the database (``totp_last_step`` raised only from below it), not only in memory. Of two
    such requests on PostgreSQL the second waits for the first's commit, then finds the step
    taken; on SQLite the write lock orders them."""
    assert user.totp_secret is not None  # noqa: S101 - the callers checked
    begin_write(db.session)  # SQLite: the claim below writes; take the lock before it
    previous = user.totp_last_step
    with db.session.no_autoflush:
        if not totp.accept_code(user, user.totp_secret, code):
            return False
        step = user.totp_last_step
        claimed = db.session.execute(
            update(User)
            .where(User.id == user.id, User.totp_last_step < step)
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount
    set_committed_value(user, "totp_last_step", step if claimed == 1 else previous)
    return claimed == 1


def logout() -> None:
    user = g.get("user")
    if user is not None:
        _record_login(user, AuditAction.logout)
    sessions.end_session()


def _record_login(user: User, action: AuditAction, reason: Change | None = None) -> None:
    record(
        action,
        actor=Actor.of(user),
        object_type=ObjectType.user,
        object_id=str(user.id),
        purpose=Purpose.authentication,
        reason=reason,
    )


def _record_failed_login(user: User | None, step: Change) -> None:
    """A failed attempt is logged (never the e-mail typed) and kept despite the 401 answer:
    it goes through the request ledger, like a refused disclosure."""
    failed = event(
        AuditAction.login_failed,
        outcome=Outcome.refused,
        actor=Actor.of(user) if user else ANONYMOUS,
        object_type=ObjectType.user,
        object_id=str(user.id) if user else None,
        purpose=Purpose.authentication,
        reason=step,
    )
    ledger.append(db.session, [failed])


def create_user(
    email: str, name: str, org_code: str, role: Role, password: str, *, is_demo: bool = False
) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("ongeldig e-mailadres")
    if find_user(email) is not None:
        raise AccountError("dit e-mailadres heeft al een account")
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
    if organisation is None:
        raise AccountError(f"onbekende organisatie {org_code!r}")
    if problem := password_problem(password):
        raise AccountError(f"wachtwoord {problem}")
    user = User(
        email=email,
        name=name.strip(),
        organisation=organisation,
        role=role,
        password_hash=hash_password(password),
        totp_secret=totp.new_secret(),
        is_demo=is_demo,
    )
    db.session.add(user)
    db.session.flush()
    log.info("user created user=%s org=%s role=%s", user.id, organisation.code, role.value)
    return user


def create_organisation(code: str, name: str, *, is_demo: bool = False) -> Organisation:
    code = code.strip().lower()
    if not code or len(code) > 40 or not code.replace("-", "").replace("_", "").isalnum():
        raise AccountError("organisatiecode: letters, cijfers, - en _")
    existing = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if existing is not None:
        return existing
    organisation = Organisation(code=code, name=name.strip(), is_demo=is_demo)
    db.session.add(organisation)
    db.session.flush()
    log.info("organisation created org=%s", code)
    return organisation


def disable_user(user: User) -> None:
    """Block a user and end every session of theirs at once."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    sessions.end_all_sessions(user)
    log.info("user disabled user=%s", user.id)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; every session of the user ends and this one starts afresh."""
    if not verify_password(user.password_hash, current):
        raise AccountError("het huidige wachtwoord klopt niet")
    if problem := password_problem(new):
        raise AccountError(f"nieuw wachtwoord {problem}")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    sessions.end_all_sessions(user)
    sessions.start_session(user)
    log.info("password changed user=%s", user.id)


def active_user_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.disabled_at.is_(None))) or 0
