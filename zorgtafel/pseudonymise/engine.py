"""The pseudonymiser: known names become role tokens, everything else found gets a numbered token.

Three sources of identifiers are merged: the case's known persons (``[BETROKKENE]``, ``[MOEDER]``),
the words the author marked (``[HANDMATIG-1]``), and detectors: deduce (Dutch names, places,
institutions, dates, ages, BSN, phone, e-mail, URLs) plus the project's own annotators. Overlapping
finds are merged into one span (``spans.py``); the same surface string gets the same token within
one text. For an author who may not learn the subject's identity, ``mask_known`` gives known
persons the detectors' numbered tokens and hides which names the case knows (``names.py``).

Importing this module does not import deduce: ``DeduceDetector()`` does, and loading it costs about
1 GB and 15 s (140 s the very first time, when deduce builds its lookup cache).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from zorgtafel.pseudonymise.annotators import NAME_WORD, STOP_NAMES, Found, annotate
from zorgtafel.pseudonymise.context import annotate_in_context
from zorgtafel.pseudonymise.known import (
    SUBJECT,
    KnownPersons,
    KnownPersonsError,
    known_finds,
    possessive_end,
    relation_kind,
)
from zorgtafel.pseudonymise.lexicon import (
    CAR_MAKES,
    COURSE_WORDS,
    KEEP_TERMS,
    PLACE_SUFFIX,
    ROLE_NOUN,
    SHOPS,
    TITLE,
)
from zorgtafel.pseudonymise.spans import Candidate, Numbering, merge

__all__ = [
    "MANUAL",
    "SUBJECT",
    "Candidate",
    "DeduceDetector",
    "KnownPersons",
    "KnownPersonsError",
    "Pseudonymiser",
    "Result",
    "Span",
    "relation_kind",
]

MANUAL = "HANDMATIG"
KIND_PATTERN = re.compile(r"[A-Z][A-Z\-]{0,29}")
#: when finds overlap, the span takes the kind of the strongest (then the longest) find
PRIORITY: dict[str, int] = {
    "IBAN": 50,
    "BSN": 50,
    "TELEFOON": 50,
    "EMAIL": 50,
    "URL": 50,
    "KENTEKEN": 50,
    "HANDLE": 50,
    "REGISTRATIENUMMER": 48,
    "BIJNAAM": 45,
    "SCHOOL": 40,
    "INSTELLING": 40,
    "WIJK": 38,
    "PERSOON": 30,
    "LOCATIE": 25,
    "DATUM": 20,
    "LEEFTIJD": 15,
}
KNOWN_PRIORITY = 100
MANUAL_PRIORITY = 90
#: deduce's tags and the kinds they become here
DEDUCE_KINDS = {
    "persoon": "PERSOON",
    "patient": SUBJECT,
    "locatie": "LOCATIE",
    "straat": "LOCATIE",
    "ziekenhuis": "INSTELLING",
    "zorginstelling": "INSTELLING",
    "datum": "DATUM",
    "leeftijd": "LEEFTIJD",
    "bsn": "BSN",
    "id": "REGISTRATIENUMMER",
    "telefoonnummer": "TELEFOON",
    "emailadres": "EMAIL",
    "url": "URL",
}


class Span(NamedTuple):
    """A replaced stretch of the ORIGINAL text, for the author's preview (not to be stored)."""

    start: int
    end: int
    kind: str
    token: str


