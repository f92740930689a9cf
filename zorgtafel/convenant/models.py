"""Convenant versions as loaded into the database: the file's exact bytes and their hash.

A stored version never changes: audit events cite ``convenant_id``, ``version`` and
``content_hash``, and the bytes stored here let anyone check, years later, what those meant.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class ConvenantVersion(Base):
    __tablename__ = "convenant_versions"
    __table_args__ = (UniqueConstraint("convenant_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the convenant's own id, e.g. ``zorgtafel-jpmh-voorbeeldland``
    convenant_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_until: Mapped[date | None] = mapped_column(Date, default=None)
    #: sha256 hex of ``content``; unique, so one file is stored once
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the file exactly as loaded (at most 1 MB, enforced by the loader)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: the file name it was loaded from (no directories)
    source_name: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )

    def __repr__(self) -> str:
        return f"<ConvenantVersion {self.convenant_id} {self.version}>"
