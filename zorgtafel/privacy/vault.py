"""The crypto vault: master keys, per-case data keys, and field encryption (AES-256-GCM).

- A **master key** (key-encryption key, 32 bytes) comes from ``ZORGTAFEL_MASTER_KEY`` or the
  file named by ``app.master_key_file``; never from the database. The database stores only its
  id and a key check value, so a wrong key is refused at start-up before anything is written.
  During a rotation a second key, ``<master_key_file>.next``, is loaded beside it.
- Each case has one random **data key**, stored only wrapped by a master key (AES-256-GCM, bound
  to the data key's id, the case id and the master key's id).
- A **field** is sealed under its case's data key with a fresh 96-bit nonce; the associated data
  binds table, row id, column and data-key id, so ciphertext moved to another row or column, or
  changed by one bit, fails authentication and is refused, never returned as garbage.
- Opening a field works only inside :func:`gate_context`, which only the disclosure gate enters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy import Connection, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from zorgtafel.config import ConfigError, Settings
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import READ_ONLY
from zorgtafel.core.types import Ciphertext
from zorgtafel.privacy.models import CaseKey, MasterKeyRecord

MASTER_KEY_ENV = "ZORGTAFEL_MASTER_KEY"
NEXT_SUFFIX = ".next"
KEY_BYTES = 32
NONCE_BYTES = 12
_ENVELOPE = b"\x01"
_KEY_ID_BYTES = 16
_HEADER = len(_ENVELOPE) + _KEY_ID_BYTES + NONCE_BYTES


class VaultError(Exception):
    """A key or ciphertext problem; the message names ids only, never content."""


class KeyDestroyed(VaultError):
    """The case's data key was destroyed (crypto-shredded): its data is gone for good."""


class TamperedCiphertext(VaultError):
    """Authentication failed: the ciphertext was changed, moved, or sealed under another key."""


class OutsideGate(VaultError):
    """Decryption was asked for outside the disclosure gate."""


# --- master keys -----------------------------------------------------------------------------


class MasterKey:
    """A 256-bit key-encryption key. ``repr`` shows its id only."""

    __slots__ = ("_aead", "_encoded", "check_value", "key_id", "source")

    def __init__(self, key: bytes, source: str) -> None:
        if len(key) != KEY_BYTES:
            raise VaultError(f"{source}: hoofdsleutel moet {KEY_BYTES} bytes zijn")
        self._aead = AESGCM(key)
        self.key_id = hmac.new(key, b"zorgtafel master key id", hashlib.sha256).hexdigest()[:16]
        self.check_value = hmac.new(key, b"zorgtafel key check value", hashlib.sha256).hexdigest()
        #: where it came from: an environment variable name or a file path
        self.source = source
        self._encoded = base64.urlsafe_b64encode(key) + b"\n"

    @classmethod
    def parse(cls, text: bytes, source: str) -> MasterKey:
        """A key from its file or environment form: base64 (url-safe or standard) of 32 bytes."""
        cleaned = text.strip().replace(b"-", b"+").replace(b"_", b"/")
        try:
            key = base64.b64decode(cleaned, validate=True)
        except (binascii.Error, ValueError):
            raise VaultError(f"{source}: hoofdsleutel is geen base64") from None
        return cls(key, source)

    @classmethod
    def generate(cls, source: str) -> MasterKey:
        return cls(secrets.token_bytes(KEY_BYTES), source)

    def encoded(self) -> bytes:
        """The file form: url-safe base64 and a newline."""
        return self._encoded

    def wrap(self, data_key: bytes, associated: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data_key, associated)

    def unwrap(self, wrapped: bytes, associated: bytes) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], associated)
        except InvalidTag:
            raise TamperedCiphertext(
                f"ingepakte datasleutel klopt niet bij hoofdsleutel {self.key_id}"
            ) from None

    def __repr__(self) -> str:
        return f"<MasterKey {self.key_id}>"

    __str__ = __repr__

    def __reduce__(self) -> object:
        raise TypeError("keys are not pickled")


@dataclass(frozen=True)
class KeyRing:
    """The loaded master keys: the primary and, during a rotation, the next one."""

    primary: MasterKey
    next: MasterKey | None = None

    def get(self, key_id: str) -> MasterKey | None:
        for key in (self.primary, self.next):
            if key is not None and key.key_id == key_id:
                return key
        return None

    @property
    def wrapping(self) -> MasterKey:
        """The key new data keys are wrapped with: the next one while a rotation runs."""
        return self.next or self.primary

    @property
    def from_environment(self) -> bool:
        return self.primary.source == MASTER_KEY_ENV


def master_key_path(settings: Settings) -> Path:
    return settings.path("app.master_key_file")


def next_key_path(settings: Settings) -> Path:
    path = master_key_path(settings)
    return path.with_name(path.name + NEXT_SUFFIX)


