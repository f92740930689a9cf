"""The commands behind `make run`: init, demo, demo-code, user add / disable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from zorgtafel.demo import DEMO_ACCOUNTS


def zorgtafel(
    folder: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None
):  # type: ignore[no-untyped-def]
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("ZORGTAFEL_")
    }
    environment["ZORGTAFEL_INSTANCE"] = str(folder / "instance")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "zorgtafel", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        check=False,
        timeout=120,
        input=input,
    )


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    result = zorgtafel(folder, "init", "--demo")
    assert result.returncode == 0, result.stderr
    return folder


def test_init_creates_config_keys_and_wal_database(instance: Path) -> None:
    import sqlite3

    folder = instance / "instance"
    assert (folder / "config.toml").exists()
    for name in ("secret_key", "master.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert len((folder / "master.key").read_bytes().strip()) == 44  # 32 bytes, base64
    connection = sqlite3.connect(folder / "zorgtafel.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    version = connection.execute("select version_num from alembic_version").fetchone()[0]
    connection.close()
    from zorgtafel.migrate import MIGRATIONS

    assert any(path.name.startswith(version) for path in (MIGRATIONS / "versions").iterdir())


def test_init_twice_keeps_keys(instance: Path) -> None:
    before = (instance / "instance/master.key").read_bytes()
    assert zorgtafel(instance, "init").returncode == 0
    assert (instance / "instance/master.key").read_bytes() == before


def test_demo_is_idempotent_and_prints_logins(instance: Path) -> None:
    first = zorgtafel(instance, "demo")
    second = zorgtafel(instance, "demo")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    for email, *_ in DEMO_ACCOUNTS:
        assert email in first.stdout
    assert "demo-" in first.stdout  # the passwords


def test_demo_code_prints_a_valid_code_for_demo_accounts_only(instance: Path) -> None:
    result = zorgtafel(instance, "demo-code", DEMO_ACCOUNTS[0][0])
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) == 6
    assert result.stdout.strip().isdigit()
    added = zorgtafel(
        instance,
        "user",
        "add",
        "--email",
        "echt@example.test",
        "--name",
        "Echte Gebruiker",
        "--org",
        "gemeente",
        "--role",
        "partner",
        input="a long enough password\n" * 2,
    )
    assert added.returncode == 0, added.stderr
    refused = zorgtafel(instance, "demo-code", "echt@example.test")
    assert refused.returncode != 0
    assert "geen demo-account" in refused.stderr


def test_demo_commands_refuse_outside_demo_mode(tmp_path: Path) -> None:
    assert zorgtafel(tmp_path, "init").returncode == 0
    result = zorgtafel(tmp_path, "demo")
    assert result.returncode != 0
    assert "demomodus" in result.stderr


def test_user_add_refuses_short_password_and_unknown_org(instance: Path) -> None:
    short = zorgtafel(
        instance,
        "user",
        "add",
        "--email",
        "k@example.test",
        "--name",
        "K",
        "--org",
        "gemeente",
        "--role",
        "chair",
        "--password",
        "kort",
    )
    assert short.returncode != 0
    assert "te kort" in short.stderr
    unknown = zorgtafel(
        instance,
        "user",
        "add",
        "--email",
        "k@example.test",
        "--name",
        "K",
        "--org",
        "nergens",
        "--role",
        "chair",
        "--password",
        "a long enough password",
    )
    assert unknown.returncode != 0
    assert "onbekende organisatie" in unknown.stderr


def test_user_disable(instance: Path) -> None:
    result = zorgtafel(instance, "user", "disable", DEMO_ACCOUNTS[1][0])
    assert result.returncode == 0, result.stderr
    assert zorgtafel(instance, "user", "disable", "nobody@example.test").returncode != 0


def test_flask_cli_reaches_the_same_commands(instance: Path) -> None:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("ZORGTAFEL_")
    }
    environment["ZORGTAFEL_INSTANCE"] = str(instance / "instance")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "zorgtafel", "demo-code", DEMO_ACCOUNTS[0][0]],
        capture_output=True,
        text=True,
        cwd=instance,
        env=environment,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert pyotp.utils  # codes are checked in test_demo_code_prints_a_valid_code...
