"""Score a pseudonymiser on the evaluation corpora: recall, kept rate, roles and punctuation.

Two corpora: the tuning corpus the annotators were developed on, and a held-out one that is
only measured (see the READMEs beside them). Used by the corpus test (the goals) and by
``bench/pseudonymise.py`` (the numbers against raw deduce).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zorgtafel.pseudonymise.known import SUBJECT, KnownPersons, relation_kind

TESTS = Path(__file__).resolve().parents[2] / "tests" / "pseudonymise"
CORPUS = TESTS / "corpus"
HELDOUT = TESTS / "corpus-heldout"
#: name -> folder; the held-out corpus is never used to tune the annotators
CORPORA = {"tuning": CORPUS, "held-out": HELDOUT}
#: characters that must survive next to a replacement ("'de Kapper'." keeps its quote)
ROLE_KIND = re.compile(r"-\d+$")  # BROER-2 is a BROER
PUNCTUATION = "'\"‘’“”«»()[]{},;:!?"


@dataclass(frozen=True)
class CorpusCase:
    id: str
    genre: str
    text: str
    known: KnownPersons
    identifiers: tuple[tuple[str, str], ...]
    keep: tuple[str, ...]
    #: (context, name, kind): in each occurrence of context, name gets exactly that role token
    roles: tuple[tuple[str, str, str], ...] = ()
    #: the words the author marked as missed (the form's "gemiste woorden")
    marked: tuple[str, ...] = ()


@dataclass
class Score:
    """Recall: identifier occurrences fully covered; kept: ordinary phrases left untouched;
    roles: replaced identifiers whose token tells the right role (a known person's own role
    token, a detected name no role token); punctuation: quotes and brackets kept."""

    identifiers: int = 0
    removed: int = 0
    phrases: int = 0
    kept: int = 0
    roles_checked: int = 0
    roles_right: int = 0
    misses: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    wrong_roles: list[str] = field(default_factory=list)
    punctuation_lost: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.removed / self.identifiers if self.identifiers else 1.0

    @property
    def kept_rate(self) -> float:
        return self.kept / self.phrases if self.phrases else 1.0

    @property
    def role_rate(self) -> float:
        return self.roles_right / self.roles_checked if self.roles_checked else 1.0

    def summary(self) -> str:
        return (
            f"recall {self.recall:.3f} ({self.removed}/{self.identifiers}), "
            f"kept {self.kept_rate:.3f} ({self.kept}/{self.phrases}), "
            f"roles {self.role_rate:.3f} ({self.roles_right}/{self.roles_checked}), "
            f"punctuation lost {len(self.punctuation_lost)}"
        )

    def report(self) -> str:
        lines = [self.summary()]
        lines += [f"  gemist: {miss}" for miss in self.misses]
        lines += [f"  aangetast: {phrase}" for phrase in self.broken]
        lines += [f"  rol: {wrong}" for wrong in self.wrong_roles]
        lines += [f"  leesteken: {lost}" for lost in self.punctuation_lost]
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
                    tuple((context, name, kind) for context, name, kind in case.get("roles", ())),
                    tuple(case.get("marked", ())),
                )
            )
    return cases


def occurrences(phrase: str, text: str, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``phrase``, any whitespace between its words."""
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)"
    flags = re.IGNORECASE if ignore_case else 0
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]


def role_kinds(known: KnownPersons) -> frozenset[str]:
    """The kinds of the case's own role tokens: BETROKKENE and one per relation."""
    return frozenset({SUBJECT, *(relation_kind(relation) for relation, _ in known.relatives)})


def score_case(case: CorpusCase, spans: Iterable[Sequence[object]], total: Score) -> None:
    """Add one case's result (spans as (start, end) or (start, end, kind, token)) to ``total``."""
    found = [_span(span) for span in spans]
    covered = [False] * (len(case.text) + 1)
    for start, end, _kind, _token in found:
        covered[start:end] = [True] * (end - start)
    where = _identifier_occurrences(case)
    for phrase, kind, start, end in where:
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
    if all(kind is not None for _, _, kind, _ in found):
        _score_roles(case, found, where, total)
    _score_punctuation(case, covered, where, total)


