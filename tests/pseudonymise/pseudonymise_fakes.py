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


class NumpyEngine(EchoEngine):
    """Hands out numpy integers as offsets, as deduce does after resolving overlaps."""

    def pseudonymise(
        self, text: str, known: object = None, extra_terms: object = (), *, mask_known: bool = False
    ) -> Result:  # type: ignore[override]
        import numpy

        from zorgtafel.pseudonymise.engine import Span

        self.calls += 1
        return Result(
            "[PERSOON-1] bij de [LOCATIE-1].",
            (Span(numpy.int64(0), numpy.int64(4), "PERSOON", "[PERSOON-1]"),),
        )
