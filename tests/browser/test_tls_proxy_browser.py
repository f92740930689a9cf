"""Behind a real TLS proxy: Debian's nginx with ``deploy/nginx/zorgtafel.conf`` (its
placeholders filled in), a self-signed certificate, gunicorn with ``app.https`` and
``app.proxy_fix``, and Chromium logging in through it.

Addresses: the browser reaches nginx on ``[::1]``, nginx reaches the app from ``127.0.0.1``
(the one trusted proxy), and the app also listens on ``[::1]`` for a client that skips the
proxy. So the audit event's address shows whose ``X-Forwarded-For`` counted: ``::1`` through
the proxy (nginx's own address would be 127.0.0.1), ``::1`` too when a client forges one.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, select

from tests.browser.conftest import AuditedPage, fail_on_serious, login_in_browser
from tests.fixtures.app import dispose, make_instance, own_app
from tests.fixtures.auth import Factories
from tests.fixtures.cases import CaseFactory
from tests.fixtures.server import gunicorn, write_config
from zorgtafel import ROOT
from zorgtafel.audit.models import AuditEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import InvolvementReason

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "zorgtafel.conf"
FORGED = "203.0.113.66"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost, 127.0.0.1 and ::1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    names = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def site_config(values: dict[str, str]) -> str:
    """The deploy file with its placeholders filled in; every placeholder must be known."""
    text = SITE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    left = re.findall(r"@[A-Z_]+@", body)
    assert not left, f"unfilled placeholders in {SITE.name}: {left}"
    return text


def main_config(prefix: Path) -> str:
    """nginx's own file for the test: everything in the test's folder, no root needed."""
    temp = "\n".join(
        f"  {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    temp += f"\n  uwsgi_temp_path {prefix / 'uwsgi'};\n  scgi_temp_path {prefix / 'scgi'};"
    # as root, nginx's workers would run as nobody, who may not enter the test's folder
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\ndaemon off;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n{temp}\n  include {prefix / 'site.conf'};\n}}\n"
    )


@contextmanager
def nginx(prefix: Path, site: str) -> Iterator[None]:
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    (prefix / "nginx.conf").write_text(main_config(prefix), encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    test = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert test.returncode == 0, test.stderr
    with (prefix / "stderr.log").open("wb") as log:
        process = subprocess.Popen(command, stderr=log)
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_for_tls(port: int) -> None:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("::1", port), timeout=2) as raw:
                context.wrap_socket(raw).close()
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("nginx did not answer")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, browser):  # type: ignore[no-untyped-def]
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run must install Debian's nginx")
        pytest.skip("nginx not installed (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("proxy")
    url = f"sqlite:///{folder / 'app.db'}"
    instance = make_instance(folder / "instance")
    app = own_app(url, instance)
    factories, cases = Factories(app), CaseFactory(app)
    factories.example_convenant()
    user = factories.user(Role.partner, "politie")
    case = cases.create(coordinator="politie")
    cases.involve(case, "politie", InvolvementReason.invited)
    dispose(app)
    write_config(
        instance,
        url,
        app={"https": True, "proxy_fix": True, "trusted_proxies": ["127.0.0.1"]},
    )
    direct_port = free_port("::1")
    argv = ["--bind", f"[::1]:{direct_port}", "--forwarded-allow-ips=127.0.0.1"]
    https_port, http_port = free_port("::1"), free_port("::1")
    cert, key = self_signed(folder)
    logs = folder / "logs"
    logs.mkdir()
    with gunicorn(instance, workers=2, argv=argv) as app_address:
        site = site_config(
            {
                "SERVER_NAME": "localhost",
                "HTTPS_LISTEN": f"[::1]:{https_port}",
                "HTTP_LISTEN": f"[::1]:{http_port}",
                "CERTIFICATE": str(cert),
                "CERTIFICATE_KEY": str(key),
                "APP": f"{app_address[0]}:{app_address[1]}",
                "LOG_DIR": str(logs),
            }
        )
        with nginx(folder, site):
            wait_for_tls(https_port)
            yield {
                "base": f"https://[::1]:{https_port}",
                "direct": ("::1", direct_port),
                "url": url,
                "user": user,
                "case": case,
                "logs": logs,
            }


def case_events(url: str, code: str) -> list[AuditEvent]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEvent.seq, AuditEvent.client_address, AuditEvent.request_id)
            .where(AuditEvent.object_id.startswith(code))
            .order_by(AuditEvent.seq)
        ).all()
    engine.dispose()
    return rows  # type: ignore[return-value]


def test_through_nginx_with_tls(proxied, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("ZORGTAFEL_SCREENSHOTS", tmp_path))
    base, user, code = proxied["base"], proxied["user"], proxied["case"].code
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}, ignore_https_errors=True
    )
    page = AuditedPage(context.new_page(), fail_on_serious)
    set_cookies: list[str] = []
    page.on(
        "response",
        lambda response: set_cookies.extend(
            h["value"] for h in response.headers_array() if h["name"].lower() == "set-cookie"
        ),
    )

    first = page.goto(f"{base}/inloggen")
    assert first is not None
    assert first.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    page.screenshot(path=shots / "tls-01-inloggen.png", full_page=True)
    login_in_browser(page, base, user)

    # on the wire: every cookie the app set is Secure, the session's is __Host- (no Domain)
    assert set_cookies
    assert all("; Secure" in cookie for cookie in set_cookies), set_cookies
    session = [c for c in set_cookies if c.startswith("__Host-zorgtafel=")]
    assert session
    assert "Domain=" not in session[-1]
    assert "Path=/" in session[-1]
    assert "HttpOnly" in session[-1]
    stored = {c["name"]: c for c in context.cookies()}
    assert stored["__Host-zorgtafel"]["secure"] is True

    before = len(case_events(proxied["url"], code))
    case_page = page.goto(f"{base}/casussen/{code}")
    assert case_page is not None
    assert case_page.status == 200
    assert "strict-transport-security" in case_page.headers
    page.screenshot(path=shots / "tls-02-casus.png", full_page=True)
    proxied_reads = case_events(proxied["url"], code)[before:]
    assert proxied_reads
    # the client's address from nginx's X-Forwarded-For (nginx itself is 127.0.0.1), and the
    # request id nginx gave the request
    assert {row.client_address for row in proxied_reads} == {"::1"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", row.request_id) for row in proxied_reads)

    # a forged X-Forwarded-For through the proxy: nginx replaces it with the real address
    page.set_extra_http_headers({"X-Forwarded-For": FORGED})
    before = len(case_events(proxied["url"], code))
    assert page.goto(f"{base}/casussen/{code}").status == 200  # type: ignore[union-attr]
    forged_through = case_events(proxied["url"], code)[before:]
    assert forged_through
    assert {row.client_address for row in forged_through} == {"::1"}

    # and straight to the app, past the proxy: not from a trusted proxy, so ignored
    cookie = f"__Host-zorgtafel={stored['__Host-zorgtafel']['value']}"
    before = len(case_events(proxied["url"], code))
    connection = http.client.HTTPConnection(*proxied["direct"], timeout=30)
    connection.request(
        "GET",
        f"/casussen/{code}",
        headers={
            "Cookie": cookie,
            "X-Forwarded-For": FORGED,
            "X-Forwarded-Proto": "https",
            "X-Request-ID": "forged-id",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") is None  # plain http: no HSTS
    forged_direct = case_events(proxied["url"], code)[before:]
    assert forged_direct
    assert {row.client_address for row in forged_direct} == {"::1"}
    assert all(row.request_id != "forged-id" for row in forged_direct)
    assert FORGED not in {row.client_address for row in case_events(proxied["url"], code)}

    # nginx's access log has the path, never a query string
    access = (proxied["logs"] / "zorgtafel-access.log").read_text()
    assert f"/casussen/{code}" in access
    context.close()
    print(f"screenshots: {shots}")
