"""Stand-ins for the pseudonymiser tests (a module of its own: every conftest is "conftest")."""

from __future__ import annotations

from zorgtafel.pseudonymise.engine import KnownPersons, Result


class EchoEngine:
    """A stand-in for the service tests: upper-cases the text, counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def pseudonymise(
        self,
        text: str,
        known: KnownPersons | None = None,
        extra_terms: object = (),
        *,
        mask_known: bool = False,
    ) -> Result:
        self.calls += 1
        if text == "boem":
            raise RuntimeError("geheime tekst boem")  # must not reach the client
        return Result(text.upper())