def load_key_ring(settings: Settings) -> KeyRing:
    """The master key(s) from the environment or the key file; ConfigError in one line if not."""
    try:
        if env := os.environ.get(MASTER_KEY_ENV):
            primary = MasterKey.parse(env.encode(), MASTER_KEY_ENV)
        else:
            primary = _read_key_file(master_key_path(settings), "app.master_key_file")
        nxt = next_key_path(settings)
        pending = _read_key_file(nxt, "app.master_key_file") if nxt.exists() else None
    except VaultError as exc:
        key = MASTER_KEY_ENV if os.environ.get(MASTER_KEY_ENV) else "app.master_key_file"
        raise ConfigError(key, str(exc)) from None
    if pending is not None and pending.key_id == primary.key_id:
        pending = None
    return KeyRing(primary, pending)


def _read_key_file(path: Path, setting: str) -> MasterKey:
    try:
        return MasterKey.parse(path.read_bytes(), str(path))
    except OSError:
        raise ConfigError(
            setting, f"{path} niet leesbaar; draai 'zorgtafel init' of zet {MASTER_KEY_ENV}"
        ) from None


def check_key_ring(connection: Connection, ring: KeyRing) -> KeyRing:
    """Refuse a ring that does not match the database's key check values (read-only).

    Returns the ring without a pending key the database does not know yet (a rotation that
    stopped before registering it; nothing is wrapped by it).
    """
    if not inspect(connection).has_table(MasterKeyRecord.__tablename__):
        return ring
    records = {r.key_id: r for r in connection.execute(select(MasterKeyRecord.__table__)).all()}
    if records:
        _check_known(ring.primary, records, primary=True)
    pending = ring.next
    if pending is not None:
        pending = pending if _check_known(pending, records, primary=False) else None
    ring = KeyRing(ring.primary, pending)
    wrapping = connection.scalars(
        select(CaseKey.master_key_id).where(CaseKey.wrapped_key.is_not(None)).distinct()
    ).all()
    missing = sorted(key_id for key_id in wrapping if key_id and ring.get(key_id) is None)
    if missing:
        raise ConfigError(
            _setting(ring.primary),
            f"datasleutels zijn ingepakt met hoofdsleutel {', '.join(missing)}, "
            "die niet is geladen",
        )
    return ring


def _check_known(key: MasterKey, records: dict[str, object], *, primary: bool) -> bool:
    record = records.get(key.key_id)
    if record is None:
        if primary:
            raise ConfigError(
                _setting(key),
                "hoofdsleutel klopt niet met de database (sleutelcontrolewaarde wijkt af); "
                "er is niets geschreven",
            )
        return False
    if not hmac.compare_digest(record.check_value, key.check_value):  # type: ignore[attr-defined]
        raise ConfigError(_setting(key), "sleutelcontrolewaarde wijkt af; er is niets geschreven")
    if primary and record.retired_at is not None:  # type: ignore[attr-defined]
        raise ConfigError(_setting(key), f"hoofdsleutel {key.key_id} is bij een rotatie vervangen")
    return True


def _setting(key: MasterKey) -> str:
    return MASTER_KEY_ENV if key.source == MASTER_KEY_ENV else "app.master_key_file"


def init_app(app: Flask, settings: Settings) -> None:
    """Load and check the master key before the app serves or a command runs."""
    from zorgtafel.core.db import db

    with app.app_context():
        engine = db.engine
    try:
        ring = load_key_ring(settings)
        with engine.connect().execution_options(**READ_ONLY) as connection:
            ring = check_key_ring(connection, ring)
            connection.rollback()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(
            "app.database_url", f"database niet bereikbaar ({type(exc).__name__})"
        ) from None
    except ConfigError:
        engine.dispose()  # the app will not run: close its connections now
        raise
    app.extensions["zorgtafel.vault"] = ring


def key_ring() -> KeyRing:
    return current_app.extensions["zorgtafel.vault"]


def register_master_key(session: Session, key: MasterKey) -> MasterKeyRecord:
    """Store the key's id and check value (idempotent)."""
    record = session.get(MasterKeyRecord, key.key_id)
    if record is None:
        record = MasterKeyRecord(key_id=key.key_id, check_value=key.check_value)
        session.add(record)
        session.flush()
    return record


# --- data keys -------------------------------------------------------------------------------


class DataKey:
    """An unwrapped case data key. Lives in memory only; ``repr`` shows its id."""

    __slots__ = ("_aead", "case_id", "key_id")

    def __init__(self, key_id: str, case_id: int, key: bytes) -> None:
        self.key_id = key_id
        self.case_id = case_id
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return f"<DataKey {self.key_id[:8]} case={self.case_id}>"

    __str__ = __repr__

    def __reduce__(self) -> object:
        raise TypeError("keys are not pickled")


def _wrap_binding(key_id: str, case_id: int, master_key_id: str) -> bytes:
    return f"zorgtafel-data-key/1\0{key_id}\0{case_id}\0{master_key_id}".encode()


