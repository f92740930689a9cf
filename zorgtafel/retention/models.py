"""Retention: erasure proposals (four eyes), holds, the signed erasure records and the notices
to partners. Nothing here holds case content: codes, counts, dates and user ids only.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.audit.vocabulary import Change, Code, words
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class Scope(Code):
    """What an erasure covers: a whole case (from its closure) or one item's minutes."""

    case = "case"
    minutes = "minutes"


words(Scope, {Scope.case: _l("casus"), Scope.minutes: _l("notulen")})


class HoldKind(Code):
    """Why a case may not be erased yet."""

    criminal_investigation = "criminal_investigation"
    complaint = "complaint"
    access_request = "access_request"
    supervisory_inquiry = "supervisory_inquiry"


words(
    HoldKind,
    {
        HoldKind.criminal_investigation: _l("strafrechtelijk onderzoek"),
        HoldKind.complaint: _l("klacht"),
        HoldKind.access_request: _l("lopend inzageverzoek (AVG art. 15)"),
        HoldKind.supervisory_inquiry: _l("onderzoek van de toezichthouder"),
    },
)

#: the audit reason of each kind of hold
HOLD_CHANGE = {kind: Change(f"hold.{kind.value}") for kind in HoldKind}


class ProposalStatus(Code):
    proposed = "proposed"
    #: approved by the privacy officer, and so carried out
    erased = "erased"
    withdrawn = "withdrawn"


words(
    ProposalStatus,
    {
        ProposalStatus.proposed: _l("voorgesteld"),
        ProposalStatus.erased: _l("goedgekeurd en verwijderd"),
        ProposalStatus.withdrawn: _l("ingetrokken"),
    },
)


class Kind(Code):
    """The kinds of data an erasure counts (never what they say)."""

    identity = "identity"
    contributions = "contributions"
    minutes_paragraphs = "minutes_paragraphs"
    decisions = "decisions"
    actions = "actions"
    lookup_hashes = "lookup_hashes"


words(
    Kind,
    {
        Kind.identity: _l("identiteit"),
        Kind.contributions: _l("inbreng"),
        Kind.minutes_paragraphs: _l("notulenalinea's"),
        Kind.decisions: _l("besluiten"),
        Kind.actions: _l("actiepunten"),
        Kind.lookup_hashes: _l("opzoekhashes (al bekend?)"),
    },
)


class ErasureProposal(Base):
    """The chair's proposal to erase; the privacy officer's approval carries it out."""

    __tablename__ = "retention_proposals"
    __table_args__ = (Index("ix_retention_proposals_case", "case_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[Scope] = mapped_column(Enum(Scope, native_enum=False, length=10))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    #: the agenda item whose minutes go (scope ``minutes`` only)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), default=None
    )
    status: Mapped[ProposalStatus] = mapped_column(
        Enum(ProposalStatus, native_enum=False, length=10), default=ProposalStatus.proposed
    )
    proposed_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def code(self) -> str:
        return f"erasure-{self.id}"

    def __repr__(self) -> str:
        return f"<ErasureProposal {self.id} {self.scope} case={self.case_id} {self.status}>"


class Hold(Base):
    """A typed hold that blocks a case's erasure until it ends."""

    __tablename__ = "retention_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HoldKind] = mapped_column(Enum(HoldKind, native_enum=False, length=30))
    #: a short reason or reference (e.g. a file number), no names: cleared at erasure
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
    set_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the hold ends at this moment (set to now when it is lifted early)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    @property
    def code(self) -> str:
        return f"hold-{self.id}"

    def active_at(self, moment: datetime) -> bool:
        return self.set_at <= moment < self.ends_at

    def __repr__(self) -> str:
        return f"<Hold {self.id} case={self.case_id} {self.kind}>"


class ErasureRecord(Base):
    """Proof of one erasure: the signed note whose hash the audit chain holds."""

    __tablename__ = "retention_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("retention_proposals.id"), unique=True)
    case_code: Mapped[str] = mapped_column(String(20), index=True)
    scope: Mapped[Scope] = mapped_column(Enum(Scope, native_enum=False, length=10))
    #: ``{kind: count}``, counts only
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    #: the convenant article the term comes from
    article: Mapped[str] = mapped_column(String(40))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the signed note (see ``retention.proof``); its SHA-256 is in the chain
    note: Mapped[str] = mapped_column(Text)
    note_sha256: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<ErasureRecord {self.id} {self.case_code} {self.scope}>"


class ErasureNotice(Base):
    """Telling a partner that received the case's data to erase its own copies."""

    __tablename__ = "retention_notices"
    __table_args__ = (Index("ix_retention_notices_partner", "partner_code", "confirmed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    erasure_id: Mapped[int] = mapped_column(ForeignKey("retention_erasures.id"), index=True)
    partner_code: Mapped[str] = mapped_column(String(40))
    #: what it received: ``[{"category": code or null, "first": iso date, "last": iso date,
    #: "times": n}]``, from the audit log; never content
    received: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    #: how many receipts the counts above sum (kept for the page)
    events: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def code(self) -> str:
        return f"notice-{self.id}"

    def __repr__(self) -> str:
        return f"<ErasureNotice {self.id} {self.partner_code}>"
