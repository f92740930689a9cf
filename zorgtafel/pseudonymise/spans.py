"""From candidate finds to the replaced text: edges trimmed, overlaps merged, tokens numbered.

A known person's find keeps its own extent and role token: what a detector found around it is
cut away from it and stands on its own ("agent Jansen Lotte" -> "agent [PERSOON-1] [BETROKKENE]").
A known name inside an e-mail address, handle or number is part of that find. Quotes, brackets
and sentence marks around a find stay in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from zorgtafel.pseudonymise.annotators import STOP_NAMES
from zorgtafel.pseudonymise.known import TUSSENVOEGSELS, open_quote_before
from zorgtafel.pseudonymise.lexicon import ROLE_NOUN, TITLE


class Candidate(NamedTuple):
    start: int
    end: int
    kind: str
    priority: int
    token: str | None  # fixed for known persons


#: finds that are one string: a known name inside one is part of it ("sanne.b@…", "@sanne_x")
ATOMIC = frozenset(
    {"EMAIL", "URL", "HANDLE", "IBAN", "BSN", "TELEFOON", "KENTEKEN", "REGISTRATIENUMMER"}
)
OPENING = "'\"‘“«([{"
#: what a find never starts with: an opening quote or bracket, or the end of the sentence before
LEADING = OPENING + ".,;:!?"
CLOSING = "'\"’”»)]},;:!?"
PAIRS = {")": "(", "]": "[", "}": "{", "”": "“", "»": "«"}
#: a full stop that belongs to the find: after an initial or one of these abbreviations
ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "febr",
        "mrt",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "nov",
        "dec",
        "st",
        "dr",
        "drs",
        "mr",
        "ir",
        "ing",
        "ca",
        "nr",
        "jr",
        "sr",
    ]
)
#: lower-case words a name, place or school never ends with ("Piet bij de " of "Piet bij de
#: Kerkstraat", when the street was found apart)
TRAILING_GLUE = TUSSENVOEGSELS | frozenset(
    ["bij", "en", "of", "met", "voor", "naar", "uit", "aan", "over"]
)
NAMED_KINDS = frozenset({"PERSOON", "BIJNAAM", "LOCATIE", "WIJK", "SCHOOL", "INSTELLING"})
WORD = re.compile(r"[^\W_][\w'’\-]*")


def merge(text: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    """The spans to replace, in text order and without overlaps."""
    fixed, free = [], []
    for candidate in candidates:
        if candidate.token is not None:
            fixed.append(candidate)
        elif trimmed := trim(text, candidate):
            free.append(trimmed)
    atomic = [c for c in free if c.kind in ATOMIC]
    fixed = [f for f in fixed if not any(_inside(f, a) for a in atomic)]
    fixed = _overlaps_merged(fixed)
    pieces = []
    for candidate in free:
        for start, end in _outside(candidate.start, candidate.end, fixed):
            piece = candidate._replace(start=start, end=end)
            if (start, end) == (candidate.start, candidate.end):
                pieces.append(piece)
            elif (trimmed := trim(text, piece)) and _name_like(text, trimmed):
                pieces.append(trimmed)
    return sorted([*fixed, *_persons_joined(text, _overlaps_merged(pieces))])


GLUE_BETWEEN = re.compile(
    r"\s+(?:(?:" + "|".join(map(re.escape, sorted(TUSSENVOEGSELS))) + r")\s+){1,3}", re.IGNORECASE
)


def _persons_joined(text: str, spans: list[Candidate]) -> list[Candidate]:
    """ "Sanne" and "Wit" found apart in "Sanne de Wit": one person, one span."""
    joined: list[Candidate] = []
    for span in spans:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.kind == span.kind == "PERSOON"
            and GLUE_BETWEEN.fullmatch(text, last.end, span.start)
        ):
            joined[-1] = last._replace(end=span.end)
        else:
            joined.append(span)
    return joined


def trim(text: str, candidate: Candidate) -> Candidate | None:
    """``candidate`` without the spaces, quotes, brackets and glue words at its edges, and for
    a person without a job title or relation in front; None when nothing is left."""
    start, end = candidate.start, candidate.end
    if (
        start < end
        and text[start].isalnum()
        and text[end - 1].isalnum()
        and (candidate.kind not in NAMED_KINDS or not any(c.isspace() for c in text[start:end]))
    ):
        return candidate  # one word, or no name, with nothing at its edges: the common case
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and text[start] in LEADING and not _article_apostrophe(text, start, end):
            start, changed = start + 1, True
        if end > start and _stray_end(text, start, end):
            end, changed = end - 1, True
        if candidate.kind in NAMED_KINDS:
            last = list(WORD.finditer(text, start, end))
            if len(last) > 1 and last[-1].group() in TRAILING_GLUE:
                end, changed = last[-1].start(), True
        if candidate.kind == "PERSOON":
            first = list(WORD.finditer(text, start, end))
            if len(first) > 1 and _no_name(first[0].group()):
                start, changed = first[1].start(), True
    if start >= end or not any(char.isalnum() for char in text[start:end]):
        return None
    return candidate._replace(start=start, end=end)


def _stray_end(text: str, start: int, end: int) -> bool:
    """A closing quote, bracket, sentence mark or full stop that is not the find's own."""
    char = text[end - 1]
    if char in CLOSING:
        return not _belongs(text, start, end)
    return char == "." and not _abbreviated(text, start, end)


