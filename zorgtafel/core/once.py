"""Single-use form nonces: a random nonce, signed together with what it may save.

A form that stores something carries ``offer(...)``; its submit is accepted only with the same
values (``proven``), and the operation that stores claims the nonce, so a second submit of
the same form finds the first save instead of storing again. The signature is a check, not a
secret: it binds the nonce to the user, the object and the content that were shown.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

#: characters of the random part (``token_urlsafe(24)`` gives 32)
NONCE_BYTES = 24


def offer(*bound: object) -> str:
    """A fresh nonce with its signature over ``bound`` (as ``nonce.signature``)."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    return f"{nonce}.{_sign(nonce, bound)}"


def proven(value: str | None, *bound: object) -> str | None:
    """The nonce of ``value`` if it was offered with exactly ``bound``; else None."""
    nonce, _dot, signature = (value or "").partition(".")
    if not nonce or not hmac.compare_digest(signature, _sign(nonce, bound)):
        return None
    return nonce


def _sign(nonce: str, bound: tuple[object, ...]) -> str:
    key = current_app.config["SECRET_KEY"]
    message = "\0".join((nonce, *(str(value) for value in bound))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


__all__ = ["offer", "proven"]