def create_case_key(session: Session, case_id: int, ring: KeyRing | None = None) -> CaseKey:
    """A fresh random data key for ``case_id``, wrapped by the current master key."""
    ring = ring or key_ring()
    master = ring.wrapping
    register_master_key(session, master)
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    raw = secrets.token_bytes(KEY_BYTES)
    case_key = CaseKey(
        key_id=key_id,
        case_id=case_id,
        wrapped_key=master.wrap(raw, _wrap_binding(key_id, case_id, master.key_id)),
        master_key_id=master.key_id,
    )
    session.add(case_key)
    session.flush()
    return case_key


def case_key_for(session: Session, case_id: int) -> CaseKey | None:
    return session.scalar(select(CaseKey).where(CaseKey.case_id == case_id))


def case_keys_for(session: Session, case_ids: Collection[int]) -> list[CaseKey]:
    """The keys of many cases in one query (those that have one)."""
    return list(session.scalars(select(CaseKey).where(CaseKey.case_id.in_(list(case_ids)))))


def data_key(case_key: CaseKey, ring: KeyRing | None = None) -> DataKey:
    """Unwrap a case's data key; KeyDestroyed once it was shredded."""
    raw = _unwrap(case_key, ring or key_ring())
    return DataKey(case_key.key_id, case_key.case_id, raw)


def _unwrap(case_key: CaseKey, ring: KeyRing) -> bytes:
    if case_key.wrapped_key is None or case_key.master_key_id is None:
        raise KeyDestroyed(f"datasleutel {case_key.key_id[:8]} is vernietigd")
    master = ring.get(case_key.master_key_id)
    if master is None:
        raise VaultError(f"hoofdsleutel {case_key.master_key_id} is niet geladen")
    binding = _wrap_binding(case_key.key_id, case_key.case_id, master.key_id)
    return master.unwrap(case_key.wrapped_key, binding)


def rewrap(case_key: CaseKey, ring: KeyRing, target: MasterKey) -> bool:
    """Re-wrap a data key under ``target`` (rotation); False if it already was, or is destroyed."""
    if case_key.wrapped_key is None or case_key.master_key_id == target.key_id:
        return False
    raw = _unwrap(case_key, ring)
    case_key.wrapped_key = target.wrap(
        raw, _wrap_binding(case_key.key_id, case_key.case_id, target.key_id)
    )
    case_key.master_key_id = target.key_id
    return True


def destroy_case_key(case_key: CaseKey) -> None:
    """Crypto-shred: forget the wrapped key, so nothing sealed under it can be opened again."""
    case_key.wrapped_key = None
    case_key.master_key_id = None
    if case_key.destroyed_at is None:
        case_key.destroyed_at = utcnow()


# --- fields ----------------------------------------------------------------------------------


def _field_binding(table: str, row_id: int, column: str, key_id: str) -> bytes:
    if not table or not column or "\0" in table + column:
        raise ValueError("table and column name the field")
    return f"zorgtafel-field/1\0{table}\0{int(row_id)}\0{column}\0{key_id}".encode()


def seal(key: DataKey, plaintext: str, *, table: str, row_id: int, column: str) -> Ciphertext:
    """Encrypt one field value; the envelope is version, data-key id, nonce, ciphertext+tag."""
    if row_id is None:
        raise ValueError("seal a field after its row has an id (flush first)")
    nonce = os.urandom(NONCE_BYTES)
    associated = _field_binding(table, row_id, column, key.key_id)
    body = key._aead.encrypt(nonce, plaintext.encode(), associated)
    return Ciphertext(_ENVELOPE + bytes.fromhex(key.key_id) + nonce + body)


def open_sealed(
    key: DataKey, ciphertext: Ciphertext, *, table: str, row_id: int, column: str
) -> str:
    """Decrypt one field. Only inside :func:`gate_context`; refuses anything tampered with."""
    if _GATE.get() is None:
        raise OutsideGate("ontsleutelen kan alleen via de verstrekkingspoort")
    blob = ciphertext.blob
    if len(blob) < _HEADER + 16 or blob[:1] != _ENVELOPE:
        raise TamperedCiphertext(f"{table}.{column} van rij {row_id}: onbekend formaat")
    if blob[1 : 1 + _KEY_ID_BYTES].hex() != key.key_id:
        raise TamperedCiphertext(f"{table}.{column} van rij {row_id}: andere datasleutel")
    nonce = blob[1 + _KEY_ID_BYTES : _HEADER]
    associated = _field_binding(table, row_id, column, key.key_id)
    try:
        return key._aead.decrypt(nonce, blob[_HEADER:], associated).decode()
    except InvalidTag:
        raise TamperedCiphertext(
            f"{table}.{column} van rij {row_id}: authenticatie mislukt (gewijzigd of verplaatst)"
        ) from None


_GATE: ContextVar[str | None] = ContextVar("zorgtafel_gate", default=None)


@contextmanager
def gate_context(purpose: str) -> Iterator[None]:
    """Allow :func:`open_sealed` in this block. Entered only by ``zorgtafel.privacy.gate``."""
    token = _GATE.set(purpose)
    try:
        yield
    finally:
        _GATE.reset(token)
