"""``keys rotate`` (resumable, idempotent) and ``keys status``."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import build_app, dispose, in_app, make_instance, own_app
from tests.fixtures.auth import make_user
from tests.fixtures.cases import FICTIONAL_TEXT, CaseFactory, read_contents
from zorgtafel.auth.models import Role
from zorgtafel.cli import cli
from zorgtafel.config import ConfigError
from zorgtafel.privacy import rotation, vault
from zorgtafel.privacy.models import MasterKeyRecord


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(cli, list(args))
    return result


@pytest.fixture
def estate(own_database: str, tmp_path: Path) -> tuple[str, Path, int, list[int]]:
    """Five cases with a sealed contribution each, on an own database with real commits."""
    instance = make_instance(tmp_path / "instance")
    app = own_app(own_database, instance)
    user_id = make_user(app, Role.partner, "veilig-thuis")
    factory = CaseFactory(app)
    case_ids = []
    for number in range(5):
        case = factory.create(coordinator="veilig-thuis")
        factory.contribute(case, user_id, "signalen", f"{FICTIONAL_TEXT} ({number})")
        case_ids.append(case.id)
    dispose(app)
    return own_database, instance, user_id, case_ids


def expected() -> list[str]:
    return [f"{FICTIONAL_TEXT} ({number})" for number in range(5)]


def counts(app: Flask) -> dict[str | None, int]:
    with in_app(app) as session:
        return rotation.key_counts(session)


def test_rotation_killed_half_way_still_decrypts_and_a_second_run_finishes(
    estate: tuple[str, Path, int, list[int]],
) -> None:
    url, instance, user_id, case_ids = estate
    old_key = (instance / "master.key").read_bytes()
    app = build_app(url, instance)
    with app.app_context():
        old_id = vault.key_ring().primary.key_id
    result = run(app, "keys", "rotate", "--batch-size", "2", "--max-batches", "1")
    assert result.exit_code == 0, result.output
    assert "nog 3 te gaan" in result.output
    dispose(app)

    # a new process, as after a kill: both keys load, every row still decrypts
    app = build_app(url, instance)
    with app.app_context():
        new_id = vault.key_ring().next.key_id  # type: ignore[union-attr]
    assert counts(app) == {old_id: 3, new_id: 2}
    assert read_contents(app, user_id, case_ids) == expected()
    status = run(app, "keys", "status").output
    assert f"{old_id}" in status
    assert "nieuw (rotatie loopt)" in status

    result = run(app, "keys", "rotate")
    assert result.exit_code == 0, result.output
    assert "rotatie voltooid" in result.output
    dispose(app)

    assert not (instance / "master.key.next").exists()
    assert (instance / "master.key").read_bytes() != old_key
    app = build_app(url, instance)
    assert counts(app) == {new_id: 5}
    assert read_contents(app, user_id, case_ids) == expected()
    status = run(app, "keys", "status").output
    assert "vervangen" in status
    with in_app(app) as session:
        retired = session.get(MasterKeyRecord, old_id)
        assert retired is not None
        assert retired.retired_at is not None
    dispose(app)

    (instance / "master.key").write_bytes(old_key)
    with pytest.raises(ConfigError, match="bij een rotatie vervangen"):
        build_app(url, instance)


def test_rotation_that_crashes_mid_batch_loses_nothing(
    estate: tuple[str, Path, int, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, instance, user_id, case_ids = estate
    calls = {"n": 0}
    real_rewrap = rotation.rewrap

    def crashing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("simulated crash")
        return real_rewrap(*args, **kwargs)

    monkeypatch.setattr(rotation, "rewrap", crashing)
    app = build_app(url, instance)
    result = run(app, "keys", "rotate", "--batch-size", "3")
    assert isinstance(result.exception, RuntimeError)
    dispose(app)
    monkeypatch.setattr(rotation, "rewrap", real_rewrap)

    app = build_app(url, instance)
    assert sorted(counts(app).values()) == [2, 3]  # first batch committed, second rolled back
    assert read_contents(app, user_id, case_ids) == expected()
    assert "rotatie voltooid" in run(app, "keys", "rotate").output
    dispose(app)
    app = build_app(url, instance)
    assert read_contents(app, user_id, case_ids) == expected()
    dispose(app)


def test_rotation_with_the_key_in_the_environment(
    estate: tuple[str, Path, int, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, instance, user_id, case_ids = estate
    monkeypatch.setenv(vault.MASTER_KEY_ENV, (instance / "master.key").read_text().strip())
    (instance / "master.key").unlink()
    app = build_app(url, instance)
    result = run(app, "keys", "rotate")
    assert vault.MASTER_KEY_ENV in result.output
    dispose(app)
    next_file = instance / "master.key.next"
    monkeypatch.setenv(vault.MASTER_KEY_ENV, next_file.read_text().strip())
    next_file.unlink()
    app = build_app(url, instance)
    assert "rotatie voltooid" in run(app, "keys", "rotate").output
    assert read_contents(app, user_id, case_ids) == expected()
    with in_app(app) as session:
        active = session.scalars(
            select(MasterKeyRecord.key_id).where(MasterKeyRecord.retired_at.is_(None))
        ).all()
        assert active == [vault.key_ring().primary.key_id]
    dispose(app)


def test_a_second_key_in_the_environment_is_not_accepted_as_base64_garbage(
    estate: tuple[str, Path, int, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, instance, *_ = estate
    monkeypatch.setenv(vault.MASTER_KEY_ENV, base64.b64encode(os.urandom(16)).decode())
    with pytest.raises(ConfigError, match=r"ZORGTAFEL_MASTER_KEY: .*32 bytes"):
        build_app(url, instance)
