"""Typed secrets: values whose ``str()`` and ``repr()`` refuse to show what they hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


class _Secret:
    __slots__ = ("_value",)
    kind = "secret"

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise TypeError(f"{type(self).__name__} needs a non-empty string")
        self._value = value

    def reveal(self) -> str:
        """The raw value, for the one function that needs it (hash check, TOTP)."""
        return self._value

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ***>"

    __str__ = __repr__

    def __format__(self, _spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._value == self._value  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._value))

    def __reduce__(self) -> Any:
        raise TypeError("secrets are not pickled")


class PasswordHash(_Secret):
    """An argon2id PHC string."""


class TotpSecret(_Secret):
    """A base32 TOTP seed."""


class SecretText(TypeDecorator[_Secret]):
    """Stores a ``_Secret`` subclass as text and loads it back as that type."""

    impl = String(255)
    cache_ok = True

    def __init__(self, secret_type: type[_Secret]) -> None:
        super().__init__()
        self.secret_type = secret_type

    def process_bind_param(self, value: _Secret | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, self.secret_type):
            raise TypeError(f"expected {self.secret_type.__name__}")
        return value.reveal()

    def process_result_value(self, value: str | None, dialect: Any) -> _Secret | None:
        return None if value is None else self.secret_type(value)
