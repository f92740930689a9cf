"""The audit log: its chained events, the queue in front of them, and the head row.

Chained rows are only ever inserted: the database refuses UPDATE and DELETE (triggers, see
migrations ``0003_privacy_core`` and ``0006_audit_queue``). Queued rows are inserted by the
disclosing transaction and deleted only when the sequencer moves them onto the chain (see
``zorgtafel.audit.sequencer``). Columns hold codes and pseudonyms only, never content, names
or free text. Coded columns are plain strings so that the hash input is exactly what is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Identity,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class EventFields:
    """What one event says (NEN 7513): the columns a queued and a chained event share."""

    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: who: user id, organisation (partner) code and role at the time
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_org: Mapped[str | None] = mapped_column(String(40))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    #: an :class:`~zorgtafel.audit.vocabulary.AuditAction` value
    action: Mapped[str] = mapped_column(String(30))
    #: what: object type (``case``, ``user``, ``master_key`` ...) and its pseudonymous id
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: disclosure level (exists / process / content) for reads through the gate
    level: Mapped[str | None] = mapped_column(String(10))
    #: category codes disclosed (or refused), sorted, comma-separated
    categories: Mapped[str | None] = mapped_column(String(400))
    #: the convenant version relied on and its article (rule)
    convenant_id: Mapped[str | None] = mapped_column(String(80))
    convenant_version: Mapped[str | None] = mapped_column(String(20))
    convenant_hash: Mapped[str | None] = mapped_column(String(64))
    convenant_article: Mapped[str | None] = mapped_column(String(40))
    #: a ``Purpose`` code, e.g. ``case_conference``
    purpose: Mapped[str | None] = mapped_column(String(40))
    #: an :class:`~zorgtafel.audit.vocabulary.Outcome` value
    outcome: Mapped[str] = mapped_column(String(10))
    #: why allowed (a ``Basis``), why refused (a ``Refusal``) or what a write did (a
    #: ``Change``); see ``zorgtafel.audit.vocabulary``; never free text
    reason: Mapped[str | None] = mapped_column(String(40))
    client_address: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(32))


class AuditEvent(EventFields, Base):
    """An event on the chain."""

    __tablename__ = "audit_events"
    #: the privacy officer's filters, each walked in ``seq`` order (keyset pages, no OFFSET)
    __table_args__ = (
        Index("ix_audit_events_object", "object_id", "seq"),
        Index("ix_audit_events_actor_user", "actor_user_id", "seq"),
        Index("ix_audit_events_actor_org", "actor_org", "seq"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    #: 1, 2, 3, ... without gaps; assigned under the head row's lock
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 over the canonical encoding of every column above (see ``audit.chain``)
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.seq} {self.action} {self.outcome}>"


class QueuedEvent(EventFields, Base):
    """An event written with the read it records, waiting for the sequencer to chain it."""

    __tablename__ = "audit_queue"

    #: arrival order; the sequencer chains queued events in this order
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True
    )

    def __repr__(self) -> str:
        return f"<QueuedEvent {self.id} {self.action} {self.outcome}>"


class AuditHead(Base):
    """The one row holding the last sequence number and hash; sequencing locks it."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditHead {self.seq}>"


class ChainCheck(Base):
    """One run of ``zorgtafel audit verify --record`` (e.g. nightly, from a scheduler): its
    outcome, for the privacy officer's start page."""

    __tablename__ = "audit_chain_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)
    #: events verified (up to the first problem)
    count: Mapped[int] = mapped_column(BigInteger)
    #: the first problem in words of sequence numbers (never content); None when intact
    problem: Mapped[str | None] = mapped_column(String(300), default=None)
    #: the signed checkpoint checked against, if any: its size and when it was written
    checkpoint_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    checkpoint_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    def __repr__(self) -> str:
        return f"<ChainCheck {self.id} {'ok' if self.ok else 'FAILED'}>"


class AuditPrune(Base):
    """One run of ``zorgtafel audit prune``: events up to ``base_seq`` went to an archive file
    and were removed; what remains is verified from the signed checkpoint of ``base_seq``.

    Append-only, each row further than the last, naming a stored event (migration
    ``0016_audit_archive``); the database lets events be deleted only at or below it.
    """

    __tablename__ = "audit_prunes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the last event archived and removed, and its hash: where the verified chain now begins
    base_seq: Mapped[int] = mapped_column(BigInteger)
    base_hash: Mapped[str] = mapped_column(String(64))
    #: events before this moment (the log's term from the convenant) were archived
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())
    pruned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: how many events this run removed
    removed: Mapped[int] = mapped_column(BigInteger)
    #: SHA-256 of the archive file, so the file kept elsewhere can be recognised
    archive_sha256: Mapped[str] = mapped_column(String(64))
    #: the signed note of (``base_seq``, ``base_hash``), see ``zorgtafel.audit.checkpoint``
    checkpoint: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<AuditPrune {self.id} up to {self.base_seq}>"
