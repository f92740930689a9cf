"""Typed wrappers for encrypted and disclosed values: none of them prints what it holds.

``Ciphertext`` is what an encrypted column loads as; only the vault opens it, inside the gate.
``DisclosedText`` is what the gate hands out after a logged disclosure: templates render it
(through ``__html__``, escaped), while ``str()``, ``repr()`` and f-strings show ``***`` so it
cannot slip into a log line or an exception message.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator


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


class DisclosedText:
    """Plaintext released by the gate. Renders in templates; prints as ``***`` anywhere else."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The text itself, for code that must process it (e.g. an export the gate logged)."""
        return self._value

    def __html__(self) -> Markup:
        return escape(self._value)

    def __repr__(self) -> str:
        return "<DisclosedText ***>"

    __str__ = __repr__

    def __format__(self, _spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DisclosedText) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("disclosed text is not pickled")