@dataclass(frozen=True)
class Result:
    """The pseudonymised text and what was replaced where."""

    text: str
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only, whatever a detector handed in (deduce gives numpy integers)."""
        return {
            "text": str(self.text),
            "spans": [
                [int(span.start), int(span.end), str(span.kind), str(span.token)]
                for span in self.spans
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(str(data["text"]), tuple(Span(*span) for span in data.get("spans", ())))

    def __repr__(self) -> str:  # the text may still hold something a reader must not see
        return f"Result(<{len(self.text)} tekens>, {len(self.spans)} vervangingen)"


class Detector(Protocol):
    """Finds identifiers in a text (deduce, or a stand-in in tests)."""

    def __call__(self, text: str) -> Iterable[Found]: ...


#: deduce's steps the engine does not need: the redactor (we replace), and the pattern
#: annotators that the project's own annotators cover (dates, ages, numbers, phone, e-mail, URL),
#: which leaves deduce its strength: names, places and institutions from its lookup lists
DEDUCE_SKIPPED = frozenset(
    {"redactor", "dates", "ages", "identifiers", "phone_numbers", "email_addresses", "urls"}
)
SENTENCE_END = re.compile(r"(?:^|[.!?:•\-]\s*|\n\s*)$")


class DeduceDetector:
    """deduce, loaded once: its annotations as ``Found`` with this module's kinds."""

    def __init__(self) -> None:
        import deduce  # heavy (1 GB, seconds): only where the engine is built

        self.deduce = deduce.Deduce()
        self._names = (
            self.deduce.lookup_structs["first_name"],
            self.deduce.lookup_structs["surname"],
        )
        self._after_interfix = self.deduce.lookup_structs["interfix_surname"]

    def __call__(self, text: str) -> list[Found]:
        document = self.deduce.deidentify(text, disabled=DEDUCE_SKIPPED)
        found = []
        for annotation in document.annotations:
            kind = DEDUCE_KINDS.get(annotation.tag.split("+")[0])
            if kind is None:
                continue  # e.g. "pseudo_name": a disease named after a person
            # deduce's overlap resolution hands out numpy integers: plain ints from here on
            start, end = int(annotation.start_char), int(annotation.end_char)
            if kind == "PERSOON":
                # deduce may join names across a sentence's end ("Lotte. Mevrouw Jansen")
                for part_start, part_end in _sentences(text, start, end):
                    part_start = self._person_start(text, part_start, part_end)
                    found.append(Found(part_start, part_end, kind))
                continue
            if kind == "LOCATIE" and (suffix := PLACE_SUFFIX.match(text, end)):
                end = suffix.end()
            found.append(Found(start, end, kind))
        return found

    def is_name(self, word: str) -> bool:
        """Whether ``word`` (as written) is in deduce's lists of first names or surnames, or
        of surnames after a tussenvoegsel ("Wit" of "de Wit")."""
        return any([word] in names for names in self._names) or word in self._after_interfix

    def _person_start(self, text: str, start: int, end: int) -> int:
        """Past a title ("mevrouw"), and past a capitalised word at a sentence's start that is
        no name: deduce joins it to the name after it ("Klasgenoot Demi", "Juf Ilse")."""
        title = TITLE.match(text, start, end)
        if title and title.end() < end:
            start = title.end()
        first = re.match(r"[^\W\d_][\w\-]*(?=\s+\S)", text[start:end])
        if first and (
            ROLE_NOUN.fullmatch(first.group())
            or (SENTENCE_END.search(text, 0, start) and not self.is_name(first.group()))
        ):
            rest = re.compile(r"\s+").match(text, start + first.end())
            if rest and rest.end() < end:
                start = rest.end()
        return start


SENTENCE_BREAK = re.compile(r"(?<=[^\W\d_]{2})[.!?]\s+(?=[A-ZÀ-Ý])")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at each sentence's end inside it."""
    parts, position = [], start
    for stop in SENTENCE_BREAK.finditer(text, start, end):
        parts.append((position, stop.start()))
        position = stop.end()
    parts.append((position, end))
    return [(s, e) for s, e in parts if e > s]


class Pseudonymiser:
    """The engine: ``pseudonymise(text, known, extra_terms, mask_known=...) -> Result``.

    ``detector`` defaults to deduce (loaded here, once); ``keep_terms`` adds words that must stay
    readable (e.g. the partner names of the convenant).
    """

    def __init__(self, detector: Detector | None = None, keep_terms: Iterable[str] = ()) -> None:
        if detector is None:
            from zorgtafel.pseudonymise import names

            detector = DeduceDetector()
            names.warm()  # the masking's word list: loaded with deduce, not on a first request
        self.detector: Detector = detector
        self.keep = _terms_pattern((*KEEP_TERMS, *keep_terms))

    def pseudonymise(
        self,
        text: str,
        known: KnownPersons | None = None,
        extra_terms: Iterable[str | tuple[str, str]] = (),
        *,
        mask_known: bool = False,
    ) -> Result:
        """Replace every identifier in ``text`` by a token; spans point into ``text``.

        ``mask_known``: known persons get numbered ``[PERSOON-n]`` tokens like any name found,
        and every name-shaped word is replaced alike, so that the result does not tell which
        names the case knows (for an author whose organisation may not receive identity).
        """
        if not text:
            return Result(text)
        found = [*_manual_candidates(text, extra_terms), *self._detected(text)]
        known_spans = list(known_finds(text, known or KnownPersons()))
        if mask_known:
            from zorgtafel.pseudonymise.names import masked_candidates

            candidates = masked_candidates(text, known_spans, found, self.detector)
        else:
            candidates = [
                Candidate(k.start, k.end, k.kind, KNOWN_PRIORITY, k.token) for k in known_spans
            ]
            candidates += found
        return _render(text, merge(text, candidates))

    def _detected(self, text: str) -> list[Candidate]:
        kept = [(m.start(), m.end()) for m in self.keep.finditer(text)] if self.keep else []
        found = [*self.detector(text), *annotate(text), *annotate_in_context(text)]
        found = _widen(text, [f for f in found if not _misread(text, f)])
        candidates = []
        for item in [*found, *_elsewhere(text, found)]:
            if trimmed := _outside(text, item, kept):
                candidates.append(Candidate(*trimmed, PRIORITY.get(item.kind, 10), None))
        return candidates


def _manual_candidates(text: str, terms: Iterable[str | tuple[str, str]]) -> Iterable[Candidate]:
    for term in terms:
        word, kind = (term, MANUAL) if isinstance(term, str) else term
        if not KIND_PATTERN.fullmatch(kind):
            raise ValueError("soort moet hoofdletters zijn, bijvoorbeeld HANDMATIG")
        word = " ".join(word.replace("\u00a0", " ").split())
        if not word:
            continue
        words = r"\s+".join(re.escape(part) for part in word.split())
        pattern = rf"(?<![\w]){words}(?![\w])"
        for match in re.finditer(pattern, text, re.IGNORECASE):  # re caches the compiled form
            end = possessive_end(text, match.start(), match.end())
            yield Candidate(match.start(), end, kind, MANUAL_PRIORITY, None)


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted(
        {" ".join(term.split()) for term in terms if term.strip()}, key=len, reverse=True
    )
    if not words:
        return None
    return re.compile(
        r"(?<![\w])(?:"
        + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        + r")(?![\w])"
    )


