"""Crash safety: a burst of writes against real gunicorn workers while the test kills -9 first
one worker, then the whole server (master and workers), then the pseudonymiser service, and
starts each again. Afterwards every write that was answered as done is there, nothing half
written is visible, the audit chain verifies and no event is left in the queue.

The writes, by several clients at once: contributions (form, pseudonymised preview, save),
stage changes, minutes saves (preview, save) and case page views (each an audit append: the
gate's event is committed before the page is answered). A write counts as *answered* when its
answer says it was done: a contribution's save redirects to its anchor, a minutes save or a
stage change redirects and the next page shows its success message. Those must be there after
the restarts; requests that met the kill must have got an error (or no answer), never that.

The pseudonymiser service is the real one (``zorgtafel.pseudonymise.service.serve``) in a
process of its own, with the engine without deduce (known names, marked words, the project's
annotators): loading deduce would take a minute per start.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.fixtures.app import dispose, in_app, own_app
from tests.fixtures.auth import Factories, UserRecord
from tests.fixtures.cases import CaseFactory
from tests.fixtures.meetings import MeetingFactory
from tests.fixtures.server import _free_port, start_gunicorn, stop, write_config
from zorgtafel import ROOT
from zorgtafel.audit.models import AuditEvent, AuditHead, QueuedEvent
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Case, Contribution, ContributionSave, Stage, StageChange
from zorgtafel.minutes.models import Minutes, MinutesVersion
from zorgtafel.pseudonymise import PseudonymiserClient

pytestmark = pytest.mark.slow

CLIENTS = 4
CASES = CLIENTS
TEXT = "Fictief: Fenna was drie dagen niet op school en belde met 06-12345678."
MINUTES_TEXT = "Fictief: besproken; school en wijkteam nemen contact op."
STAGES = (Stage.aanpak, Stage.nazorg)
SERVICE = """
import sys
from zorgtafel.pseudonymise.engine import Pseudonymiser
from zorgtafel.pseudonymise.service import serve
serve(sys.argv[1], lambda: Pseudonymiser(detector=lambda text: ()))
"""


class Browser:
    """One user's cookie jar over plain HTTP; each request on a new connection (so gunicorn
    hands it to any worker)."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.jar: dict[str, str] = {}

    def call(
        self, method: str, path: str, form: dict[str, object] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(*self.address, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(value).items():
                self.jar[key] = morsel.value
        return response.status, dict(response.headers), text

    def token(self, html: str) -> str:
        found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
        assert found, "no csrf token"
        return found.group(1)

    def login(self, user: UserRecord) -> None:
        _, _, page = self.call("GET", "/inloggen")
        form = {"email": user.email, "password": user.password, "csrf_token": self.token(page)}
        assert self.call("POST", "/inloggen", form)[0] == 302
        _, _, page = self.call("GET", "/inloggen/code")
        form = {"code": user.code(), "csrf_token": self.token(page)}
        assert self.call("POST", "/inloggen/code", form)[0] == 302


@dataclass
class Ledger:
    """What the clients were told, per kind of write."""

    contributions: list[int] = field(default_factory=list)
    #: (case code, stage) per stage change answered as done
    stages: list[tuple[str, str]] = field(default_factory=list)
    #: (item id, version) per minutes save answered as done
    minutes: list[tuple[int, int]] = field(default_factory=list)
    #: case page views answered 200, per case code
    views: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Table:
    #: a chair per client (a code logs in once)
    chairs: list[UserRecord]
    codes: list[str]
    items: list[int]


def test_writes_answered_as_done_survive_kill_9(own_database: str, tmp_path: Path) -> None:
    with _instance(own_database, tmp_path) as (instance, app, table):
        port = _free_port()
        service = _start_service(instance)
        server = start_gunicorn(instance, port, workers=2)
        address = ("127.0.0.1", port)
        browsers = [Browser(address) for _ in range(CLIENTS)]
        for browser, chair in zip(browsers, table.chairs, strict=True):
            browser.login(chair)
        ledger = Ledger()
        stop_writing = threading.Event()
        threads = [
            threading.Thread(target=_write, args=(b, n, table, ledger, stop_writing))
            for n, b in enumerate(browsers)
        ]
        try:
            for thread in threads:
                thread.start()
            time.sleep(3)
            workers = _children(server.pid)
            assert len(workers) == 2, workers
            os.kill(workers[0], signal.SIGKILL)  # one worker: gunicorn starts another
            time.sleep(3)
            with _head_held(app):  # PostgreSQL: events are queued, answered, left behind
                for pid in [server.pid, *_children(server.pid)]:  # the whole server
                    os.kill(pid, signal.SIGKILL)
                server.wait()
            time.sleep(1)
            server = start_gunicorn(instance, port, workers=2)
            time.sleep(3)
            service.kill()  # the pseudonymiser
            service.wait()
            time.sleep(2)
            service = _start_service(instance)
            time.sleep(3)
        finally:
            stop_writing.set()
            for thread in threads:
                thread.join(60)
        try:
            assert not ledger.errors, ledger.errors[:5]
            assert ledger.failed > 0, "no request met a kill"
            assert ledger.contributions, ledger
            assert ledger.stages, ledger
            assert ledger.minutes, ledger
            _all_there(app, table, ledger, browsers[0])
            _queue_sequenced(app)
            verify = _zorgtafel(instance, "audit", "verify")
            assert verify.returncode == 0, verify.stderr
            assert "auditlog intact" in verify.stdout
            assert "wachtrij" not in verify.stdout, verify.stdout
        finally:
            stop(server)
            service.terminate()
            service.wait(20)


def _write(
    browser: Browser, n: int, table: Table, ledger: Ledger, stopped: threading.Event
) -> None:
    """Client n's writes until stopped: its own case and agenda item, so its writes are its
    own to count (the others write to theirs at the same time)."""
    code, item = table.codes[n], table.items[n]
    turn = 0
    while not stopped.is_set():
        kind = ("contribution", "view", "stage", "view", "minutes")[turn % 5]
        turn += 1
        try:
            if kind == "contribution":
                _contribute(browser, code, ledger)
            elif kind == "view":
                status, _, _ = browser.call("GET", f"/casussen/{code}")
                if status == 200:
                    with ledger.lock:
                        ledger.views[code] = ledger.views.get(code, 0) + 1
                else:
                    _failed(ledger, status, kind)
            elif kind == "stage":
                _change_stage(browser, code, turn, ledger)
            else:
                _save_minutes(browser, item, ledger)
        except (OSError, http.client.HTTPException):  # refused, reset: the kill
            with ledger.lock:
                ledger.failed += 1
            time.sleep(0.2)


def _failed(ledger: Ledger, status: int, kind: str) -> None:
    """A refused write is fine while something is down (502/503/500 from a dying worker);
    anything else (a 400, a 404, a 409 not caused by a kill) would be the test's own error."""
    with ledger.lock:
        ledger.failed += 1
        if status not in (500, 502, 503):
            ledger.errors.append(f"{kind}: {status}")


def _contribute(browser: Browser, code: str, ledger: Ledger) -> None:
    path = f"/casussen/{code}/inbreng"
    status, _, page = browser.call("GET", path)
    if status != 200:
        return _failed(ledger, status, "contribution form")
    form: dict[str, object] = {
        "category": "signalen",
        "text": TEXT,
        "marked": "",
        "csrf_token": browser.token(page),
        "preview": "1",
    }
    status, _, page = browser.call("POST", path, form)
    if status != 200:
        return _failed(ledger, status, "contribution preview")
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', page)
    assert proof, page[:2000]
    del form["preview"]
    form.update(previewed=proof.group(1), save="1")
    status, headers, _ = browser.call("POST", path, form)
    if status != 302:
        return _failed(ledger, status, "contribution save")
    saved = re.search(r"#inbreng-(\d+)$", headers["Location"])
    assert saved, headers["Location"]
    with ledger.lock:
        ledger.contributions.append(int(saved.group(1)))
    return None


def _change_stage(browser: Browser, code: str, turn: int, ledger: Ledger) -> None:
    status, _, page = browser.call("GET", f"/casussen/{code}")
    if status != 200:
        return _failed(ledger, status, "case page")
    stage = STAGES[turn // 5 % 2]
    form = {"stage": stage.value, "reason": "plan_agreed", "csrf_token": browser.token(page)}
    status, _, _ = browser.call("POST", f"/casussen/{code}/fase", form)
    if status != 302:
        return _failed(ledger, status, "stage change")
    # the answer that it was done is the flash on the page the redirect leads to
    status, _, page = browser.call("GET", f"/casussen/{code}")
    if status != 200:
        return _failed(ledger, status, "case page after the stage change")
    if "De fase is gewijzigd." in page:
        with ledger.lock:
            ledger.stages.append((code, stage.value))
    return None


def _save_minutes(browser: Browser, item: int, ledger: Ledger) -> None:
    path = f"/notulen/punten/{item}/bewerken"
    status, _, page = browser.call("GET", path)
    if status != 200:
        return _failed(ledger, status, "minutes editor")
    based_on = re.search(r'name="based_on" type="hidden" value="(\d+)"', page) or re.search(
        r'id="based_on" name="based_on" type="hidden" value="(\d+)"', page
    )
    assert based_on, page[:2000]
    form: dict[str, object] = {
        "csrf_token": browser.token(page),
        "based_on": based_on.group(1),
        "part": ["conclusion"],
        "category": ["signalen"],
        "text": [MINUTES_TEXT],
        "preview": "1",
    }
    status, _, page = browser.call("POST", path, form)
    if status != 200:
        return _failed(ledger, status, "minutes preview")
    proof = re.search(r'name="previewed" type="hidden" value="([0-9a-f]+)"', page) or re.search(
        r'id="previewed" name="previewed" type="hidden" value="([0-9a-f]+)"', page
    )
    assert proof, page[:3000]
    del form["preview"]
    form.update(previewed=proof.group(1), save="1")
    status, _, _ = browser.call("POST", path, form)
    if status != 302:
        return _failed(ledger, status, "minutes save")
    status, _, page = browser.call("GET", f"/notulen/punten/{item}")
    if status != 200:
        return _failed(ledger, status, "minutes page")
    if "De conceptnotulen zijn gepseudonimiseerd opgeslagen." in page:
        with ledger.lock:
            ledger.minutes.append((item, int(based_on.group(1)) + 1))
    return None


def _all_there(app: Flask, table: Table, ledger: Ledger, browser: Browser) -> None:
    """Every write answered as done is stored, whole; and shown by the restarted server."""
    with in_app(app) as session:
        stored = set(session.scalars(select(Contribution.id)))
        assert set(ledger.contributions) <= stored
        # a claim of a preview is written with its contribution, in one transaction
        claims = session.scalars(select(ContributionSave)).all()
        assert all(claim.contribution_id in stored for claim in claims)
        for code in table.codes:
            case = session.scalar(select(Case).where(Case.code == code))
            changes = session.scalars(
                select(StageChange).where(StageChange.case_id == case.id).order_by(StageChange.id)
            ).all()
            answered = [stage for c, stage in ledger.stages if c == code]
            assert len(changes) >= len(answered)
            # the case's stage is the one its last change moved it to: no half change
            assert case.stage is (changes[-1].to_stage if changes else Stage.aanpak)
            views = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.object_id == code, AuditEvent.action == "read")
            )
            assert views >= ledger.views.get(code, 0)
        for item, version in ledger.minutes:
            minutes = session.scalar(select(Minutes).where(Minutes.agenda_item_id == item))
            numbers = set(
                session.scalars(
                    select(MinutesVersion.number).where(MinutesVersion.minutes_id == minutes.id)
                )
            )
            assert version in numbers
            # the version counter never runs ahead of the versions stored
            assert numbers == set(range(1, minutes.version + 1))
    # the restarted server opens every one of them (each sealed field decrypts)
    answered = set(ledger.contributions)
    for code in table.codes:
        with in_app(app) as session:
            own = set(session.scalars(select(Contribution.id).join(Case).where(Case.code == code)))
        status, _, page = browser.call("GET", f"/casussen/{code}")
        assert status == 200
        for contribution in own & answered:
            assert f'id="inbreng-{contribution}"' in page


@contextmanager
def _head_held(app: Flask) -> Iterator[None]:
    """On PostgreSQL: hold the chain's head for two seconds before the block (as a long
    sequencing transaction would), so that the workers queue the events of what they answer
    and their sequencers give way; the block kills them with those events still queued."""
    engine = app.extensions["zorgtafel.db"].engine
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection, connection.begin():
        connection.execute(select(AuditHead.seq).with_for_update())
        time.sleep(2)
        left = connection.scalar(select(func.count()).select_from(QueuedEvent))
        yield
    assert left, "nothing was queued while the head was held"


def _queue_sequenced(app: Flask) -> None:
    """What the killed processes had queued is chained by the restarted server, without a
    graceful stop (which would chain it at exit) and without ``audit seal``."""
    deadline = time.monotonic() + 20
    while True:
        with in_app(app) as session:
            queued = session.scalar(select(func.count()).select_from(QueuedEvent))
        if not queued or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert queued == 0


@contextmanager
def _instance(url: str, folder: Path) -> Iterator[tuple[Path, Flask, Table]]:
    """An instance gunicorn can serve: the convenant, a chair, a case and an agenda item (of a
    meeting today) per client; the pseudonymiser's socket in a short folder of its own."""
    instance = folder / "instance"
    app = own_app(url, instance)
    factories = Factories(app)
    factories.example_convenant()
    chairs = [factories.user(Role.chair, "gemeente") for _ in range(CLIENTS)]
    cases = [CaseFactory(app).create(coordinator="gemeente") for _ in range(CASES)]
    meeting = MeetingFactory(app, factories).create(
        [(case.id, ["gemeente", "politie"]) for case in cases], chair_id=chairs[0].id
    )
    with tempfile.TemporaryDirectory(prefix="zt-") as short:
        write_config(instance, url, pseudonymiser={"socket": f"{short}/p.sock"})
        try:
            yield instance, app, Table(chairs, [c.code for c in cases], list(meeting.item_ids))
        finally:
            dispose(app)


def _start_service(instance: Path) -> subprocess.Popen[bytes]:
    socket = _socket(instance)
    with (instance / "pseudonymiser.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVICE, str(socket)], cwd=ROOT, stdout=log, stderr=log
        )
    client = PseudonymiserClient(socket)
    deadline = time.monotonic() + 60
    while not client.ready():
        assert process.poll() is None, (instance / "pseudonymiser.log").read_text()
        assert time.monotonic() < deadline, "the pseudonymiser did not start"
        time.sleep(0.1)
    return process


def _socket(instance: Path) -> Path:
    found = re.search(r'^socket = "([^"]+)"', (instance / "config.toml").read_text(), re.M)
    assert found
    return Path(found.group(1))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _zorgtafel(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ZORGTAFEL_INSTANCE": str(instance),
        "ZORGTAFEL_CONFIG": str(instance / "config.toml"),
    }
    return subprocess.run(
        [sys.executable, "-m", "zorgtafel", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
