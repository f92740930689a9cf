"""Two app hosts on one PostgreSQL database: two gunicorn servers, each with its own instance
folder and its own pseudonymiser service, the same keys. One audit chain, sessions that hold on
either host, and one login throttle (its store is the shared database)."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, func, select

from tests.fixtures.app import PG_URL, dispose, fresh_database, make_instance, own_app
from tests.fixtures.auth import Factories, UserRecord
from tests.fixtures.cases import CaseFactory
from tests.fixtures.server import gunicorn, request, write_config
from zorgtafel import ROOT
from zorgtafel.audit.models import AuditEvent, QueuedEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import InvolvementReason

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="two hosts share a PostgreSQL database"),
]

KEY_FILES = ("secret_key", "master.key", "lookup.key", "audit-signing.key")
#: a pseudonymiser service with the project's own annotators, without deduce (~1 GB per host)
SERVICE = (
    "import sys\n"
    "from zorgtafel.pseudonymise import Pseudonymiser\n"
    "from zorgtafel.pseudonymise.service import serve\n"
    "serve(sys.argv[1], lambda: Pseudonymiser(detector=lambda text: ()))\n"
)
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Browser:
    """Cookies and CSRF tokens over plain HTTP, against whichever host it is told."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def send(
        self, host: tuple[str, int], method: str, path: str, form: dict[str, str] | None = None
    ):  # type: ignore[no-untyped-def]
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form)
        response = request(host, method, path, headers=headers, body=body)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response

    def token(self, host: tuple[str, int], path: str) -> str:
        found = CSRF.search(self.send(host, "GET", path).body)
        assert found, f"no form on {path}"
        return found.group(1)

    def post(self, host: tuple[str, int], path: str, **fields: str):  # type: ignore[no-untyped-def]
        return self.send(host, "POST", path, {"csrf_token": self.token(host, path), **fields})

    def log_in(self, host: tuple[str, int], user: UserRecord) -> None:
        response = self.post(host, "/inloggen", email=user.email, password=user.password)
        assert response.status == 302, response.status
        response = self.post(host, "/inloggen/code", code=user.code())
        assert response.status == 302, response.body[:500]


@contextmanager
def pseudonymiser_service(socket: Path) -> Iterator[None]:
    """The host's own service, as its systemd unit would run it (lighter engine)."""
    process = subprocess.Popen([sys.executable, "-c", SERVICE, str(socket)], cwd=ROOT)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def two_hosts(url: str, folder: Path) -> Iterator[tuple[tuple[str, int], tuple[str, int]]]:
    """Host a and host b: own instance folders (b gets a's keys), own services, one database."""
    sockets = Path(tempfile.mkdtemp(prefix="zt-", dir="/tmp"))  # Unix sockets: ≤ 107 bytes
    instances = [folder / "host-a", folder / "host-b"]
    instances[1].mkdir()
    for name in KEY_FILES:
        shutil.copy2(instances[0] / name, instances[1] / name)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, sockets, True)
        addresses = []
        for n, instance in enumerate(instances):
            socket = sockets / f"host-{n}.sock"
            write_config(instance, url, pseudonymiser={"socket": str(socket)})
            stack.enter_context(pseudonymiser_service(socket))
            addresses.append(stack.enter_context(gunicorn(instance, workers=2)))
        for address in addresses:
            _wait_for_pseudonymiser(address)
        yield addresses[0], addresses[1]


