"""Column types that refuse mistakes: naive datetimes, and plaintext in an encrypted column.

``Ciphertext`` is what an encrypted column loads as; only the vault opens it, inside the gate.
Neither it nor its column type ever prints what it holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use zorgtafel.core.clock.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Ciphertext:
    """An envelope from :func:`zorgtafel.privacy.vault.seal` (version, key id, nonce, AEAD)."""

    __slots__ = ("_blob",)

    def __init__(self, blob: bytes) -> None:
        if not isinstance(blob, bytes | bytearray | memoryview) or not blob:
            raise TypeError("Ciphertext needs non-empty bytes")
        self._blob = bytes(blob)

    @property
    def blob(self) -> bytes:
        return self._blob

    def __len__(self) -> int:
        return len(self._blob)

    def __repr__(self) -> str:
        return f"<Ciphertext {len(self._blob)} bytes>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ciphertext) and other._blob == self._blob

    def __hash__(self) -> int:
        return hash(self._blob)


class EncryptedBlob(TypeDecorator[Ciphertext]):
    """A column holding a :class:`Ciphertext`; refuses plain ``str`` and ``bytes``."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Ciphertext | None, dialect: Any) -> bytes | None:
        if value is None:
            return None
        if not isinstance(value, Ciphertext):
            raise TypeError("an encrypted column takes a Ciphertext from the vault, not plaintext")
        return value.blob

    def process_result_value(self, value: bytes | None, dialect: Any) -> Ciphertext | None:
        return None if value is None else Ciphertext(value)
