"""A case's profile (the coded fields the figures count) and the ledger of released tables.

A profile holds codes only, never free text or identity: it sits beside the case's pseudonym
unencrypted, so that figures over many cases are counted by the database, not by decrypting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime
from zorgtafel.figures.codes import (
    AgeBand,
    Exploitation,
    Gender,
    NotRegisteredReason,
    SignalSource,
)


def _code(kind: type, length: int = 30) -> Enum:
    return Enum(kind, native_enum=False, length=length, values_callable=_values)


def _values(kind: type) -> list[str]:
    return [member.value for member in kind]  # type: ignore[attr-defined]


class CaseProfile(Base):
    """What the figures count of one case; every field None until the chair records it."""

    __tablename__ = "case_profiles"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    #: municipality of residence, a code of ``figures.codes.MUNICIPALITIES``
    municipality: Mapped[str | None] = mapped_column(String(6), default=None, index=True)
    #: age band at the first signal
    age_band: Mapped[AgeBand | None] = mapped_column(_code(AgeBand), default=None)
    gender: Mapped[Gender | None] = mapped_column(_code(Gender), default=None)
    exploitation: Mapped[Exploitation | None] = mapped_column(_code(Exploitation), default=None)
    #: where the first signal came from
    signal_source: Mapped[SignalSource | None] = mapped_column(_code(SignalSource), default=None)
    #: why the case is not registered with CoMensha (only while it is not)
    comensha_reason: Mapped[NotRegisteredReason | None] = mapped_column(
        _code(NotRegisteredReason), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<CaseProfile case={self.case_id}>"


class Release(Base):
    """One release of figures: what was shown or exported, with the parameters it was made
    under, so that every later release can be checked against it (differencing)."""

    __tablename__ = "figure_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    #: ``page``, ``csv`` or ``pdf``
    medium: Mapped[str] = mapped_column(String(10))
    #: the year the tables are about (None: every year)
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    #: the release's scope: a municipality code of ``figures.codes.MUNICIPALITIES``, or None
    #: for the whole region
    municipality: Mapped[str | None] = mapped_column(String(6), default=None)
    threshold: Mapped[int] = mapped_column(Integer)
    rounding: Mapped[int] = mapped_column(Integer)
    #: the published cells: ``{"table/key": value or null (suppressed)}``; counts only
    cells: Mapped[dict[str, int | None]] = mapped_column(JSON)
    #: the protected whole the release was cut from (the region's tables and every
    #: municipality's, rounded, None where suppressed): never shown, but what later releases
    #: are held against, as if all of it had been published; None before migration 0022
    whole: Mapped[dict[str, int | None] | None] = mapped_column(JSON, default=None)

    @property
    def code(self) -> str:
        """The release's id in the audit log, with its scope: ``release-7`` (the region),
        ``release-8/GM9001`` (one municipality; a code of the region, never content)."""
        if self.municipality is None:
            return f"release-{self.id}"
        return f"release-{self.id}/{self.municipality}"

    def __repr__(self) -> str:
        return f"<Release {self.id} {self.medium} {self.municipality or 'regio'}>"
