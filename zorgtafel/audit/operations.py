"""Appending to the audit log: ``record(...)`` is the only writer.

An append locks the head row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write
transaction already holds the database's write lock from BEGIN IMMEDIATE), takes the next
sequence number and the previous hash, inserts the event and moves the head, all inside the
caller's transaction: the event commits or rolls back together with what it records.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from flask import current_app, g, has_request_context, request
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from zorgtafel.audit.chain import FIELDS, event_hash
from zorgtafel.audit.models import AuditAction, AuditEvent, AuditHead, Outcome
from zorgtafel.core.db import db, utcnow

if TYPE_CHECKING:
    from zorgtafel.auth.models import User

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")


class ConvenantVersion(Protocol):
    """What an audit event names of a convenant (``zorgtafel.convenant.model.Convenant``)."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def content_hash(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """Who acted: a user with organisation and role, or a command-line job (role ``cli``)."""

    user_id: int | None
    org: str | None
    role: str | None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.organisation.code, user.role.value)


#: actor of events written by ``zorgtafel`` commands (no logged-in user)
CLI_ACTOR = Actor(None, None, "cli")
ANONYMOUS = Actor(None, None, None)


@dataclass(frozen=True)
class Recorded:
    seq: int
    hash: str


def record(
    action: AuditAction,
    *,
    outcome: Outcome = Outcome.allowed,
    actor: Actor | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    level: str | None = None,
    categories: Iterable[str] = (),
    convenant: ConvenantVersion | None = None,
    article: str | None = None,
    purpose: str | None = None,
    reason: str | None = None,
    session: Session | None = None,
) -> Recorded:
    """Append one event in the current transaction and return its seq and hash.

    Everything passed must be a code or a pseudonym: the log never holds content or names.
    Raises if the event cannot be written, so a caller's read fails with it.
    """
    values = event_values(
        action,
        outcome=outcome,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        level=level,
        categories=categories,
        convenant=convenant,
        article=article,
        purpose=purpose,
        reason=reason,
    )
    return append(session or db.session, values)


def record_many(events: Iterable[dict[str, object]], *, session: Session | None = None) -> int:
    """Append several events (each the keyword arguments of :func:`record`) in one go.

    One head lock, one multi-row insert and one head update, however many events: a page
    that discloses forty agenda lines costs the same number of statements as one with five.
    Returns how many were written.
    """
    rows = [event_values(**event) for event in events]  # type: ignore[arg-type]
    if rows:
        append_many(session or db.session, rows)
    return len(rows)


def event_values(
    action: AuditAction,
    *,
    outcome: Outcome = Outcome.allowed,
    actor: Actor | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    level: str | None = None,
    categories: Iterable[str] = (),
    convenant: ConvenantVersion | None = None,
    article: str | None = None,
    purpose: str | None = None,
    reason: str | None = None,
) -> dict[str, object]:
    """The stored fields of one event, checked: codes and pseudonyms only."""
    for name, value in (("object_type", object_type), ("purpose", purpose), ("reason", reason)):
        if value is not None and not _CODE.match(value):
            raise ValueError(f"audit {name} must be a code")
    actor = actor or _current_actor()
    return {
        "occurred_at": utcnow(),
        "actor_user_id": actor.user_id,
        "actor_org": actor.org,
        "actor_role": actor.role,
        "action": AuditAction(action).value,
        "object_type": object_type,
        "object_id": object_id,
        "level": level,
        "categories": ",".join(sorted(set(categories))) or None,
        "convenant_id": convenant.id if convenant else None,
        "convenant_version": convenant.version if convenant else None,
        "convenant_hash": convenant.content_hash if convenant else None,
        "convenant_article": article,
        "purpose": purpose,
        "outcome": Outcome(outcome).value,
        "reason": reason,
        **_request_origin(),
    }


def append(session: Session, values: dict[str, object]) -> Recorded:
    """Chain ``values`` (every field but seq and the hashes) onto the log under the head lock."""
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    ).one()
    row = {**values, "seq": head.seq + 1, "prev_hash": head.hash}
    digest = event_hash([row[name] for name in FIELDS])
    session.execute(insert(AuditEvent).values(**row, hash=digest))
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=row["seq"], hash=digest))
    return Recorded(int(row["seq"]), digest)  # type: ignore[call-overload]


def append_many(session: Session, many: list[dict[str, object]]) -> Recorded:
    """Chain several events in order under one head lock: one executemany insert, and one
    executemany head update (the database lets the head move forward one step at a time)."""
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    ).one()
    seq, previous, rows = head.seq, head.hash, []
    for values in many:
        seq += 1
        row = {**values, "seq": seq, "prev_hash": previous}
        row["hash"] = previous = event_hash([row[name] for name in FIELDS])
        rows.append(row)
    # Core, not the ORM's bulk path: the same statement, without its per-row bookkeeping
    session.connection().execute(insert(AuditEvent.__table__), rows)
    head_table = AuditHead.__table__
    session.connection().execute(
        update(head_table)
        .where(head_table.c.id == 1)
        .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")),
        [{"new_seq": row["seq"], "new_hash": row["hash"]} for row in rows],
    )
    return Recorded(seq, previous)


def _current_actor() -> Actor:
    user = g.get("user") if has_request_context() else None
    if user is not None:
        return Actor.of(user)
    return ANONYMOUS if has_request_context() else CLI_ACTOR


def _request_origin() -> dict[str, str | None]:
    if not has_request_context():
        return {"client_address": None, "request_id": None}
    return {"client_address": (request.remote_addr or "")[:45] or None, "request_id": request_id()}


def request_id() -> str:
    """This request's id: the trusted proxy's ``X-Request-ID`` if well-formed, else a new one."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        trusted = current_app.extensions["zorgtafel.settings"]["app.proxy_fix"]
        g.request_id = incoming if trusted and _REQUEST_ID.match(incoming) else secrets.token_hex(8)
    return g.request_id
