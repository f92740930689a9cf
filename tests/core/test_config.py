"""Configuration: defaults, required keys, unknown keys warned about, one clear line on error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zorgtafel.config import ConfigError, ConfigWarning, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_fill_what_the_file_leaves_out(tmp_path: Path) -> None:
    settings = load_settings(path=write(tmp_path, '[app]\ndatabase_url = "sqlite:///x.db"\n'))
    assert settings["session.idle_minutes"] == 30
    assert settings["session.absolute_hours"] == 12
    assert settings.database_url == f"sqlite:///{tmp_path / 'x.db'}"


def test_missing_required_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"app\.database_url: verplicht"):
        load_settings(path=write(tmp_path, "[app]\ndemo = true\n"))


def test_unknown_key_is_warned_about(tmp_path: Path) -> None:
    text = '[app]\ndatabase_url = "sqlite:///x.db"\ndatbase = "typo"\n'
    with pytest.warns(ConfigWarning, match=r"app\.datbase"):
        load_settings(path=write(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[app]\ndatabase_url = "mysql://x"\n', "app.database_url"),
        ('[app]\ndatabase_url = "sqlite:///x"\n[session]\nidle_minutes = "30"\n', "idle_minutes"),
        ('[app]\ndatabase_url = "sqlite:///x"\n[session]\nidle_minutes = 0\n', "idle_minutes"),
        ('[app]\ndatabase_url = "sqlite:///x"\ndefault_locale = "fr"\n', "default_locale"),
        ('[app]\ndatabase_url = "sqlite:///x"\n[password]\nmemory_cost_kib = 1024\n', "password"),
        ('[app]\ndatabase_url = "sqlite:///x"\n[audit]\nsequencing = "later"\n', "sequencing"),
        # the figures' disclosure control is never weaker than threshold 10, rounding 5
        ('[app]\ndatabase_url = "sqlite:///x"\n[figures]\nthreshold = 5\n', "figures.threshold"),
        ('[app]\ndatabase_url = "sqlite:///x"\n[figures]\nrounding = 1\n', "figures.rounding"),
        ("[app\n", "config.toml"),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(path=write(tmp_path, text))
    assert key in str(info.value)
    assert "\n" not in str(info.value)


def test_cli_stops_with_one_line_and_non_zero_exit(tmp_path: Path) -> None:
    path = write(tmp_path, '[app]\ndatabase_url = "sqlite:///x.db"\n[session]\nidle_minutes = -1\n')
    env = {**os.environ, "ZORGTAFEL_CONFIG": str(path), "ZORGTAFEL_INSTANCE": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "zorgtafel", "user", "disable", "x@example.test"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["zorgtafel: configuratie session.idle_minutes: moet tussen 1 en 1440 liggen"]
    assert "Traceback" not in result.stderr
