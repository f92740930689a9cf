"""Key records: master-key check values and the wrapped per-case data keys.

Neither table ever holds a usable key: a master key lives in a file or the environment, and a
data key only wrapped (AES-256-GCM) by a master key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import UTCDateTime


class MasterKeyRecord(Base):
    """A master key the database knows, by id and key check value (never the key)."""

    __tablename__ = "master_keys"

    #: 16 hex characters derived from the key (HMAC-SHA-256), shown in ``keys status``
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: HMAC-SHA-256 of a fixed label under the key: proves a loaded key is the right one
    check_value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: set when a rotation has re-wrapped every data key away from this key
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    def __repr__(self) -> str:
        return f"<MasterKeyRecord {self.key_id}{' retired' if self.retired_at else ''}>"


class CaseKey(Base):
    """A case's data key, wrapped by a master key; destroying it shreds the case's data."""

    __tablename__ = "case_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: random, 32 hex characters; also inside every field envelope sealed with this key
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    #: no foreign key: a shredded case's key record outlives the case row on purpose
    case_id: Mapped[int] = mapped_column(unique=True)
    #: nonce + AES-256-GCM(master key, data key), bound to key id, case id and master key id;
    #: None once destroyed
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    master_key_id: Mapped[str | None] = mapped_column(
        ForeignKey("master_keys.key_id"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def destroyed(self) -> bool:
        return self.destroyed_at is not None

    def __repr__(self) -> str:
        state = "destroyed" if self.destroyed else f"wrapped-by={self.master_key_id}"
        return f"<CaseKey {self.key_id[:8]} case={self.case_id} {state}>"
