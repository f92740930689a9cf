"""The app side: no deduce in web workers, the configured client, substitution, config keys."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

from zorgtafel import ROOT
from zorgtafel.config import ConfigError, load_settings
from zorgtafel.pseudonymise import (
    EXTENSION,
    PseudonymiserClient,
    PseudonymiserUnavailable,
    ServiceStatus,
    get_pseudonymiser,
    use_pseudonymiser,
)

NO_DEDUCE = """
import base64, os, sys, secrets, pathlib
folder = pathlib.Path(sys.argv[1])
(folder / "secret_key").write_text(secrets.token_urlsafe(48))
(folder / "master.key").write_bytes(base64.urlsafe_b64encode(os.urandom(32)))
from zorgtafel import create_app
import zorgtafel.cli  # registers every command, ``pseudonymise`` among them
from zorgtafel.config import load_settings
app_settings = {"database_url": f"sqlite:///{folder}/z.db", "secret_key_file": "secret_key"}
settings = load_settings({"app": app_settings}, path=folder / "config.toml")
app = create_app(settings)
app.test_client().get("/inloggen")
with app.app_context():
    from zorgtafel.pseudonymise import get_pseudonymiser
    get_pseudonymiser()
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("deduce", "docdeid"))
print(heavy)
"""


def test_creating_the_app_does_not_import_deduce(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", NO_DEDUCE, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_app_gets_a_client_on_the_configured_socket(app: Flask) -> None:
    with app.app_context():
        client = get_pseudonymiser()
        assert isinstance(client, PseudonymiserClient)
        assert (
            client.socket_path
            == Path(app.instance_path).parent / client.socket_path.parent / ("pseudonymiser.sock")
            or client.socket_path.name == "pseudonymiser.sock"
        )
        assert get_pseudonymiser() is client
        with pytest.raises(PseudonymiserUnavailable):  # no service in the test run
            client.pseudonymise("Sanne belde.")


def test_tests_can_substitute_the_engine(app: Flask, pseudonymiser_without_deduce) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        assert get_pseudonymiser() is pseudonymiser_without_deduce
        assert get_pseudonymiser().pseudonymise("Bel 06-12345678.").text == "Bel [TELEFOON-1]."


def test_substitution_is_undone_after_the_test(app: Flask) -> None:
    with app.app_context():
        assert isinstance(get_pseudonymiser(), PseudonymiserClient)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"socket": ""}, "mag niet leeg"),
        ({"socket": "x" * 120}, "107 bytes"),
        ({"timeout_seconds": 0}, "tussen 1 en 600"),
        ({"start_with_app": "ja"}, "true/false"),
    ],
)
def test_pseudonymiser_settings_are_validated(
    tmp_path: Path, values: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(
            {"app": {"database_url": "sqlite:///z.db"}, "pseudonymiser": values},
            path=tmp_path / "config.toml",
        )


def test_example_config_has_the_section(tmp_path: Path) -> None:
    settings = load_settings(path=ROOT / "config.example.toml")
    assert settings.warnings == ()
    assert settings.path("pseudonymiser.socket") == ROOT / "pseudonymiser.sock"
    assert settings["pseudonymiser.start_with_app"] is True


# --- issue 13: /gezondheid reports the pseudonymiser beside the database ----------------------


class _Reports:
    def __init__(self, status: ServiceStatus) -> None:
        self._status = status

    def status(self) -> ServiceStatus:
        return self._status


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ServiceStatus("ready"), {"pseudonymiser": "ready"}),
        (
            ServiceStatus("starting", 14),
            {"pseudonymiser": "starting", "pseudonymiser_ready_in_seconds": 14},
        ),
        (ServiceStatus("down"), {"pseudonymiser": "down"}),
    ],
)
def test_health_reports_the_database_and_the_pseudonymiser(
    app: Flask,
    client,
    status: ServiceStatus,
    expected: dict[str, object],  # type: ignore[no-untyped-def]
) -> None:
    use_pseudonymiser(app, _Reports(status))
    try:
        response = client.get("/gezondheid")
    finally:
        app.extensions.pop(EXTENSION, None)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", **expected}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_without_a_service_says_down_and_stays_cheap(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/gezondheid").get_json()["pseudonymiser"] == "down"  # none in tests
    started = time.monotonic()
    for _ in range(20):
        client.get("/gezondheid")
    assert time.monotonic() - started < 10  # one look a second at most, 2 s when it hangs


def test_health_with_a_real_starting_service(app: Flask, client, serve, short_dir: Path) -> None:  # type: ignore[no-untyped-def]
    server = serve(short_dir / "h.sock", None)
    server.expected_load_seconds = 40
    use_pseudonymiser(app, PseudonymiserClient(short_dir / "h.sock", timeout=5))
    try:
        body = client.get("/gezondheid").get_json()
    finally:
        app.extensions.pop(EXTENSION, None)
    assert body["pseudonymiser"] == "starting"
    assert 35 <= body["pseudonymiser_ready_in_seconds"] <= 40
    assert str(short_dir) not in json.dumps(body)  # public: no paths
