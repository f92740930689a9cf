"""``PseudonymiserClient``: the web workers' way to the pseudonymiser service over a Unix socket.

When the service is down or still loading, ``pseudonymise`` raises ``PseudonymiserUnavailable``:
the caller must refuse to store the text then, never store it un-pseudonymised.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zorgtafel.pseudonymise.engine import KnownPersons, Result
from zorgtafel.pseudonymise.protocol import MAX_LINE, extra_terms_to_wire


class PseudonymiserError(Exception):
    """The service answered with an error (a bad request, or a failure inside it)."""


class PseudonymiserUnavailable(PseudonymiserError):
    """No answer: the service is not running, still loading deduce, or too slow."""


class PseudonymiserClient:
    """Same API as the engine; one short connection per call (safe across gunicorn's forks)."""

    def __init__(self, socket_path: str | Path, timeout: float = 30.0) -> None:
        self.socket_path = Path(socket_path)
        self.timeout = timeout

    def pseudonymise(
        self,
        text: str,
        known: KnownPersons | None = None,
        extra_terms: Iterable[str | tuple[str, str]] = (),
    ) -> Result:
        reply = self._call(
            {
                "op": "pseudonymise",
                "text": text,
                "known": (known or KnownPersons()).to_dict(),
                "extra_terms": extra_terms_to_wire(extra_terms),
            }
        )
        return Result.from_dict(reply["result"])

    def ping(self) -> bool:
        """Whether the service has loaded its engine; PseudonymiserUnavailable when it is down."""
        return bool(self._call({"op": "ping"}).get("ready"))

    def ready(self) -> bool:
        """True when the service answers and has loaded its engine."""
        try:
            return self.ping()
        except PseudonymiserError:
            return False

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        line = self._exchange(json.dumps(request, ensure_ascii=False).encode() + b"\n")
        try:
            reply = json.loads(line)
        except ValueError:
            raise PseudonymiserError("onleesbaar antwoord van de pseudonimiseerder") from None
        if not reply.get("ok"):
            if reply.get("error") == "starting":
                raise PseudonymiserUnavailable("de pseudonimiseerder start nog; probeer het zo")
            raise PseudonymiserError(f"pseudonimiseerder: {reply.get('message', 'fout')}")
        return reply

    def _exchange(self, payload: bytes) -> bytes:
        where = f"socket {self.socket_path}"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(self.timeout)
                connection.connect(str(self.socket_path))
                connection.sendall(payload)
                with connection.makefile("rb") as stream:
                    line = stream.readline(MAX_LINE)
        except (FileNotFoundError, ConnectionRefusedError):
            raise PseudonymiserUnavailable(f"de pseudonimiseerder draait niet ({where})") from None
        except TimeoutError:
            raise PseudonymiserUnavailable(
                f"de pseudonimiseerder antwoordt niet binnen {self.timeout:g} s ({where})"
            ) from None
        except OSError as exc:
            raise PseudonymiserUnavailable(
                f"de pseudonimiseerder is niet bereikbaar ({where}: {exc.strerror})"
            ) from None
        if not line.endswith(b"\n"):
            raise PseudonymiserUnavailable(f"de pseudonimiseerder brak de verbinding af ({where})")
        return line