def _wait_for_pseudonymiser(address: tuple[str, int]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if json.loads(request(address, "GET", "/gezondheid").body)["pseudonymiser"] == "ready":
            return
        time.sleep(0.3)
    raise AssertionError(f"pseudonymiser of {address} not ready")


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The database with a case the police sit at the table for, and both hosts serving it."""
    folder = tmp_path_factory.mktemp("hosts")
    with fresh_database("postgresql", folder) as url:
        app = own_app(url, make_instance(folder / "host-a"))
        factories, cases = Factories(app), CaseFactory(app)
        factories.example_convenant()
        users = {
            "politie": factories.user(Role.partner, "politie"),
            "vt": factories.user(Role.partner, "veilig-thuis"),
        }
        case = cases.create(coordinator="politie")
        cases.involve(case, "politie", InvolvementReason.invited)
        dispose(app)
        with two_hosts(url, folder) as hosts:
            yield url, folder, hosts, users, case


def contribute(browser: Browser, host: tuple[str, int], code: str, text: str) -> None:
    """Preview (through this host's pseudonymiser), then save."""
    path = f"/casussen/{code}/inbreng"
    fields = {"category": "signalen", "text": text}
    preview = browser.post(host, path, **fields, preview="1")
    assert preview.status == 200, preview.body[:1000]
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', preview.body)
    assert proof
    token = CSRF.search(preview.body)
    assert token
    saved = browser.send(
        host,
        "POST",
        path,
        {**fields, "previewed": proof.group(1), "save": "1", "csrf_token": token.group(1)},
    )
    assert saved.status == 302, saved.body[:1000]


def test_one_audit_chain_while_both_hosts_disclose(setting) -> None:  # type: ignore[no-untyped-def]
    """Case pages and contributions on both hosts at once: every event on one chain, 1..n
    without gap or fork, and it verifies."""
    url, folder, (a, b), users, case = setting
    browser = Browser()
    browser.log_in(a, users["politie"])
    contribute(browser, a, case.code, "Fictief: gezien bij het station, via host a.")
    contribute(browser, b, case.code, "Fictief: gezien bij de haven, via host b.")
    failures: list[str] = []

    def read(host: tuple[str, int], rounds: int) -> None:
        for _ in range(rounds):
            response = browser.send(host, "GET", f"/casussen/{case.code}")
            if response.status != 200 or "via host a" not in response.body:
                failures.append(f"{host}: {response.status}")

    threads = [threading.Thread(target=read, args=(host, 15)) for host in (a, b, a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    page = browser.send(b, "GET", f"/casussen/{case.code}").body
    assert "via host a" in page
    assert "via host b" in page

    engine = create_engine(url)
    deadline = time.monotonic() + 10
    with engine.connect() as connection:
        while connection.scalar(select(func.count()).select_from(QueuedEvent)):
            assert time.monotonic() < deadline, "queued events not sequenced"
            time.sleep(0.2)
            connection.rollback()
        rows = connection.execute(
            select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash).order_by(AuditEvent.seq)
        ).all()
        case_reads = connection.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id.startswith(case.code))
        )
    engine.dispose()
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))  # no gap
    for before, after in itertools.pairwise(rows):  # no fork: each links to the one before
        assert after.prev_hash == before.hash
    assert len({row.prev_hash for row in rows}) == len(rows)
    assert case_reads >= 60  # every page read, from either host, is on the chain
    result = _zorgtafel(folder / "host-b", "audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr


def _zorgtafel(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZORGTAFEL_CONFIG": str(instance / "config.toml")}
    env["ZORGTAFEL_INSTANCE"] = str(instance)
    command = [str(Path(sys.executable).with_name("zorgtafel")), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_a_session_holds_on_both_hosts_and_ends_on_both(setting) -> None:  # type: ignore[no-untyped-def]
    _url, _folder, (a, b), users, _case = setting
    browser = Browser()
    browser.log_in(a, users["vt"])
    assert browser.send(b, "GET", "/casussen").status == 200
    assert browser.send(a, "GET", "/casussen").status == 200
    logout = browser.send(b, "POST", "/uitloggen", {"csrf_token": browser.token(b, "/casussen")})
    assert logout.status == 302
    for host in (a, b):
        response = browser.send(host, "GET", "/casussen")
        assert response.status == 302
        assert response.getheader("Location", "").startswith("/inloggen")


def test_the_login_throttle_counts_across_hosts(setting) -> None:  # type: ignore[no-untyped-def]
    """Wrong passwords alternating between the hosts: the 6th within the minute is refused,
    on either host; the store is the shared database (``zorgtafel+sql://``)."""
    _url, _folder, (a, b), users, _case = setting
    email = users["politie"].email

    def wrong(host: tuple[str, int]) -> int:
        return Browser().post(host, "/inloggen", email=email, password="wrong guess").status

    assert [wrong(host) for host in (a, b) * 3] == [401] * 5 + [429]
    assert wrong(a) == 429
    right = Browser().post(b, "/inloggen", email=email, password=users["politie"].password)
    assert right.status == 429
