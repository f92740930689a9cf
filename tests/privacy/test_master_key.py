"""A wrong or missing master key stops the app and every command in one line, writing nothing."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.fixtures.app import build_app, dispose, make_instance, own_app
from tests.fixtures.cases import CaseFactory
from zorgtafel.config import ConfigError
from zorgtafel.privacy import vault


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: to prove that a refused start wrote nothing."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {
            name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return rows


@pytest.fixture
def used_database(own_database: str, tmp_path: Path) -> tuple[str, Path]:
    """An own database with one case, so the master key is registered and wraps a data key."""
    instance = make_instance(tmp_path / "instance")
    app = own_app(own_database, instance)
    CaseFactory(app).create(coordinator="veilig-thuis")
    dispose(app)
    return own_database, instance


def test_right_key_starts(used_database: tuple[str, Path]) -> None:
    url, instance = used_database
    dispose(build_app(url, instance))


def test_wrong_key_refuses_to_start_and_writes_nothing(
    used_database: tuple[str, Path], tmp_path: Path
) -> None:
    url, _instance = used_database
    before = snapshot(url)
    other = make_instance(tmp_path / "other")
    with pytest.raises(ConfigError, match="hoofdsleutel klopt niet") as info:
        build_app(url, other)
    assert "\n" not in str(info.value)
    assert snapshot(url) == before


def test_missing_key_file_refuses_to_start(used_database: tuple[str, Path]) -> None:
    url, instance = used_database
    (instance / "master.key").unlink()
    with pytest.raises(ConfigError, match=r"master_key_file: .* niet leesbaar"):
        build_app(url, instance)


def test_environment_key_wins_over_the_file(
    used_database: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, instance = used_database
    right = (instance / "master.key").read_bytes().strip().decode()
    (instance / "master.key").write_bytes(base64.urlsafe_b64encode(os.urandom(32)) + b"\n")
    monkeypatch.setenv(vault.MASTER_KEY_ENV, right)
    dispose(build_app(url, instance))
    monkeypatch.setenv(vault.MASTER_KEY_ENV, base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(ConfigError, match=r"ZORGTAFEL_MASTER_KEY: hoofdsleutel klopt niet"):
        build_app(url, instance)


@pytest.mark.parametrize("command", [["keys", "status"], ["audit", "verify"], ["db", "upgrade"]])
def test_commands_stop_in_one_line_with_a_wrong_key(
    used_database: tuple[str, Path], command: list[str]
) -> None:
    url, instance = used_database
    before = snapshot(url)
    (instance / "config.toml").write_text(f'[app]\ndatabase_url = "{url}"\n', encoding="utf-8")
    env = {
        **os.environ,
        "ZORGTAFEL_CONFIG": str(instance / "config.toml"),
        "ZORGTAFEL_INSTANCE": str(instance),
        vault.MASTER_KEY_ENV: base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    result = subprocess.run(
        [sys.executable, "-m", "zorgtafel", *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("zorgtafel: configuratie ZORGTAFEL_MASTER_KEY: hoofdsleutel klopt")
    assert snapshot(url) == before
