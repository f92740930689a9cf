"""The triage queue: signals of the anomaly rules, and how far the rules have read the log.

A signal names a rule, who (user id, organisation, or the address of failed logins) and when;
never content. The privacy officer's note is hers, kept here, never in the audit log.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.audit.vocabulary import Code, words
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class AnomalyRule(Code):
    """Which pattern a signal is about."""

    refusals = "refusals"
    read_after_closure = "read_after_closure"
    reveals_above_usual = "reveals_above_usual"
    outside_office_hours = "outside_office_hours"
    many_cases = "many_cases"
    failed_logins = "failed_logins"


words(
    AnomalyRule,
    {
        AnomalyRule.refusals: _l("veel weigeringen op één dag"),
        AnomalyRule.read_after_closure: _l("casus ingezien na afsluiting"),
        AnomalyRule.reveals_above_usual: _l("vaker identiteit getoond dan gewoonlijk"),
        AnomalyRule.outside_office_hours: _l("ingezien buiten kantoortijd"),
        AnomalyRule.many_cases: _l("veel casussen in korte tijd"),
        AnomalyRule.failed_logins: _l("reeks mislukte inlogpogingen"),
    },
)


class SignalStatus(Code):
    open = "open"
    explained = "explained"
    escalated = "escalated"


words(
    SignalStatus,
    {
        SignalStatus.open: _l("open"),
        SignalStatus.explained: _l("verklaard"),
        SignalStatus.escalated: _l("geëscaleerd"),
    },
)


class Signal(Base):
    """One anomaly found by a rule, once per rule and key (e.g. a user and a day)."""

    __tablename__ = "anomaly_signals"
    __table_args__ = (UniqueConstraint("rule", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: an :class:`AnomalyRule` value
    rule: Mapped[str] = mapped_column(String(30))
    #: what makes it one signal: ``user:day``, ``case:user:day``, ``address:day`` (codes only)
    key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    organisation: Mapped[str | None] = mapped_column(String(40), default=None)
    #: a case code, or the client address of failed logins
    object_id: Mapped[str | None] = mapped_column(String(64), default=None)
    #: how many events it rests on, and the first and last of them on the chain
    count: Mapped[int] = mapped_column(Integer)
    first_seq: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: a :class:`SignalStatus` value
    status: Mapped[str] = mapped_column(String(20), default=SignalStatus.open.value)
    #: the privacy officer's note (free text; never copied into the audit log)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_by_user_id: Mapped[int | None] = mapped_column(Integer, default=None)

    def __repr__(self) -> str:
        return f"<Signal {self.id} {self.rule} {self.status}>"


class AnomalyCursor(Base):
    """The one row holding the last event the rules have read: a run reads only what follows."""

    __tablename__ = "anomaly_cursor"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<AnomalyCursor {self.seq}>"


class LogReview(Base):
    """The privacy officer's review of the log over a period (MedMij: at least monthly): what
    she looked at and what she found; the evidence that the log is read."""

    __tablename__ = "log_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    #: the sample looked at (which users, days, cases; free text of the FG's)
    sample: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_user_id: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<LogReview {self.id} {self.period_start}..{self.period_end}>"
