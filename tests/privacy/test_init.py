"""``zorgtafel init`` creates the audit signing key (0600) and registers the master key."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def zorgtafel(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZORGTAFEL_")}
    env["ZORGTAFEL_INSTANCE"] = str(instance)
    return subprocess.run(
        [sys.executable, "-m", "zorgtafel", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_init_writes_keys_and_registers_the_master_key(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    result = zorgtafel(instance, "init")
    assert result.returncode == 0, result.stderr
    for name in ("master.key", "audit-signing.key"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600
    status = zorgtafel(instance, "keys", "status")
    assert status.returncode == 0, status.stderr
    assert "in gebruik" in status.stdout
    assert zorgtafel(instance, "audit", "verify").stdout.startswith("auditlog intact: 0 ")
    checkpoint = zorgtafel(instance, "audit", "checkpoint")
    assert checkpoint.returncode == 0, checkpoint.stderr
    assert checkpoint.stdout.splitlines()[:2] == ["zorgtafel.local/audit", "0"]
