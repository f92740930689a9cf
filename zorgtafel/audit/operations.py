"""Appending to the audit log: ``record(...)`` and ``record_all(...)`` are the only writers.

An event is written inside the caller's transaction: it commits or rolls back together with
what it records, and if it cannot be written the caller fails. It is chained there and then,
or, on PostgreSQL while another transaction holds the chain's head, queued and chained right
after the commit; see ``audit.sequencer``.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from zorgtafel.audit import sequencer
from zorgtafel.audit.models import AuditAction, Outcome
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db

if TYPE_CHECKING:
    from zorgtafel.auth.models import User

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")
#: pseudonymous ids: case codes (``ZT-2026-0042``), ``case/partner`` pairs, numeric ids, key ids
_OBJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$")


class ConvenantVersion(Protocol):
    """What an audit event names of a convenant (``zorgtafel.convenant.document.Convenant``)."""

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


def record(action: AuditAction, *, session: Session | None = None, **fields: Any) -> None:
    """Append one event in the current transaction.

    ``fields`` are those of :func:`event`. Raises if the event cannot be written, so a
    caller's read fails with it.
    """
    append(session or db.session, [event(action, **fields)])


def record_all(events: list[dict[str, object]], session: Session | None = None) -> None:
    """Append several events from :func:`event` at once (one statement)."""
    if events:
        append(session or db.session, events)


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
        if value is not None and not _is_code(value):
            raise ValueError(f"audit {name} must be a code")
    if object_id is not None and not _OBJECT_ID.match(object_id):
        raise ValueError("audit object_id must be a pseudonymous id")
    actor = actor or _current_actor()
    client_address, request_id_ = _request_origin()
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
        "client_address": client_address,
        "request_id": request_id_,
    }


@functools.lru_cache(maxsize=512)
def _is_code(value: str) -> bool:
    # codes come from a small set (purposes, reasons, object types): checked once each
    return _CODE.match(value) is not None


def append(session: Session, events: list[dict[str, object]]) -> None:
    """Write ``events`` (every field but seq and the hashes) in ``session``'s transaction."""
    sequencer.write(session, events)


def _current_actor() -> Actor:
    user = g.get("user") if has_request_context() else None
    if user is not None:
        return Actor.of(user)
    return ANONYMOUS if has_request_context() else CLI_ACTOR


def _request_origin() -> tuple[str | None, str | None]:
    """(client address, request id) of this request, worked out once per request."""
    if not has_request_context():
        return None, None
    if "audit_origin" not in g:
        g.audit_origin = ((request.remote_addr or "")[:45] or None, request_id())
    return g.audit_origin


def request_id() -> str:
    """This request's id: the trusted proxy's ``X-Request-ID`` if well-formed, else a new one."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        trusted = current_app.extensions["zorgtafel.settings"]["app.proxy_fix"]
        g.request_id = incoming if trusted and _REQUEST_ID.match(incoming) else secrets.token_hex(8)
    return g.request_id