def _span(span: Sequence[object]) -> tuple[int, int, str | None, str | None]:
    """(start, end, kind, token) of an engine's span; kind and token None for raw offsets."""
    start, end = int(span[0]), int(span[1])  # type: ignore[call-overload]
    if len(span) < 4:
        return start, end, None, None
    return start, end, str(span[2]), str(span[3])


def _identifier_occurrences(case: CorpusCase) -> list[tuple[str, str, int, int]]:
    return [
        (phrase, kind, start, end)
        for phrase, kind in case.identifiers
        for start, end in occurrences(phrase, case.text)
    ]


def _score_roles(
    case: CorpusCase,
    found: list[tuple[int, int, str | None, str | None]],
    where: list[tuple[str, str, int, int]],
    total: Score,
) -> None:
    """Each replaced identifier: the role it should have; the innermost judgement wins (an
    occurrence inside a longer identifier, or inside a ``roles`` context, is judged there)."""
    roles = role_kinds(case.known)
    checks: list[tuple[str, str, int, int]] = []
    contexts = []
    for context, name, kind in case.roles:
        for start, end in occurrences(context, case.text):
            inner = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", case.text[start:end])
            if inner is None:
                raise ValueError(f"{case.id}: {name!r} niet in {context!r}")
            contexts.append((start, end))
            checks.append((name, kind, start + inner.start(), start + inner.end()))
    for phrase, kind, start, end in where:
        nested = any((s <= start and end <= e) and (s, e) != (start, end) for _, _, s, e in where)
        if not nested and not any(s <= start and end <= e for s, e in contexts):
            checks.append((phrase, kind, start, end))
    for phrase, kind, start, end in checks:
        over = [(k, t) for s, e, k, t in found if s < end and start < e]
        if not over:
            continue  # a miss, counted in recall
        total.roles_checked += 1
        if ROLE_KIND.sub("", kind) in roles:
            right = all(token == f"[{kind}]" for _, token in over)
        else:
            right = not ({k for k, _ in over} & roles)
        if right:
            total.roles_right += 1
        else:
            tokens = "/".join(str(token) for _, token in over)
            total.wrong_roles.append(f"{case.id}: {phrase!r} ({kind}) als {tokens}")


def _score_punctuation(
    case: CorpusCase, covered: list[bool], where: list[tuple[str, str, int, int]], total: Score
) -> None:
    """A quote, bracket or sentence mark that is no part of an identifier must stay."""
    text = case.text
    inside = [False] * (len(text) + 1)
    for _, _, start, end in where:
        inside[start:end] = [True] * (end - start)
    for index, char in enumerate(text):
        if inside[index] or not covered[index]:
            continue
        if char not in PUNCTUATION and not (char == "." and _full_stop(text, index)):
            continue
        if char in "'’" and _possessive(text, index):
            continue
        total.punctuation_lost.append(f"{case.id}: {text[max(0, index - 12) : index + 3]!r}")


def _full_stop(text: str, index: int) -> bool:
    """A sentence's full stop: after a word of two letters or more, before a space or the end."""
    word = re.search(r"(\w+)$", text[max(0, index - 20) : index])
    after = text[index + 1 : index + 2]
    return bool(word) and len(word.group(1)) > 1 and (not after or after.isspace())


def _possessive(text: str, index: int) -> bool:
    """ "Sanne's", "Kees'" and "pm'er": an apostrophe inside or at the end of a name."""
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return before.isalnum() and (
        after.isalnum() or (after == "s" and not text[index + 2 : index + 3].isalnum())
    )


def evaluate(
    cases: Iterable[CorpusCase], spans_of: Callable[[CorpusCase], Iterable[Sequence[object]]]
) -> Score:
    """Score ``spans_of(case)`` over ``cases``."""
    total = Score()
    for case in cases:
        score_case(case, spans_of(case), total)
    return total
