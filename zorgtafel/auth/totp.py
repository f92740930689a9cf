"""TOTP (RFC 6238): enrolment with a QR code in SVG, one use per code, a window of ±1 step."""

from __future__ import annotations

import time

import pyotp
import segno

from zorgtafel.auth.models import User
from zorgtafel.auth.secrets import TotpSecret

ISSUER = "zorgtafel"
STEP = 30


def new_secret() -> TotpSecret:
    return TotpSecret(pyotp.random_base32(length=32))


def provisioning_uri(user: User, secret: TotpSecret) -> str:
    return pyotp.TOTP(secret.reveal()).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG of the QR code (no raster image library needed)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=2)


def matching_step(secret: TotpSecret, code: str, now: float | None = None) -> int | None:
    """The time step a code belongs to (current ±1), or None when it matches none."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret.reveal())
    current = int(now // STEP)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP), code):
            return step
    return None


def accept_code(user: User, secret: TotpSecret, code: str, now: float | None = None) -> bool:
    """Accept a code once: its step must be later than the last accepted one."""
    step = matching_step(secret, code, now)
    if step is None or step <= user.totp_last_step:
        return False
    user.totp_last_step = step
    return True


def current_code(secret: TotpSecret) -> str:
    return pyotp.TOTP(secret.reveal()).now()
