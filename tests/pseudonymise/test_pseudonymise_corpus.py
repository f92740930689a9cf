"""The goals on the project's evaluation corpus: recall ≥ 0.97, kept ≥ 0.95 (misses reported)."""

from __future__ import annotations

import pytest

from zorgtafel.pseudonymise.engine import Pseudonymiser
from zorgtafel.pseudonymise.evaluation import evaluate, load_corpus, occurrences

CASES = load_corpus()


def test_corpus_is_large_enough_and_consistent() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)
    for case in CASES:
        for phrase, _ in case.identifiers:
            assert occurrences(phrase, case.text), f"{case.id}: {phrase!r} not in the text"
        for phrase in case.keep:
            assert occurrences(phrase, case.text, True), f"{case.id}: {phrase!r} not in the text"


@pytest.mark.slow
def test_goals_on_the_corpus(engine: Pseudonymiser) -> None:
    score = evaluate(CASES, lambda case: engine.pseudonymise(case.text, case.known).spans)
    assert score.recall >= 0.97, score.report()
    assert score.kept_rate >= 0.95, score.report()
