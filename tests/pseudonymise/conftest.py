"""Fixtures: the real engine (deduce loaded once per session), an engine without deduce, and a
pseudonymiser service on a real Unix socket in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from zorgtafel.pseudonymise.engine import Pseudonymiser
from zorgtafel.pseudonymise.service import PseudonymiserServer


@pytest.fixture(scope="session")
def engine() -> Pseudonymiser:
    """The real engine with deduce: ~15 s and ~1 GB once (140 s on a fresh venv: its cache)."""
    return Pseudonymiser()


@pytest.fixture(scope="session")
def annotators_only() -> Pseudonymiser:
    """Known names, marked words and the project's annotators; no deduce."""
    return Pseudonymiser(detector=lambda text: ())


@pytest.fixture
def short_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short folder: Unix socket paths hold at most 107 bytes."""
    return tmp_path_factory.mktemp("s")


@pytest.fixture
def serve() -> Iterator[Callable[..., PseudonymiserServer]]:
    """``serve(path, engine)`` runs a PseudonymiserServer in a thread until the test ends."""
    running: list[tuple[PseudonymiserServer, threading.Thread]] = []

    def start(path: Path, engine: object | None) -> PseudonymiserServer:
        server = PseudonymiserServer(path, engine)  # type: ignore[arg-type]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return server

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(5)
