"""Forwarded headers count only with ``app.proxy_fix``, and only from the configured proxy: a
local client cannot make the app send HSTS over plain http (issue 12 point 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.fixtures.app import build_app, make_instance
from tests.fixtures.server import gunicorn, prepared_instance, request
from zorgtafel.cli import gunicorn_argv
from zorgtafel.config import ConfigError, load_settings

HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}


def _hsts(response) -> str | None:  # type: ignore[no-untyped-def]
    return response.headers.get("Strict-Transport-Security")


@pytest.mark.parametrize("serve", [False, True], ids=["plain-gunicorn", "zorgtafel-serve"])
def test_a_local_client_cannot_have_hsts_sent_over_http(
    own_database: str, tmp_path: Path, serve: bool
) -> None:
    """gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default; the app does not."""
    config = prepared_instance(own_database, tmp_path / "instance")
    argv = None
    if serve:
        settings = load_settings(path=config)
        argv = gunicorn_argv(settings, "127.0.0.1:0", 1)[1:-1]
        argv = [arg for arg in argv if arg not in ("--bind", "127.0.0.1:0", "--workers", "1")]
        assert "--forwarded-allow-ips=" in argv  # nobody, with proxy_fix off
    with gunicorn(tmp_path / "instance", argv=argv) as address:
        response = request(address, "GET", "/inloggen", headers=HTTPS)
        assert response.status == 200
        assert _hsts(response) is None
        assert "Secure" not in (response.getheader("Set-Cookie") or "")


def test_serve_passes_the_configured_proxies_to_gunicorn(tmp_path: Path) -> None:
    instance = make_instance(tmp_path / "instance")
    base = {"database_url": "sqlite:///x.db", "secret_key_file": str(instance / "secret_key")}
    off = load_settings({"app": base}, path=instance / "config.toml")
    assert "--forwarded-allow-ips=" in gunicorn_argv(off, "127.0.0.1:5000", 2)
    on = load_settings(
        {"app": {**base, "proxy_fix": True, "trusted_proxies": ["10.0.0.5", "fd00::/64"]}},
        path=instance / "config.toml",
    )
    assert "--forwarded-allow-ips=10.0.0.5/32,fd00::/64" in gunicorn_argv(on, "127.0.0.1:5000", 2)


def test_trusted_proxies_must_be_addresses(tmp_path: Path) -> None:
    app = {"database_url": "sqlite:///x.db"}
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings({"app": {**app, "trusted_proxies": ["proxy.example"]}}, path=tmp_path / "c")
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings(
            {"app": {**app, "proxy_fix": True, "trusted_proxies": []}}, path=tmp_path / "c"
        )


@pytest.fixture
def proxied_app(app: Flask, database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app behind a proxy at 192.0.2.10 (on the session's database, migrated by ``app``)."""
    proxied = build_app(
        database_url,
        make_instance(tmp_path / "proxied"),
        app={"proxy_fix": True, "trusted_proxies": ["192.0.2.10"]},
    )
    yield proxied
    proxied.extensions["zorgtafel.db"].engine.dispose()


def test_forwarded_headers_count_only_from_the_configured_proxy(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    local = client.get("/inloggen", headers=HTTPS, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert _hsts(local) is None
    proxied = client.get("/inloggen", headers=HTTPS, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert _hsts(proxied) is not None


def test_the_client_address_comes_from_the_proxy_only(proxied_app: Flask) -> None:
    from flask import request as flask_request

    seen: list[str | None] = []
    proxied_app.before_request_funcs.setdefault(None, []).append(
        lambda: seen.append(flask_request.remote_addr)
    )
    client = proxied_app.test_client()
    spoofed = {"X-Forwarded-For": "198.51.100.1"}
    client.get("/gezondheid", headers=spoofed, environ_base={"REMOTE_ADDR": "203.0.113.4"})
    client.get("/gezondheid", headers=spoofed, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert seen == ["203.0.113.4", "198.51.100.1"]


def test_the_request_id_comes_from_the_proxy_only(proxied_app: Flask) -> None:
    """The audit log records it: a client past the proxy may not choose it."""
    from zorgtafel.audit.operations import request_id

    seen: list[str] = []
    proxied_app.before_request_funcs.setdefault(None, []).append(lambda: seen.append(request_id()))
    client = proxied_app.test_client()
    headers = {"X-Request-ID": "chosen-id"}
    client.get("/gezondheid", headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.4"})
    client.get("/gezondheid", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert seen[0] != "chosen-id"
    assert seen[1] == "chosen-id"


def test_without_proxy_fix_no_forwarded_header_counts(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/inloggen", headers=HTTPS, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert _hsts(response) is None
