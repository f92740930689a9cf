"""A case, the involvement records that give partners need-to-know, and encrypted contributions.

Kept small on purpose: the cases workflow extends these. Nothing here holds plaintext personal
data; a contribution's text is sealed by the vault with the case's data key.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.core.db import Base, UTCDateTime, utcnow
from zorgtafel.privacy.sealed import Ciphertext, EncryptedBlob


class Stage(enum.StrEnum):
    """Fase: signaal → melding → triage → aanpak → nazorg → afgesloten."""

    signaal = "signaal"
    melding = "melding"
    triage = "triage"
    aanpak = "aanpak"
    nazorg = "nazorg"
    afgesloten = "afgesloten"


class InvolvementReason(enum.StrEnum):
    """Why a partner organisation has need-to-know for a case (design.md, invariant 2)."""

    coordinator = "coordinator"
    contributor = "contributor"
    #: invited by the chair for this case
    invited = "invited"
    #: at the table for an agenda item of a published meeting (``source`` names the item)
    at_table = "at_table"
    #: owns one of the case's action items (``source`` names the action)
    action_owner = "action_owner"


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: meaningless pseudonym such as ``ZT-2026-0042``; random, so it reveals no order or count
    code: Mapped[str] = mapped_column(String(20), unique=True)
    stage: Mapped[Stage] = mapped_column(Enum(Stage, native_enum=False, length=20))
    #: partner code of the casuscoördinator, if one is appointed
    coordinator_code: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: the table wants to discuss the case again by this day (the agenda builder suggests it)
    follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)

    involvements: Mapped[list[Involvement]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Involvement.id"
    )
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Contribution.id"
    )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.code} {self.stage.value}>"


class Involvement(Base):
    """One reason, for one period, why a partner organisation may see a case."""

    __tablename__ = "involvements"
    __table_args__ = (Index("ix_involvements_case_partner", "case_id", "partner_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    #: the partner (organisation) code from the convenant
    partner_code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[InvolvementReason] = mapped_column(
        Enum(InvolvementReason, native_enum=False, length=20)
    )
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None while open-ended (coordinator, contributor); set for at_table and invitations
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: what created it, e.g. ``agenda-item:17`` or ``action:4``; never free text
    source: Mapped[str | None] = mapped_column(String(60), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="involvements")

    def active_at(self, moment: datetime) -> bool:
        """True if this involvement gives need-to-know at ``moment``."""
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def __repr__(self) -> str:
        return (
            f"<Involvement {self.id} case={self.case_id} {self.partner_code} {self.reason.value}>"
        )


class Contribution(Base):
    """Inbreng: one partner's information about a case in one category, sealed by the vault."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partner_code: Mapped[str] = mapped_column(String(40))
    category_code: Mapped[str] = mapped_column(String(40))
    #: AES-256-GCM under the case's data key, bound to (contributions, id, text, key id);
    #: None only between insert and sealing, inside one transaction
    text: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="contributions")

    def __repr__(self) -> str:
        return f"<Contribution {self.id} case={self.case_id} {self.category_code}>"
