"""The vault: wrapped data keys, AES-256-GCM fields bound to their place, typed secrets."""

from __future__ import annotations

import base64
import pickle
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests.fixtures.app import in_app
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory
from zorgtafel.cases.models import Contribution
from zorgtafel.core.db import db
from zorgtafel.core.types import Ciphertext
from zorgtafel.privacy import vault
from zorgtafel.privacy.models import CaseKey
from zorgtafel.privacy.sealed import DisclosedText

ZORGTAFEL = Path(__file__).resolve().parents[2] / "zorgtafel"


def _key(app: Flask, case_id: int) -> vault.DataKey:
    case_key = vault.case_key_for(db.session, case_id)
    assert case_key is not None
    return vault.data_key(case_key)


def seal(app: Flask, case_id: int, plain: str, row_id: int = 1, column: str = "text") -> Ciphertext:
    with in_app(app):
        return vault.seal(
            _key(app, case_id), plain, table="contributions", row_id=row_id, column=column
        )


def open_(app: Flask, case_id: int, blob: Ciphertext, row_id: int = 1, column: str = "text") -> str:
    with in_app(app), vault.gate_context("test"):
        return vault.open_sealed(
            _key(app, case_id), blob, table="contributions", row_id=row_id, column=column
        )


def test_seal_and_open_round_trip_with_a_fresh_nonce_each_time(
    app: Flask, cases: CaseFactory
) -> None:
    case = cases.create()
    first, second = seal(app, case.id, FICTIONAL_TEXT), seal(app, case.id, FICTIONAL_TEXT)
    assert first != second  # fresh 96-bit nonce: equal plaintexts never give equal ciphertexts
    assert first.blob[17:29] != second.blob[17:29]
    assert FICTIONAL_TEXT.encode() not in first.blob
    assert open_(app, case.id, first) == FICTIONAL_TEXT


@pytest.mark.parametrize(
    ("row_id", "column", "table"),
    [(2, "text", "contributions"), (1, "summary", "contributions"), (1, "text", "minutes")],
    ids=["other-row", "other-column", "other-table"],
)
def test_ciphertext_moved_elsewhere_is_refused(
    app: Flask, cases: CaseFactory, row_id: int, column: str, table: str
) -> None:
    case = cases.create()
    blob = seal(app, case.id, FICTIONAL_TEXT)
    with in_app(app), vault.gate_context("test"), pytest.raises(vault.TamperedCiphertext):
        vault.open_sealed(_key(app, case.id), blob, table=table, row_id=row_id, column=column)


def test_ciphertext_of_another_case_is_refused(app: Flask, cases: CaseFactory) -> None:
    one, other = cases.create(), cases.create()
    blob = seal(app, one.id, FICTIONAL_TEXT)
    with pytest.raises(vault.TamperedCiphertext, match="andere datasleutel"):
        open_(app, other.id, blob)


