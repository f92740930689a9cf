"""argon2id password hashing with parameters from the configuration, rehashed when they change."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

from zorgtafel.auth.secrets import PasswordHash


def hasher() -> PasswordHasher:
    """The app's hasher (built once per app from ``[password]``)."""
    ext = current_app.extensions
    if "zorgtafel.hasher" not in ext:
        settings = ext["zorgtafel.settings"]
        ext["zorgtafel.hasher"] = PasswordHasher(
            time_cost=settings["password.time_cost"],
            memory_cost=settings["password.memory_cost_kib"],
            parallelism=settings["password.parallelism"],
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
    return ext["zorgtafel.hasher"]


def hash_password(password: str) -> PasswordHash:
    return PasswordHash(hasher().hash(password))


def verify_password(stored: PasswordHash | None, password: str) -> bool:
    """Constant work whether or not the user exists: a missing hash is checked against a dummy."""
    target = stored.reveal() if stored is not None else _dummy_hash()
    try:
        ok = hasher().verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored is not None


def needs_rehash(stored: PasswordHash) -> bool:
    return hasher().check_needs_rehash(stored.reveal())


def _dummy_hash() -> str:
    ext = current_app.extensions
    if "zorgtafel.dummy_hash" not in ext:
        ext["zorgtafel.dummy_hash"] = hasher().hash("not-a-password-anyone-has")
    return ext["zorgtafel.dummy_hash"]


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length over composition rules (ASVS 6.2)."""
    minimum = current_app.extensions["zorgtafel.settings"]["password.min_length"]
    if len(password) < minimum:
        return f"te kort: minstens {minimum} tekens"
    if len(password) > 128:
        return "te lang: hoogstens 128 tekens"
    return None
