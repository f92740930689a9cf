"""``PseudonymiserClient``: the web workers' way to the pseudonymiser service over a Unix socket.

Three ways a text can come back without a result, each its own error, since each asks the user
for something else:

- ``PseudonymiserStarting`` (a ``PseudonymiserUnavailable``): the service still loads deduce;
  try again in about ``remaining_seconds``;
- ``PseudonymiserUnavailable``: no answer (not running, too slow);
- ``PseudonymiserFailed``: the service is up but its engine failed on this text.

In every case the caller must refuse to store the text, never store it un-pseudonymised.
``status()`` says which of ready / starting / down the service is in, without raising.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, NamedTuple

from zorgtafel.pseudonymise.engine import KnownPersons, Result
from zorgtafel.pseudonymise.protocol import FAILED, MAX_LINE, STARTING, extra_terms_to_wire

#: ``status()`` waits at most this long, and answers from memory this long after asking: it is
#: asked on page views and by the public health check
STATUS_TIMEOUT, STATUS_CACHE_SECONDS = 2.0, 1.0


class PseudonymiserError(Exception):
    """The service answered with an error (a bad request, or a failure inside it)."""


class PseudonymiserUnavailable(PseudonymiserError):
    """No answer: the service is not running, still loading deduce, or too slow."""


class PseudonymiserStarting(PseudonymiserUnavailable):
    """The service runs but still loads deduce; ready in about ``remaining_seconds``."""

    def __init__(self, remaining_seconds: int | None) -> None:
        self.remaining_seconds = remaining_seconds
        about = f" (± {remaining_seconds} s)" if remaining_seconds else ""
        super().__init__(f"de pseudonimiseerder start nog{about}; probeer het zo")


class PseudonymiserFailed(PseudonymiserError):
    """The service is up, but its engine failed on this text (a defect, not the user's)."""


class ServiceStatus(NamedTuple):
    """What a page or the health check may say about the service (no personal data)."""

    state: Literal["ready", "starting", "down"]
    remaining_seconds: int | None = None

    @property
    def ready(self) -> bool:
        return self.state == "ready"


class PseudonymiserClient:
    """Same API as the engine; one short connection per call (safe across gunicorn's forks)."""

    def __init__(self, socket_path: str | Path, timeout: float = 30.0) -> None:
        self.socket_path = Path(socket_path)
        self.timeout = timeout
        self._status: tuple[float, ServiceStatus] | None = None

    def pseudonymise(
        self,
        text: str,
        known: KnownPersons | None = None,
        extra_terms: Iterable[str | tuple[str, str]] = (),
        *,
        mask_known: bool = False,
    ) -> Result:
        reply = self._call(
            {
                "op": "pseudonymise",
                "text": text,
                "known": (known or KnownPersons()).to_dict(),
                "extra_terms": extra_terms_to_wire(extra_terms),
                "mask_known": mask_known,
            }
        )
        return Result.from_dict(reply["result"])

    def ping(self) -> bool:
        """Whether the service has loaded its engine; PseudonymiserUnavailable when it is down."""
        return bool(self._call({"op": "ping"}).get("ready"))

    def ready(self) -> bool:
        """True when the service answers and has loaded its engine."""
        return self.status().ready

    def status(self) -> ServiceStatus:
        """Ready, starting (with an estimate) or down; never raises, waits at most 2 s, and
        asks the service at most once per second (the health check is public)."""
        now = time.monotonic()
        if self._status is not None and now - self._status[0] < STATUS_CACHE_SECONDS:
            return self._status[1]
        try:
            reply = self._call({"op": "ping"}, timeout=min(self.timeout, STATUS_TIMEOUT))
        except PseudonymiserError:
            status = ServiceStatus("down")
        else:
            remaining = _seconds(reply.get("remaining_seconds"))
            status = (
                ServiceStatus("ready")
                if reply.get("ready")
                else ServiceStatus("starting", remaining)
            )
        self._status = (time.monotonic(), status)
        return status

    def _call(self, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        payload = json.dumps(request, ensure_ascii=False).encode() + b"\n"
        line = self._exchange(payload, self.timeout if timeout is None else timeout)
        try:
            reply = json.loads(line)
        except ValueError:
            raise PseudonymiserError("onleesbaar antwoord van de pseudonimiseerder") from None
        if not isinstance(reply, dict):
            raise PseudonymiserError("onleesbaar antwoord van de pseudonimiseerder")
        if not reply.get("ok"):
            error = reply.get("error")
            if error == STARTING:
                raise PseudonymiserStarting(_seconds(reply.get("remaining_seconds")))
            if error in (FAILED, "internal"):
                raise PseudonymiserFailed(f"pseudonimiseren mislukt: {reply.get('message', '')}")
            raise PseudonymiserError(f"pseudonimiseerder: {reply.get('message', 'fout')}")
        return reply

    def _exchange(self, payload: bytes, timeout: float) -> bytes:
        where = f"socket {self.socket_path}"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(timeout)
                connection.connect(str(self.socket_path))
                connection.sendall(payload)
                with connection.makefile("rb") as stream:
                    line = stream.readline(MAX_LINE)
        except (FileNotFoundError, ConnectionRefusedError):
            raise PseudonymiserUnavailable(f"de pseudonimiseerder draait niet ({where})") from None
        except TimeoutError:
            raise PseudonymiserUnavailable(
                f"de pseudonimiseerder antwoordt niet binnen {timeout:g} s ({where})"
            ) from None
        except OSError as exc:
            raise PseudonymiserUnavailable(
                f"de pseudonimiseerder is niet bereikbaar ({where}: {exc.strerror})"
            ) from None
        if not line.endswith(b"\n"):
            raise PseudonymiserUnavailable(f"de pseudonimiseerder brak de verbinding af ({where})")
        return line


def _seconds(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
