"""Keyed hashes for "already known?": HMAC-SHA-256 of a normalised BSN or name + birth date.

The lookup key is its own secret (``app.lookup_key_file`` or ``ZORGTAFEL_LOOKUP_KEY``), not the
master key, and not derived from it:

- one key, one purpose: the master key only wraps data keys; it never touches a value that is
  stored in the clear next to the data, so a weakness in one use cannot spill into the other;
- the master key is rotated (``zorgtafel keys rotate``); the lookup hashes must stay stable
  across a rotation, or every earlier case would stop being found;
- a BSN has only ~10^8 values: anyone with the key can test them all, so the key is what makes
  the hash a pseudonym. Kept apart, it can be held by fewer people and machines than the master
  key, and shredding a case (its data key) leaves no readable BSN behind.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from dataclasses import dataclass
from datetime import date

from flask import current_app

from zorgtafel.cases.identity import normalise_bsn, normalise_name
from zorgtafel.config import ConfigError

LOOKUP_KEY_ENV = "ZORGTAFEL_LOOKUP_KEY"
_EXTENSION = "zorgtafel.lookup_key"


class LookupKey:
    """The HMAC key for lookups; ``repr`` never shows it."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("opzoeksleutel moet minstens 32 bytes zijn")
        self._key = key

    @classmethod
    def parse(cls, text: bytes, source: str) -> LookupKey:
        try:
            return cls(base64.urlsafe_b64decode(text.strip()))
        except (binascii.Error, ValueError):
            raise ConfigError(source, "opzoeksleutel is geen base64 van 32 bytes") from None

    def digest(self, kind: str, value: str) -> str:
        message = f"zorgtafel-lookup/1\0{kind}\0{value}".encode()
        return hmac.new(self._key, message, "sha256").hexdigest()

    def __repr__(self) -> str:
        return "<LookupKey>"

    def __reduce__(self) -> object:
        raise TypeError("keys are not pickled")


def new_lookup_key() -> bytes:
    """The file form of a fresh key: url-safe base64 of 32 random bytes and a newline."""
    return base64.urlsafe_b64encode(os.urandom(32)) + b"\n"


def lookup_key() -> LookupKey:
    """The app's lookup key, read once; ConfigError in one line when it is missing."""
    key = current_app.extensions.get(_EXTENSION)
    if key is None:
        settings = current_app.extensions["zorgtafel.settings"]
        if env := os.environ.get(LOOKUP_KEY_ENV):
            key = LookupKey.parse(env.encode(), LOOKUP_KEY_ENV)
        else:
            path = settings.path("app.lookup_key_file")
            try:
                key = LookupKey.parse(path.read_bytes(), "app.lookup_key_file")
            except OSError:
                raise ConfigError(
                    "app.lookup_key_file", f"{path} niet leesbaar; draai 'zorgtafel init'"
                ) from None
        current_app.extensions[_EXTENSION] = key
    return key


@dataclass(frozen=True, repr=False)
class Lookups:
    """The keyed hashes of one identity (either may be missing)."""

    bsn: str | None
    name: str | None

    def __repr__(self) -> str:
        return f"<Lookups bsn={'ja' if self.bsn else 'nee'} naam={'ja' if self.name else 'nee'}>"


def lookups_for(
    bsn: str | None, first_names: tuple[str, ...], surname: str, birth_date: date | None
) -> Lookups:
    """Hash the normalised BSN, and the first given name + surname + birth date."""
    key = lookup_key()
    digits = normalise_bsn(bsn or "")
    name = None
    given = normalise_name(first_names[0]) if first_names else ""
    family = normalise_name(surname)
    if given and family and birth_date:
        name = key.digest("name", f"{given}\0{family}\0{birth_date.isoformat()}")
    return Lookups(key.digest("bsn", digits) if digits else None, name)
