"""Signed checkpoints of the audit log, in the spirit of C2SP signed notes and tlog-checkpoint.

A checkpoint is the note text::

    <origin>
    <size>
    <base64 of the head hash>

followed by a blank line and one signature line ``— <key name> <base64(key hash || sig)>``,
where the key hash is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key) and
the signature is Ed25519 over the note text. The Ed25519 key is not the master key.
Verifier keys are written as ``<name>+<hex key hash>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from zorgtafel.audit.chain import Anchor

_ED25519 = b"\x01"
_DASH = "\u2014"


class CheckpointError(Exception):
    """A checkpoint or key that cannot be read or does not verify; one line."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    head_hash: str

    def body(self) -> str:
        root = base64.b64encode(bytes.fromhex(self.head_hash)).decode()
        return f"{self.origin}\n{self.size}\n{root}\n"

    def anchor(self) -> Anchor:
        return Anchor(self.size, self.head_hash, f"checkpoint ({self.size})")


def new_signing_seed() -> bytes:
    """File form of a fresh Ed25519 key: url-safe base64 of the 32-byte seed and a newline."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)) + b"\n"


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    try:
        seed = base64.urlsafe_b64decode(path.read_bytes().strip())
    except OSError:
        raise CheckpointError(
            f"ondertekensleutel {path} niet leesbaar; draai 'zorgtafel init'"
        ) from None
    except (binascii.Error, ValueError):
        raise CheckpointError(f"ondertekensleutel {path} is geen base64") from None
    if len(seed) != 32:
        raise CheckpointError(f"ondertekensleutel {path} moet 32 bytes zijn")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + _ED25519 + public).digest()[:4]


def verifier_key(name: str, key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = _raw_public(key.public_key() if isinstance(key, Ed25519PrivateKey) else key)
    encoded = base64.b64encode(_ED25519 + public).decode()
    return f"{name}+{_key_hash(name, public).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, Ed25519PublicKey]:
    try:
        name, hash_hex, encoded = vkey.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise CheckpointError("verificatiesleutel onleesbaar") from None
    if len(raw) != 33 or raw[:1] != _ED25519 or _key_hash(name, raw[1:]).hex() != hash_hex:
        raise CheckpointError("verificatiesleutel klopt niet (geen Ed25519 of verkeerde hash)")
    return name, Ed25519PublicKey.from_public_bytes(raw[1:])


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey, name: str) -> str:
    """The signed note text of ``checkpoint``."""
    body = checkpoint.body()
    public = _raw_public(key.public_key())
    signature = base64.b64encode(_key_hash(name, public) + key.sign(body.encode())).decode()
    return f"{body}\n{_DASH} {name} {signature}\n"


def open_checkpoint(note: str, vkey: str) -> Checkpoint:
    """Parse a signed note and check its signature with ``vkey``; CheckpointError if not."""
    name, public = parse_verifier_key(vkey)
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise CheckpointError("checkpoint heeft geen handtekening")
    body += "\n"
    wanted = _key_hash(name, _raw_public(public))
    for line in signatures.splitlines():
        prefix = f"{_DASH} {name} "
        if not line.startswith(prefix):
            continue
        try:
            blob = base64.b64decode(line[len(prefix) :], validate=True)
        except (ValueError, binascii.Error):
            continue
        if blob[:4] != wanted:
            continue
        try:
            public.verify(blob[4:], body.encode())
        except InvalidSignature:
            raise CheckpointError("handtekening van de checkpoint is ongeldig") from None
        return _parse_body(body)
    raise CheckpointError(f"checkpoint is niet ondertekend met sleutel {name}")


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")
    try:
        origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise CheckpointError("checkpoint onleesbaar") from None
    if size < 0 or len(root) != 32:
        raise CheckpointError("checkpoint onleesbaar")
    return Checkpoint(origin, size, root.hex())
