"""The goals on the evaluation corpora: recall ≥ 0.97, kept ≥ 0.95 (misses reported).

The tuning corpus is what the annotators were developed on; the held-out corpus is only
measured (see its README), so its scores say how the engine does on texts it was not fitted
to (less so since its misses were seen in the third round, see its README); a floor keeps it
from getting worse. The unseen corpus was written by other hands, who never read the engine
or the other corpora, and measured once (see its README). On the tuning corpus the roles must
also be right (a relative is not the subject, a detected name no role) and no quote or bracket
may be lost; masked (for authors who may not receive identity) the goals hold there too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zorgtafel.pseudonymise.engine import Pseudonymiser
from zorgtafel.pseudonymise.evaluation import CORPORA, evaluate, load_corpus, occurrences

#: written by other hands, who never read the engine or the other corpora (see its README)
UNSEEN = Path(__file__).resolve().parent / "corpus-unseen"
CASES = {name: load_corpus(folder) for name, folder in {**CORPORA, "unseen": UNSEEN}.items()}
MINIMUM = {"tuning": 100, "held-out": 25, "unseen": 25}


@pytest.mark.parametrize("name", CASES)
def test_corpus_is_large_enough_and_consistent(name: str) -> None:
    cases = CASES[name]
    assert len(cases) >= MINIMUM[name]
    assert len({case.id for case in cases}) == len(cases)
    for case in cases:
        for phrase, _ in case.identifiers:
            assert occurrences(phrase, case.text), f"{case.id}: {phrase!r} not in the text"
        for phrase in case.keep:
            assert occurrences(phrase, case.text, True), f"{case.id}: {phrase!r} not in the text"
        for context, part, _ in case.roles:
            assert occurrences(context, case.text), f"{case.id}: {context!r} not in the text"
            assert part in context, f"{case.id}: {part!r} not in {context!r}"


def test_the_corpora_share_no_text() -> None:
    texts = {name: {" ".join(case.text.split()) for case in CASES[name]} for name in CASES}
    assert not texts["tuning"] & texts["held-out"]
    assert not (texts["tuning"] | texts["held-out"]) & texts["unseen"]


def _score(engine: Pseudonymiser, name: str, mask_known: bool = False):  # type: ignore[no-untyped-def]
    return evaluate(
        CASES[name],
        lambda case: (
            engine.pseudonymise(case.text, case.known, case.marked, mask_known=mask_known).spans
        ),
    )


@pytest.mark.slow
def test_goals_on_the_tuning_corpus(engine: Pseudonymiser) -> None:
    score = _score(engine, "tuning")
    assert score.recall >= 0.97, score.report()
    assert score.kept_rate >= 0.95, score.report()
    assert score.role_rate == 1.0, score.report()
    assert score.punctuation_lost == [], score.report()


@pytest.mark.slow
def test_goals_on_the_held_out_corpus(engine: Pseudonymiser) -> None:
    score = _score(engine, "held-out")
    assert score.recall >= 0.97, score.report()
    assert score.kept_rate >= 0.95, score.report()


@pytest.mark.slow
def test_the_held_out_corpus_does_not_fall_back(engine: Pseudonymiser) -> None:
    """What the held-out corpus scores after the third round of issue 13 (recall 0.977, kept
    0.993, roles 1.000): a change that scores worse there is a step back, whatever the tuning
    corpus says."""
    score = _score(engine, "held-out")
    assert score.recall >= 0.975, score.report()
    assert score.kept_rate >= 0.99, score.report()
    assert score.role_rate == 1.0, score.report()


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="first and only run (2 December 2026): recall 0.900 (425/472) on the unseen corpus, "
    "goal 0.97; the kinds it misses are in its README",
)
def test_recall_goal_on_the_unseen_corpus(engine: Pseudonymiser) -> None:
    score = _score(engine, "unseen")
    assert score.recall >= 0.97, score.report()


@pytest.mark.slow
def test_kept_goal_on_the_unseen_corpus(engine: Pseudonymiser) -> None:
    """First and only run: kept 0.980 (343/350), roles 0.995, no quote lost."""
    score = _score(engine, "unseen")
    assert score.kept_rate >= 0.95, score.report()


@pytest.mark.slow
def test_goals_masked_on_the_tuning_corpus(engine: Pseudonymiser) -> None:
    score = _score(engine, "tuning", mask_known=True)
    assert score.recall >= 0.97, score.report()
    assert score.kept_rate >= 0.95, score.report()