INITIAL_AFTER = re.compile(r"\s[A-Z]\.(?!\w)")
#: "woont in Hoograven, Utrecht": the name before ", <place>" is a neighbourhood or street
PLACE_BEFORE_PLACE = re.compile(
    rf"\b(?:in|uit|te|naar|bij|wijk|buurt)\s+(?P<name>{NAME_WORD}(?:[ \-]{NAME_WORD})?),\s*$"
)


def _widen(text: str, found: list[Found]) -> list[Found]:
    """Add what a find implies: a surname initial after a name, a neighbourhood before a city."""
    extra = []
    for item in found:
        if item.kind in ("PERSOON", "BIJNAAM") and (m := INITIAL_AFTER.match(text, item.end)):
            extra.append(Found(item.start, m.end(), item.kind))
        elif item.kind == "LOCATIE" and (
            m := PLACE_BEFORE_PLACE.search(text, max(0, item.start - 60), item.start)
        ):
            extra.append(Found(m.start("name"), m.end("name"), "WIJK"))
    return found + extra


WORD_BEFORE = re.compile(r"([^\W\d_][\w\-]*)\s+$")
TITLE_BEFORE = re.compile(
    r"(?:mevrouw|mevr\.?|mw\.?|meneer|mnr\.?|dhr\.?|heer|mr\.?|dr\.?)\s+$", re.IGNORECASE
)


def _misread(text: str, found: Found) -> bool:
    """A find that the word before it explains away: a car model ("Seat Leon"), a course
    ("opleiding Helpende Zorg"); a chain's name ("bij de Hema"); a job title alone
    ("Advocaat van de jeugdige:", deduce reads a surname)."""
    if found.kind not in ("PERSOON", "INSTELLING", "SCHOOL", "LOCATIE"):
        return False
    surface = text[found.start : found.end]
    if surface in SHOPS:
        return True
    if found.kind == "LOCATIE":
        return False
    before = WORD_BEFORE.search(text, max(0, found.start - 30), found.start)
    word = before.group(1) if before else ""
    if found.kind == "PERSOON":
        if ROLE_NOUN.fullmatch(surface) and not TITLE_BEFORE.search(text, 0, found.start):
            return True
        return word in CAR_MAKES or surface.split()[0] in CAR_MAKES
    if found.kind in ("INSTELLING", "SCHOOL"):
        return word.casefold() in COURSE_WORDS
    return False


NAME_PART = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ'’\-]{2,}")


def _elsewhere(text: str, found: list[Found]) -> list[Found]:
    """A name found once stands for the same person wherever else it is written: "'Tito'" in
    quotes, then "heeft Tito weggestuurd"; "Dexter Amoah", then "Dexter"."""
    names = {
        part: item.kind
        for item in found
        if item.kind in ("PERSOON", "BIJNAAM")
        for part in NAME_PART.findall(text, item.start, item.end)
        if part not in STOP_NAMES and not ROLE_NOUN.fullmatch(part)
    }
    if not names:
        return []
    covered = [False] * len(text)
    for item in found:
        covered[item.start : item.end] = [True] * (item.end - item.start)
    extra = []
    for name, kind in names.items():
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            whole = (start == 0 or not _in_word(text[start - 1])) and (
                end == len(text) or not _in_word(text[end])
            )
            if whole and not any(covered[start:end]):
                extra.append(Found(start, end, kind))
            start = text.find(name, end)
    return extra


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "-_"


def _outside(text: str, found: Found, kept: list[tuple[int, int]]) -> Found | None:
    """``found`` without the keep terms at its edges ("GGZ Lindeveld" -> "Lindeveld");
    None when nothing name-like is left ("Centrum Seksueel Geweld-verpleegkundige")."""
    start, end = found.start, found.end
    for keep_start, keep_end in kept:
        if keep_start <= start < keep_end:
            start = keep_end
        if keep_start < end <= keep_end:
            end = keep_start
    if (start, end) == (found.start, found.end):
        return found if end > start else None
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)"):
        end -= 1
    rest = text[start:end]
    if not any(char.isupper() or char.isdigit() for char in rest):
        return None
    return Found(start, end, found.kind)


def _render(text: str, merged: list[Candidate]) -> Result:
    numbering = Numbering()
    pieces, spans, position = [], [], 0
    for candidate in merged:
        start, end = int(candidate.start), int(candidate.end)
        token = candidate.token or numbering.token(candidate.kind, text[start:end])
        pieces += [text[position:start], token]
        spans.append(Span(start, end, candidate.kind, token))
        position = end
    pieces.append(text[position:])
    return Result("".join(pieces), tuple(spans))
