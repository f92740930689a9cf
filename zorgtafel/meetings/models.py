"""A meeting, its agenda items, who sits at the table per item, attendance and pledges.

None of these rows holds personal data: a meeting has a time and a place (or video link), an
agenda item points at a case by id, seats and attendance name partner organisations by code.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.convenant.operations import convenant_of
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class MeetingStatus(enum.StrEnum):
    """concept → gepubliceerd → bezig (vergadermodus) → afgesloten."""

    draft = "draft"
    published = "published"
    in_session = "in_session"
    closed = "closed"


class ItemKind(enum.StrEnum):
    """Why a case is on the agenda: nieuw, voortgang, afsluiting."""

    new = "new"
    progress = "progress"
    closing = "closing"


class ChangeKind(enum.StrEnum):
    """What a change after publication meant for one partner organisation."""

    #: an item was added with the organisation at its table
    item_added = "item_added"
    #: an item the organisation sat at the table for was taken off the agenda
    item_removed = "item_removed"
    #: the organisation was seated at an item's table
    seated = "seated"
    #: the organisation no longer sits at an item's table
    unseated = "unseated"


class AttendanceStatus(enum.StrEnum):
    present = "present"
    #: afgemeld
    apologies = "apologies"
    absent = "absent"


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: a room or a video link; never names of people
    location: Mapped[str] = mapped_column(String(300))
    #: the convenant version in force on the meeting's date, fixed when the meeting is created
    convenant_version_id: Mapped[int] = mapped_column(ForeignKey("convenant_versions.id"))
    status: Mapped[MeetingStatus] = mapped_column(
        Enum(MeetingStatus, native_enum=False, length=20), default=MeetingStatus.draft
    )
    #: partners add their contributions before this moment
    preparation_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: meeting mode: the position of the item under discussion (None before the start); kept
    #: at closing, so a reopened meeting goes on where it stopped
    current_position: Mapped[int | None] = mapped_column(Integer, default=None)
    #: when the chair closed the meeting; it may reopen it the same (Dutch) day
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    convenant_version: Mapped[ConvenantVersion] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    @property
    def convenant(self) -> Convenant:
        """The convenant version the meeting is bound to (not the one in force today)."""
        return convenant_of(self.convenant_version)

    @property
    def is_published(self) -> bool:
        return self.status is not MeetingStatus.draft

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.status.value}>"


class AgendaItem(Base):
    """Agendapunt: one case on one meeting's agenda, with the partners at the table for it."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3 ... in the order the chair set
    position: Mapped[int] = mapped_column(Integer)
    #: time planned for the item, in minutes
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    kind: Mapped[ItemKind] = mapped_column(
        Enum(ItemKind, native_enum=False, length=20), default=ItemKind.progress
    )

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
    seats: Mapped[list[TableSeat]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="TableSeat.partner_code"
    )

    @property
    def partner_codes(self) -> list[str]:
        return [seat.partner_code for seat in self.seats]

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} meeting={self.meeting_id} #{self.position}>"


class TableSeat(Base):
    """One partner organisation at the table for one agenda item (its need-to-know)."""

    __tablename__ = "table_seats"
    __table_args__ = (UniqueConstraint("agenda_item_id", "partner_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    partner_code: Mapped[str] = mapped_column(String(40), index=True)

    item: Mapped[AgendaItem] = relationship(back_populates="seats")

    def __repr__(self) -> str:
        return f"<TableSeat item={self.agenda_item_id} {self.partner_code}>"


class Attendance(Base):
    """Present, apologies or absent: per organisation, per meeting."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "partner_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    partner_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[AttendanceStatus] = mapped_column(
        Enum(AttendanceStatus, native_enum=False, length=20)
    )
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Attendance meeting={self.meeting_id} {self.partner_code} {self.status.value}>"


class ConfidentialityPledge(Base):
    """Geheimhoudingsverklaring: one attendee confirmed it for one meeting."""

    __tablename__ = "confidentiality_pledges"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ConfidentialityPledge meeting={self.meeting_id} user={self.user_id}>"


class AgendaChange(Base):
    """A change to a published agenda, as one partner organisation concerned sees it: what
    happened at which position, when. No case is named (an organisation taken off a table
    has no need-to-know for it any more)."""

    __tablename__ = "agenda_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    partner_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ChangeKind] = mapped_column(Enum(ChangeKind, native_enum=False, length=20))
    #: the item's position when it changed
    position: Mapped[int] = mapped_column(Integer)
    changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<AgendaChange meeting={self.meeting_id} {self.partner_code} {self.kind.value}>"
