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
from typing import TYPE_CHECKING, Any, Protocol

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
#: pseudonymous ids: case codes (``ZT-2026-0042``), ``case/partner`` pairs, numeric ids, key ids
_OBJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$")


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


def record(action: AuditAction, *, session: Session | None = None, **fields: Any) -> Recorded:
    """Append one event in the current transaction and return its seq and hash.

    ``fields`` are those of :func:`event`. Raises if the event cannot be written, so a
    caller's read fails with it.
    """
    return append(session or db.session, [event(action, **fields)])[0]


def record_all(events: list[dict[str, object]], session: Session | None = None) -> list[Recorded]:
    """Append several events from :func:`event` at once (one lock, one insert round trip)."""
    return append(session or db.session, events) if events else []


def event(
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
    """The column values of one event (all but seq and the hashes), checked.

    Everything passed must be a code or a pseudonym: the log never holds content or names.
    """
    for name, value in (("object_type", object_type), ("purpose", purpose), ("reason", reason)):
        if value is not None and not _CODE.match(value):
            raise ValueError(f"audit {name} must be a code")
    if object_id is not None and not _OBJECT_ID.match(object_id):
        raise ValueError("audit object_id must be a pseudonymous id")
    actor = actor or _current_actor()
    values = {
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
    return values


_EVENTS = AuditEvent.__table__
_HEAD = AuditHead.__table__
#: built once: appends are on every disclosure's path, so their statements are compiled once
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_INSERT_EVENT = insert(_EVENTS)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def append(session: Session, events: list[dict[str, object]]) -> list[Recorded]:
    """Chain ``events`` (every field but seq and the hashes) onto the log under the head lock."""
    seq, prev_hash = session.execute(_LOCK_HEAD).one()
    rows = []
    for values in events:
        seq += 1
        row = {**values, "seq": seq, "prev_hash": prev_hash}
        row["hash"] = prev_hash = event_hash([row[name] for name in FIELDS])
        rows.append(row)
    session.execute(_INSERT_EVENT, rows)
    # one step per event: the database lets the head move forward by one at a time only
    steps = [{"new_seq": row["seq"], "new_hash": row["hash"]} for row in rows]
    session.execute(_MOVE_HEAD, steps if len(steps) > 1 else steps[0])
    return [Recorded(int(row["seq"]), str(row["hash"])) for row in rows]  # type: ignore[call-overload]


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
