"""Besluiten and actiepunten: what an agenda item decided, and who does what by when.

Their texts are pseudonymised, then sealed with the case's data key in the convenant's
``plan-acties`` category (``OUTCOME_CATEGORY``): the gate shows them only to organisations
that may receive it. An action is owned by a partner organisation; every status change is a
row of its own (who, when, why), never an edit.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.audit.vocabulary import Code, words
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import Ciphertext, EncryptedBlob, UTCDateTime

#: the convenant category decisions and action texts are disclosed in
OUTCOME_CATEGORY = "plan-acties"


class ActionStatus(Code):
    """open → gedaan / niet mogelijk / niet gedaan / vervallen."""

    open = "open"
    done = "done"
    #: not possible because circumstances changed (reason: what changed)
    not_possible = "not_possible"
    #: the organisation did not do it (explanation required)
    not_done = "not_done"
    #: lapsed, by the chair, with a reason
    lapsed = "lapsed"


words(
    ActionStatus,
    {
        ActionStatus.open: _l("open"),
        ActionStatus.done: _l("gedaan"),
        ActionStatus.not_possible: _l("niet mogelijk (omstandigheden veranderd)"),
        ActionStatus.not_done: _l("niet gedaan"),
        ActionStatus.lapsed: _l("vervallen"),
    },
)

#: the statuses that need a reason in words
NEEDS_REASON = frozenset({ActionStatus.not_possible, ActionStatus.not_done, ActionStatus.lapsed})


class Decision(Base):
    """Besluit: numbered per case, tied to the agenda item (and so the meeting) that took it."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 ... per case
    number: Mapped[int] = mapped_column(Integer)
    #: the pseudonymised text, sealed with the case's data key
    text: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Decision {self.id} case={self.case_id} #{self.number}>"


class ActionItem(Base):
    """Actiepunt: owned by one partner organisation, due on a date, with a sealed description."""

    __tablename__ = "action_items"
    __table_args__ = (
        # "my actions": an organisation's actions by status and due date (keyset order)
        Index("ix_action_items_owner", "owner_partner_code", "status", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: the item of the meeting that agreed it
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    owner_partner_code: Mapped[str] = mapped_column(String(40))
    #: optionally one named user of the owner organisation; only that organisation and the
    #: chair see the name
    assignee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(
        Enum(ActionStatus, native_enum=False, length=20), default=ActionStatus.open
    )
    #: the pseudonymised description, sealed with the case's data key
    description: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    changes: Mapped[list[ActionChange]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionChange.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.open

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.owner_partner_code} {self.status}>"


class ActionChange(Base):
    """One status change or review of an action: who, when, to what, and why (sealed)."""

    __tablename__ = "action_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ActionStatus] = mapped_column(
        Enum(ActionStatus, native_enum=False, length=20)
    )
    to_status: Mapped[ActionStatus] = mapped_column(
        Enum(ActionStatus, native_enum=False, length=20)
    )
    #: the agenda item at which the chair reviewed the action (None: changed outside a meeting)
    review_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), default=None, index=True
    )
    #: what changed / why not done / why lapsed: pseudonymised, sealed with the case's key
    reason: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[ActionItem] = relationship(back_populates="changes")

    def __repr__(self) -> str:
        return f"<ActionChange {self.action_id} {self.from_status}→{self.to_status}>"


class OutcomeSave(Base):
    """A previewed decision, action or reason form's single-use nonce, claimed by the save it
    made: a second submit of the same preview stores nothing. No content: the nonce is
    random, and the text is bound to it by the form's signature only (``core.once``)."""

    __tablename__ = "outcome_saves"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<OutcomeSave case={self.case_id}>"
