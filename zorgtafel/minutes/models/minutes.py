"""Minutes per agenda item: versions of a draft, their sealed paragraphs, and vaststelling.

Every save is a new :class:`MinutesVersion` holding the whole text as paragraphs; earlier
versions stay as they were. A paragraph's text is pseudonymised before it is sealed with the
case's data key (table, row and column bound in); nothing here holds plaintext.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.audit.vocabulary import Code, words
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import Ciphertext, EncryptedBlob, UTCDateTime
from zorgtafel.meetings.models import AgendaItem


class MinutesPart(Code):
    """The structured parts of an item's minutes, in this order."""

    discussion = "discussion"
    assessment = "assessment"
    conclusion = "conclusion"


words(
    MinutesPart,
    {
        MinutesPart.discussion: _l("Bespreking"),
        MinutesPart.assessment: _l("Inschatting van veiligheid en risico"),
        MinutesPart.conclusion: _l("Conclusie"),
    },
)


class MinutesStatus(enum.StrEnum):
    """concept → vastgesteld (final, immutable)."""

    draft = "draft"
    final = "final"


class Minutes(Base):
    """Notulen of one agenda item."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[MinutesStatus] = mapped_column(
        Enum(MinutesStatus, native_enum=False, length=20), default=MinutesStatus.draft
    )
    #: the number of the newest version; a save names the version it was based on, and a
    #: save based on an older one is stale (two editors at once)
    version: Mapped[int] = mapped_column(Integer, default=0)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finalised_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    #: SHA-256 (hex) of the vastgestelde version's content, also written to the audit chain
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesVersion.number"
    )

    @property
    def is_final(self) -> bool:
        return self.status is MinutesStatus.final

    @property
    def latest(self) -> MinutesVersion | None:
        """The newest draft or the vastgestelde version (never an addendum)."""
        drafts = [v for v in self.versions if not v.is_addendum]
        return drafts[-1] if drafts else None

    @property
    def addenda(self) -> list[MinutesVersion]:
        return [v for v in self.versions if v.is_addendum]

    def __repr__(self) -> str:
        return f"<Minutes {self.id} item={self.agenda_item_id} v{self.version} {self.status}>"


class MinutesVersion(Base):
    """One saved draft: the whole text of the minutes at that moment."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    #: 1, 2, 3 ... per minutes
    number: Mapped[int] = mapped_column(Integer)
    saved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: SHA-256 (hex) of this version's pseudonymised content (see ``operations.content_hash``)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: a rectificatie added after vaststelling: it never replaces the vastgestelde text
    is_addendum: Mapped[bool] = mapped_column(Boolean, default=False)

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    paragraphs: Mapped[list[MinutesParagraph]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="MinutesParagraph.position"
    )

    def __repr__(self) -> str:
        return f"<MinutesVersion {self.minutes_id} v{self.number}>"


class MinutesParagraph(Base):
    """One paragraph of one version, in one part and one convenant category, sealed."""

    __tablename__ = "minutes_paragraphs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("minutes_versions.id", ondelete="CASCADE"), index=True
    )
    #: order within the version (parts first, then as written)
    position: Mapped[int] = mapped_column(Integer)
    part: Mapped[MinutesPart] = mapped_column(Enum(MinutesPart, native_enum=False, length=20))
    #: the convenant category: a reader sees the paragraph only if it may receive this
    category_code: Mapped[str] = mapped_column(String(40))
    #: the pseudonymised text, sealed with the case's data key
    text: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)

    version: Mapped[MinutesVersion] = relationship(back_populates="paragraphs")

    def __repr__(self) -> str:
        return f"<MinutesParagraph {self.id} {self.part} {self.category_code}>"
