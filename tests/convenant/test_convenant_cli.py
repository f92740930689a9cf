"""``zorgtafel convenant validate|matrix|diff|load`` as a user runs them."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.convenant.convenant_examples import EXAMPLE_1_0, EXAMPLE_1_1, MALFORMED


def zorgtafel(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZORGTAFEL_")}
    env["ZORGTAFEL_INSTANCE"] = str(cwd / "instance")
    return subprocess.run(
        [sys.executable, "-m", "zorgtafel", "convenant", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )


def test_validate_ok_per_file(tmp_path: Path) -> None:
    result = zorgtafel(tmp_path, "validate", str(EXAMPLE_1_0), str(EXAMPLE_1_1))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("OK ") for line in lines)


def test_validate_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    result = zorgtafel(tmp_path, "validate", str(EXAMPLE_1_0), *map(str, MALFORMED[:3]))
    assert result.returncode == 1
    assert result.stdout.startswith("OK ")
    assert "Traceback" not in result.stderr
    for path in MALFORMED[:3]:
        assert f"{path}:" in result.stderr


def test_validate_missing_file(tmp_path: Path) -> None:
    result = zorgtafel(tmp_path, "validate", str(tmp_path / "nope.toml"))
    assert result.returncode == 1
    assert "cannot read file" in result.stderr
    assert "Traceback" not in result.stderr


def test_matrix_marks_provide_and_receive(tmp_path: Path) -> None:
    result = zorgtafel(tmp_path, "matrix", str(EXAMPLE_1_1))
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "politie" in rows
    assert "comensha" in rows
    assert "L = levert" in result.stdout


def test_diff_shows_rights_added_and_removed(tmp_path: Path) -> None:
    result = zorgtafel(tmp_path, "diff", str(EXAMPLE_1_0), str(EXAMPLE_1_1))
    assert result.returncode == 0, result.stderr
    assert "gemeente:\n  + receives dader" in result.stdout
    assert "pmw:\n  - receives gezin-netwerk" in result.stdout


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZORGTAFEL_")}
    env["ZORGTAFEL_INSTANCE"] = str(tmp_path / "instance")
    subprocess.run(
        [sys.executable, "-m", "zorgtafel", "init"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return tmp_path


def stored(instance: Path) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(instance / "instance/zorgtafel.db")
    rows = connection.execute(
        "select convenant_id, version, content_hash from convenant_versions order by id"
    ).fetchall()
    connection.close()
    return rows


def test_load_stores_version_with_hash_and_twice_is_a_no_op(instance: Path) -> None:
    first = zorgtafel(instance, "load", str(EXAMPLE_1_0))
    assert first.returncode == 0, first.stderr
    assert "geladen" in first.stdout
    again = zorgtafel(instance, "load", str(EXAMPLE_1_0))
    assert again.returncode == 0
    assert "al geladen, niets veranderd" in again.stdout
    digest = hashlib.sha256(EXAMPLE_1_0.read_bytes()).hexdigest()
    assert stored(instance) == [("zorgtafel-jpmh-voorbeeldland", "1.0", digest)]


def test_load_refuses_other_content_under_same_version(instance: Path, tmp_path: Path) -> None:
    assert zorgtafel(instance, "load", str(EXAMPLE_1_0)).returncode == 0
    changed = tmp_path / "changed.toml"
    changed.write_bytes(EXAMPLE_1_0.read_bytes() + b"\n# een wijziging zonder nieuw versienummer\n")
    result = zorgtafel(instance, "load", str(changed))
    assert result.returncode != 0
    assert "al geladen met een andere inhoud" in result.stderr
    assert len(stored(instance)) == 1


def test_load_refuses_invalid_file_and_changes_nothing(instance: Path) -> None:
    result = zorgtafel(instance, "load", str(MALFORMED[0]))
    assert result.returncode != 0
    assert str(MALFORMED[0]) in result.stderr
    assert stored(instance) == []
