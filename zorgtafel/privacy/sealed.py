"""Disclosed values: released by the gate, they still never print what they hold.

``DisclosedText`` is what the gate hands out after a logged disclosure: templates render it
(through ``__html__``, escaped), while ``str()``, ``repr()`` and f-strings show ``***`` so it
cannot slip into a log line or an exception message.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


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
