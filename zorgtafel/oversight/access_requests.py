"""Access requests (AVG art. 15): which cases a request concerns, and the parts a partner
refuses where its own law allows (e.g. police data under the Wpg).

No row holds the subject's identity: the request points at cases by id, found through the
keyed lookup hashes; the refusal's explanation is the partner's legal reasoning, written
without personal data (the form says so).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.audit.vocabulary import Code, words
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class RefusalGround(Code):
    """The law that lets a partner withhold part of the answer."""

    #: Wet politiegegevens: police data (art. 25-27, e.g. an ongoing investigation)
    wpg = "wpg"
    #: Wet justitiële en strafvorderlijke gegevens (the public prosecutor's data)
    wjsg = "wjsg"
    #: AVG art. 23 with UAVG art. 41: the rights and freedoms of others, the subject's safety
    uavg_41 = "uavg_41"


words(
    RefusalGround,
    {
        RefusalGround.wpg: _l("Wet politiegegevens (Wpg)"),
        RefusalGround.wjsg: _l("Wet justitiële en strafvorderlijke gegevens (Wjsg)"),
        RefusalGround.uavg_41: _l("AVG art. 23 / UAVG art. 41 (rechten van anderen, veiligheid)"),
    },
)


class AccessRequest(Base):
    """One person's request for access, as the privacy officer registered it."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the day the request came in: the one-month clock starts here
    received_on: Mapped[date] = mapped_column(Date)
    #: extended by two months (AVG art. 12(3)); the person is told why
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cases: Mapped[list[AccessRequestCase]] = relationship(
        cascade="all, delete-orphan", order_by="AccessRequestCase.id"
    )
    refusals: Mapped[list[AccessRefusal]] = relationship(
        cascade="all, delete-orphan", order_by="AccessRefusal.id"
    )

    def __repr__(self) -> str:
        return f"<AccessRequest {self.id}>"


class AccessRequestCase(Base):
    """A case the request concerns (found by BSN or by name and birth date)."""

    __tablename__ = "access_request_cases"
    __table_args__ = (UniqueConstraint("request_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_requests.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))

    def __repr__(self) -> str:
        return f"<AccessRequestCase request={self.request_id} case={self.case_id}>"


class AccessRefusal(Base):
    """A partner withholds what it provided in one category of one case from the answer."""

    __tablename__ = "access_refusals"
    __table_args__ = (UniqueConstraint("request_id", "case_id", "partner_code", "category_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_requests.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    partner_code: Mapped[str] = mapped_column(String(40))
    category_code: Mapped[str] = mapped_column(String(40))
    ground: Mapped[RefusalGround] = mapped_column(Enum(RefusalGround, native_enum=False, length=20))
    #: the partner's reasoning, for the person (no personal data)
    explanation: Mapped[str] = mapped_column(String(500))
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<AccessRefusal request={self.request_id} {self.partner_code}>"
