"""Run every benchmark; each writes JSON to ``bench/results/``."""

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


def main() -> int:
    for name in BENCHMARKS:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()
    if not BENCHMARKS:
        print("no benchmarks yet")
        return 0
    from bench.summary import refresh_readme

    print(refresh_readme())
    return 0


if __name__ == "__main__":
    sys.exit(main())