def _article_apostrophe(text: str, start: int, end: int) -> bool:
    """ "'t Veerhuis", "'s-Hertogenbosch": the apostrophe is part of the name."""
    return text[start] in "'’" and re.match(r"['’][ts](?![^\W\d_])", text[start:end]) is not None


def _belongs(text: str, start: int, end: int) -> bool:
    """Whether the closing mark at ``end - 1`` is the find's own: a bracket it opened, or the
    apostrophe of a possessive ("Kees'") that no opening quote explains."""
    char = text[end - 1]
    if char in PAIRS:
        return PAIRS[char] in text[start : end - 1]
    if char in "'’":
        quoted = (start > 0 and text[start - 1] in OPENING) or open_quote_before(text, start)
        return not quoted and end - 2 >= start and text[end - 2] in "sxzSXZ"
    return False


def _abbreviated(text: str, start: int, end: int) -> bool:
    words = WORD.findall(text, start, end - 1)
    if not words:
        return False
    last = words[-1]
    return (len(last) == 1 and last.isalpha()) or last.casefold() in ABBREVIATIONS


def _name_like(text: str, candidate: Candidate) -> bool:
    """What is left of a find cut around a known name: only if a word of it looks like a name."""
    words = WORD.findall(text, candidate.start, candidate.end)
    return any(
        (word[0].isupper() or word[0].isdigit())
        and word.casefold() not in TUSSENVOEGSELS
        and not _no_name(word)
        for word in words
        if len(word) > 1
    )


def _no_name(word: str) -> bool:
    """A title, a job or relation, or a common capitalised word: never a person's name."""
    return (
        ROLE_NOUN.fullmatch(word) is not None
        or TITLE.fullmatch(word + " ") is not None
        or (word in STOP_NAMES and word.casefold() not in TUSSENVOEGSELS)  # "Van Dalen"
    )


def _inside(inner: Candidate, outer: Candidate) -> bool:
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start) > (inner.end - inner.start)
    )


def _outside(start: int, end: int, fixed: list[Candidate]) -> list[tuple[int, int]]:
    """The stretches of [start, end) that no fixed candidate covers."""
    stretches = [(start, end)]
    for other in fixed:
        if other.end <= start or other.start >= end:
            continue
        stretches = [
            piece
            for s, e in stretches
            for piece in ((s, min(e, other.start)), (max(s, other.end), e))
            if piece[1] > piece[0]
        ]
    return stretches


def _overlaps_merged(candidates: list[Candidate]) -> list[Candidate]:
    """Overlapping candidates become one span with the strongest (then longest) one's kind."""
    merged: list[list[Candidate]] = []
    end = -1
    for candidate in sorted(candidates, key=lambda c: (c.start, -c.end)):
        if merged and candidate.start < end:
            merged[-1].append(candidate)
            end = max(end, candidate.end)
        else:
            merged.append([candidate])
            end = candidate.end
    spans = []
    for group in merged:
        best = max(group, key=lambda c: (c.priority, c.end - c.start))
        spans.append(best._replace(start=group[0].start, end=max(c.end for c in group)))
    return spans


@dataclass
class Numbering:
    """Same surface string, same token; a person's shorter name reuses the full name's token."""

    counters: dict[str, int] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    persons: list[tuple[frozenset[str], str]] = field(default_factory=list)

    def token(self, kind: str, surface: str) -> str:
        key = (kind, _normalise(surface))
        if key in self.tokens:
            return self.tokens[key]
        words = frozenset(key[1].split()) - TUSSENVOEGSELS
        if kind == "PERSOON" and words:
            for other, token in self.persons:
                if words <= other or other <= words:
                    self.tokens[key] = token
                    return token
        self.counters[kind] = self.counters.get(kind, 0) + 1
        token = f"[{kind}-{self.counters[kind]}]"
        self.tokens[key] = token
        if kind == "PERSOON" and words:
            self.persons.append((words, token))
        return token


def _normalise(surface: str) -> str:
    surface = re.sub(r"(?:['’`]s|['’])$", "", surface.casefold())
    return " ".join(surface.split())
