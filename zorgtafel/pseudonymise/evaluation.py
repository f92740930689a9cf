"""Score a pseudonymiser on the project's evaluation corpus: recall and kept rate.

Used by ``tests/pseudonymise/test_pseudonymise_corpus.py`` (the goals) and ``bench/pseudonymise.py``
(the numbers against raw deduce). The corpus format is described in its README.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zorgtafel.pseudonymise.engine import KnownPersons

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "pseudonymise" / "corpus"


@dataclass(frozen=True)
class CorpusCase:
    id: str
    genre: str
    text: str
    known: KnownPersons
    identifiers: tuple[tuple[str, str], ...]
    keep: tuple[str, ...]


@dataclass
class Score:
    """Recall: identifier occurrences fully covered; kept: ordinary phrases left untouched."""

    identifiers: int = 0
    removed: int = 0
    phrases: int = 0
    kept: int = 0
    misses: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.removed / self.identifiers if self.identifiers else 1.0

    @property
    def kept_rate(self) -> float:
        return self.kept / self.phrases if self.phrases else 1.0

    def report(self) -> str:
        lines = [
            f"recall {self.recall:.3f} ({self.removed}/{self.identifiers}), "
            f"kept {self.kept_rate:.3f} ({self.kept}/{self.phrases})"
        ]
        lines += [f"  gemist: {miss}" for miss in self.misses]
        lines += [f"  aangetast: {phrase}" for phrase in self.broken]
        return "\n".join(lines)


def load_corpus(folder: Path = CORPUS) -> list[CorpusCase]:
    cases = []
    for path in sorted(folder.glob("*.toml")):
        for case in tomllib.loads(path.read_text(encoding="utf-8"))["case"]:
            cases.append(
                CorpusCase(
                    case["id"],
                    case["genre"],
                    case["text"],
                    KnownPersons.from_dict(case.get("known")),
                    tuple((text, kind) for text, kind in case["identifiers"]),
                    tuple(case.get("keep", ())),
                )
            )
    return cases


def occurrences(phrase: str, text: str, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``phrase``, any whitespace between its words."""
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)"
    flags = re.IGNORECASE if ignore_case else 0
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]


def score_case(case: CorpusCase, spans: Iterable[Sequence[object]], total: Score) -> None:
    """Add one case's result (spans as (start, end, ...)) to ``total``."""
    covered = [False] * (len(case.text) + 1)
    for span in spans:
        start, end = int(span[0]), int(span[1])  # type: ignore[call-overload]
        covered[start:end] = [True] * (end - start)
    for phrase, kind in case.identifiers:
        for start, end in occurrences(phrase, case.text):
            total.identifiers += 1
            if all(covered[i] or case.text[i].isspace() for i in range(start, end)):
                total.removed += 1
            else:
                total.misses.append(f"{case.id}: {phrase!r} ({kind})")
    for phrase in case.keep:
        for start, end in occurrences(phrase, case.text, ignore_case=True):
            total.phrases += 1
            if any(covered[start:end]):
                total.broken.append(f"{case.id}: {phrase!r}")
            else:
                total.kept += 1


def evaluate(
    cases: Iterable[CorpusCase], spans_of: Callable[[CorpusCase], Iterable[Sequence[object]]]
) -> Score:
    """Score ``spans_of(case)`` over ``cases``."""
    total = Score()
    for case in cases:
        score_case(case, spans_of(case), total)
    return total
