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
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from zorgtafel.audit import sequencer
from zorgtafel.audit.vocabulary import (
    AuditAction,
    Basis,
    Change,
    Level,
    ObjectType,
    Outcome,
    Purpose,
    Qualified,
    Reason,
    Refusal,
)
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import db

if TYPE_CHECKING:
    from zorgtafel.auth.models import User

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
#: an article of the convenant as its rights cite it (``art. 7.3``)
_ARTICLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$")
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
    caller's write fails with it. (Disclosures record through the gate's kernel instead, whose
    events outlive a request that fails; see ``zorgtafel.audit.ledger``.)
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
    object_type: ObjectType | None = None,
    object_id: str | None = None,
    level: Level | None = None,
    categories: Iterable[str] = (),
    convenant: ConvenantVersion | None = None,
    article: str | None = None,
    purpose: Purpose | None = None,
    reason: Reason | None = None,
) -> dict[str, object]:
    """The column values of one event (all but seq and the hashes), checked.

    Every coded field takes a member of the audit vocabulary: the log never holds content,
    names or a free string.
    """
    template = EventTemplate(actor or _current_actor(), purpose, convenant)
    return template.event(
        action,
        object_type=object_type,
        object_id=object_id,
        level=level,
        categories=categories,
        article=article,
        outcome=outcome,
        reason=reason,
    )


class EventTemplate:
    """What the events of one disclosure share (who, when, why, under which convenant), checked
    and worked out once; :meth:`event` adds what each says of its object, and :meth:`about`
    the same for many objects alike (a page's fifty cases)."""

    __slots__ = ("_alike", "_base")

    def __init__(
        self,
        actor: Actor,
        purpose: Purpose | None,
        convenant: ConvenantVersion | None = None,
        at: datetime | None = None,
    ) -> None:
        _typed("purpose", purpose, Purpose)
        client_address, request_id_ = _request_origin()
        self._base: dict[str, object] = {
            "occurred_at": at or utcnow(),
            "actor_user_id": actor.user_id,
            "actor_org": actor.org,
            "actor_role": actor.role,
            "convenant_id": convenant.id if convenant else None,
            "convenant_version": convenant.version if convenant else None,
            "convenant_hash": convenant.content_hash if convenant else None,
            "purpose": purpose.value if purpose is not None else None,
            "client_address": client_address,
            "request_id": request_id_,
        }
        self._alike: dict[tuple[object, ...], dict[str, object]] = {}

    def about(
        self,
        object_id: str,
        action: AuditAction,
        *,
        object_type: ObjectType,
        level: Level | None = None,
        categories: tuple[str, ...] = (),
        article: str | None = None,
        outcome: Outcome = Outcome.allowed,
        reason: Reason | None = None,
    ) -> dict[str, object]:
        """:meth:`event` for ``object_id``, the rest checked once per distinct combination."""
        key = (action, object_type, level, categories, article, outcome, reason)
        alike = self._alike.get(key)
        if alike is None:
            alike = self._alike[key] = self.event(
                action, object_type=object_type, object_id=None, level=level,
                categories=categories, article=article, outcome=outcome, reason=reason,
            )  # fmt: skip
        if not _is_pseudonym(object_id):
            raise ValueError("audit object_id must be a pseudonymous id")
        return {**alike, "object_id": object_id}

    def event(
        self,
        action: AuditAction,
        *,
        object_type: ObjectType | None,
        object_id: str | None,
        level: Level | None = None,
        categories: Iterable[str] = (),
        article: str | None = None,
        outcome: Outcome = Outcome.allowed,
        reason: Reason | None = None,
    ) -> dict[str, object]:
        _typed("action", action, AuditAction)
        _typed("outcome", outcome, Outcome)
        _typed("object_type", object_type, ObjectType)
        _typed("level", level, Level)
        _typed("reason", reason, REASONS)
        if object_id is not None and not _is_pseudonym(object_id):
            raise ValueError("audit object_id must be a pseudonymous id")
        if article is not None and not _is_article(article):
            raise ValueError("audit article must be a convenant article, e.g. 'art. 7.3'")
        # ``_value_``: the member's plain string, without the ``value`` property's descriptor
        # call (a page appends fifty of these)
        return {
            **self._base,
            "action": action._value_,
            "object_type": object_type._value_ if object_type is not None else None,
            "object_id": object_id,
            "level": level._value_ if level is not None else None,
            "categories": _categories(categories),
            "convenant_article": article,
            "outcome": outcome._value_,
            "reason": _reason_value(reason),
        }


#: the types a ``reason`` may have
REASONS = (Basis, Refusal, Change, Qualified)


def _categories(categories: Iterable[str]) -> str | None:
    """Category codes sorted and comma-separated (None for none)."""
    return ",".join(sorted(set(categories))) or None if categories else None


def _reason_value(reason: Reason | None) -> str | None:
    if reason is None:
        return None
    return reason.value if isinstance(reason, Qualified) else reason._value_


def _typed(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    if value is not None and not isinstance(value, kind):
        # never the value itself: a wrong value may be the very content the log must not hold
        raise TypeError(f"audit {name} must be a code of the audit vocabulary")


@functools.lru_cache(maxsize=4096)
def _is_pseudonym(value: str) -> bool:
    return _OBJECT_ID.match(value) is not None


@functools.lru_cache(maxsize=512)
def _is_article(value: str) -> bool:
    return _ARTICLE.match(value) is not None


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
