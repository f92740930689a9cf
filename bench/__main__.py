"""Run every benchmark; each writes JSON to ``bench/results/``.

``python -m bench`` runs the default set; ``python -m bench soak`` (``make soak``) runs the
ten-minute soak, which is not in the default set; ``python -m bench NAME ...`` runs those named.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS: tuple[str, ...] = (
    "verify",
    "appends",
    "decrypt",
    "meetings",
    "lists",
    "minutes",
    "pseudonymise",
)
#: run only when named: they take long, PostgreSQL only (the soak: ten minutes of load; the
#: retention benchmark: 100,000 cases seeded, 1,000 erased)
ON_REQUEST: tuple[str, ...] = ("soak", "retention")


def main(argv: list[str] | None = None) -> int:
    names = tuple(sys.argv[1:] if argv is None else argv) or BENCHMARKS
    unknown = [name for name in names if name not in BENCHMARKS + ON_REQUEST]
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = 0
    for name in names:
        print(f"== {name}")
        outcome = importlib.import_module(f"bench.{name}").main()
        # the soak's bar decides its exit status; the default set always exits 0, as before
        failed |= name in ON_REQUEST and bool(outcome)
    from bench.summary import refresh_readme

    print(refresh_readme())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