def test_every_single_bit_flip_is_refused(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    blob = seal(app, case.id, "kort").blob
    for position in range(len(blob)):
        for bit in (0x01, 0x80):
            flipped = bytearray(blob)
            flipped[position] ^= bit
            with pytest.raises(vault.TamperedCiphertext):
                open_(app, case.id, Ciphertext(bytes(flipped)))
    with pytest.raises(vault.TamperedCiphertext):
        open_(app, case.id, Ciphertext(blob[:-1]))


def test_decrypting_outside_the_gate_is_refused(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    blob = seal(app, case.id, FICTIONAL_TEXT)
    with in_app(app), pytest.raises(vault.OutsideGate):
        vault.open_sealed(_key(app, case.id), blob, table="contributions", row_id=1, column="text")


def test_only_the_gate_enters_the_gate_context() -> None:
    """Static proof of 'nothing else decrypts': no module but the gate opens sealed fields."""
    # the gate's kernel opens; its surfaces ask the kernel
    allowed = {
        ZORGTAFEL / "privacy" / "vault.py",
        ZORGTAFEL / "privacy" / "gate" / "kernel.py",
    }
    offenders = [
        path.relative_to(ZORGTAFEL).as_posix()
        for path in ZORGTAFEL.rglob("*.py")
        if path not in allowed and re.search(r"gate_context|open_sealed|_aead", path.read_text())
    ]
    assert offenders == []


def test_data_key_is_stored_only_wrapped(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    with in_app(app) as session:
        case_key = session.scalar(select(CaseKey).where(CaseKey.case_id == case.id))
        assert case_key is not None
        assert case_key.wrapped_key is not None
        assert len(case_key.wrapped_key) == 12 + 32 + 16  # nonce, key, tag
        assert case_key.master_key_id == vault.key_ring().primary.key_id
        assert re.fullmatch(r"[0-9a-f]{32}", case_key.key_id)
        ring = vault.key_ring()
        master = base64.urlsafe_b64decode(ring.primary.encoded().strip())
        for table in ("case_keys", "master_keys"):
            for row in session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608
                for value in row:
                    raw = value if isinstance(value, bytes) else str(value).encode()
                    assert master not in raw
                    assert ring.primary.encoded().strip() not in raw


def test_wrapped_key_moved_to_another_case_is_refused(app: Flask, cases: CaseFactory) -> None:
    one, other = cases.create(), cases.create()
    with in_app(app) as session:
        first = vault.case_key_for(session, one.id)
        second = vault.case_key_for(session, other.id)
        assert first is not None
        assert second is not None
        second.wrapped_key = first.wrapped_key
        with pytest.raises(vault.TamperedCiphertext):
            vault.data_key(second)
        session.rollback()


def test_destroyed_data_key_cannot_be_unwrapped(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    with in_app(app) as session:
        case_key = vault.case_key_for(session, case.id)
        assert case_key is not None
        vault.destroy_case_key(case_key)
        with pytest.raises(vault.KeyDestroyed):
            vault.data_key(case_key)
        assert case_key.wrapped_key is None
        assert case_key.destroyed_at is not None


def test_encrypted_column_refuses_plaintext(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    with app.app_context():
        db.session.add(
            Contribution(
                case_id=case.id, partner_code="politie", category_code="signalen", text="x"
            )  # type: ignore[arg-type]
        )
        with pytest.raises(Exception, match="Ciphertext"):
            db.session.flush()
        db.session.rollback()


def test_reprs_never_show_plaintext_or_keys(app: Flask, cases: CaseFactory) -> None:
    case = cases.create()
    blob = seal(app, case.id, FICTIONAL_TEXT)
    shown = DisclosedText(FICTIONAL_TEXT)
    with in_app(app) as session:
        ring = vault.key_ring()
        data_key = _key(app, case.id)
        case_key = vault.case_key_for(session, case.id)
        texts = [
            repr(blob), str(blob), repr(shown), str(shown), f"{shown}", f"{shown!s:>10}",
            repr(ring.primary), str(data_key), repr(case_key), repr(ring),
        ]  # fmt: skip
    # a data key shows the first 8 characters of its id (to tell keys apart in a log), no more
    assert repr(data_key) == f"<DataKey {data_key.key_id[:8]} case={case.id}>"
    for rendered in texts:
        assert "verzuimt" not in rendered
        assert ring.primary.encoded().strip().decode() not in rendered
    assert DisclosedText("<b>x</b>").__html__() == "&lt;b&gt;x&lt;/b&gt;"  # templates: escaped
    with pytest.raises(TypeError):
        pickle.dumps(shown)


@pytest.mark.parametrize(
    "text_",
    [b"", b"not base64!", base64.urlsafe_b64encode(b"short"), base64.b64encode(bytes(33))],
    ids=["empty", "garbage", "too-short", "too-long"],
)
def test_bad_master_key_text_is_refused(text_: bytes) -> None:
    with pytest.raises(vault.VaultError):
        vault.MasterKey.parse(text_, "test")


def test_master_key_file_and_environment_forms_agree() -> None:
    key = vault.MasterKey.generate("x")
    standard = base64.b64encode(base64.urlsafe_b64decode(key.encoded().strip()))
    assert vault.MasterKey.parse(standard, "env").key_id == key.key_id
    assert vault.MasterKey.parse(key.encoded(), "file").check_value == key.check_value
