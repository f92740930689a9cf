"""Masking what the case knows: for an author who may not learn the subject's identity.

With role tokens, an author could type a guessed name and see from the preview whether it is
the subject's (``[BETROKKENE]``) or not. Masked, the known persons get the same numbered
``[PERSOON-n]`` tokens as names the detectors find, and every *name-shaped* word is replaced,
known or not, so a true name and a wrong name of the same shape give the same preview:

- a capitalised word inside a sentence, unless it is a common capitalised word (a keep term,
  a title, a job, a country, a language, a car make);
- a capitalised word at a sentence's or a line's start, an all-capitals word, or a lower-case
  word, only when it is no ordinary Dutch word (pyspellchecker's Dutch frequency list, and
  compounds of its words), since there capitals or their absence say nothing.

What the detectors and these rules do not cover, but a known name does, is still replaced
(the name must not be stored): that is the one way the preview can still differ, for a known
name that is also an ordinary word and written where capitals say nothing ("roos" in lower
case, "Roos" at a sentence's start) when no detector takes it for a name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Protocol

from zorgtafel.pseudonymise.annotators import MONTHS, STOP_NAMES, words
from zorgtafel.pseudonymise.known import TUSSENVOEGSELS, KnownFind
from zorgtafel.pseudonymise.lexicon import (
    CAR_MAKES,
    COUNTRIES,
    ENDEARMENTS,
    KEEP_TERMS,
    NOT_A_PLACE,
    ROLE_NOUN,
    SHOPS,
    TITLE,
)
from zorgtafel.pseudonymise.spans import Candidate, trim

PERSON = "PERSOON"
#: below every detector's kind: where a detector found something, its kind wins
NAME_SHAPE_PRIORITY = 5
#: the priority of a find from a detector's person, which a known name gets when masked
PERSON_PRIORITY = 30
#: a word as the masking reads it: letters, inner hyphens and apostrophes ("Noor-Jahan", "pm'er")
WORD = re.compile(r"(?<![\w@.])[^\W\d_](?:[\w\-]|['’](?=\w))*(?![\w@])")
CASE_CODE_PART = re.compile(r"ZT")  # our case codes (ZT-2026-0042) stay
#: initials before a name, with the tussenvoegsels between ("S. de Wit")
INITIALS = re.compile(
    r"(?<![\w.])(?:[A-Z]\.\s?){1,4}(?i:(?:"
    + "|".join(map(re.escape, sorted(TUSSENVOEGSELS)))
    + r")\s+){0,3}$"
)
#: words at a sentence's start: after . ! ? : or a bullet, at a line's start, after a quote there
SENTENCE_START = re.compile(r"(?:^|(?<!\b[A-Z])[.!?:•]|\n)\s*(?:[-*•>]\s*|\d+[.)]\s*)?[\"'‘“(]?$")
#: the common abbreviations of the field, as capitals
ABBREVIATIONS = words(
    """pv bsn vt ots gi om ggz ggd jji amhk havo vwo vmbo mbo hbo wo roc zat smw slb ib pgo emdr
    soa seh kmar coa ind ivm bijv nb tbv ca mw dhr mevr dd tel nr mbt obv kvk bvh ctc cjg sgz
    osg ikc obs cbs vso so sbo isk lvb gz ptss adhd"""
)
NOT_NAMES = frozenset(
    {
        *STOP_NAMES,
        *NOT_A_PLACE,
        *COUNTRIES,
        *CAR_MAKES,
        *SHOPS,
        *(part for shop in SHOPS for part in shop.split()),
        *(word.capitalize() for word in ENDEARMENTS),
        *(month.capitalize() for month in MONTHS.split("|")),
        *words(
            """Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag Nederlandse Engelse
            Duitse Franse Belgische Poolse Turkse Marokkaanse Surinaamse Antilliaanse Eritrese
            Syrische Roemeense Bulgaarse Hongaarse Nigeriaanse Afghaanse Spaanse Italiaanse"""
        ),
    }
)


class NameLists(Protocol):
    """Optional: a detector that knows first names and surnames (deduce's lists)."""

    def is_name(self, word: str) -> bool: ...


def masked_candidates(
    text: str, known: Iterable[KnownFind], found: list[Candidate], detector: object
) -> list[Candidate]:
    """The candidates for a masked text: ``found`` (detectors and marked words), every
    name-shaped word, and of the known names only what neither of those covers."""
    covered = [False] * len(text)
    for candidate in found:
        covered[candidate.start : candidate.end] = [True] * (candidate.end - candidate.start)
    lists = detector if hasattr(detector, "is_name") else None
    shaped = list(_name_shaped(text, covered, lists))  # type: ignore[arg-type]
    for candidate in shaped:
        covered[candidate.start : candidate.end] = [True] * (candidate.end - candidate.start)
    rest = []
    for find in known:
        for start, end in _uncovered(covered, find.start, find.end):
            piece = trim(text, Candidate(start, end, PERSON, PERSON_PRIORITY, None))
            if piece and _has_name(text, piece):
                rest.append(piece)
    return [*found, *shaped, *rest]


def _name_shaped(text: str, covered: list[bool], lists: NameLists | None) -> Iterator[Candidate]:
    """Runs of name-shaped words not covered yet, joined across spaces, hyphens and
    tussenvoegsels ("Sanne van der Berg" is one name)."""
    keep = _keep_ranges(text)
    run: list[re.Match[str]] = []
    glue: list[re.Match[str]] = []
    for word in WORD.finditer(text):
        if any(covered[word.start() : word.end()]) or _kept(keep, word):
            yield from _run(text, run)
            run, glue = [], []
        elif (
            _name_like(text, word, lists)
            or (
                run
                and _adjacent(text, [run[-1], *glue, word])
                and _surname_after(word, glue, lists)
            )
            or (not run and _after_initials(text, word) and _listed(word.group(), lists))
        ):
            if run and _adjacent(text, [run[-1], *glue, word]):
                run += [*glue, word]
            else:
                yield from _run(text, run)
                run = [word]
            glue = []
        elif run and word.group().casefold() in TUSSENVOEGSELS and len(glue) < 3:
            glue.append(word)
        else:
            yield from _run(text, run)
            run, glue = [], []
    yield from _run(text, run)


def _adjacent(text: str, run: list[re.Match[str]]) -> bool:
    return all(
        re.fullmatch(r"[ \t]+|-", text[a.end() : b.start()]) is not None
        for a, b in itertools.pairwise(run)
    )


def _run(text: str, run: list[re.Match[str]]) -> Iterator[Candidate]:
    if not run:
        return
    start, end = run[0].start(), run[-1].end()
    if initials := INITIALS.search(text, max(0, start - 24), start):
        start = initials.start()
    yield Candidate(start, end, PERSON, NAME_SHAPE_PRIORITY, None)


def _name_like(text: str, word: re.Match[str], lists: NameLists | None) -> bool:
    value = word.group()
    bare = re.sub(r"['’]s?$", "", value)
    if bare in NOT_NAMES or ROLE_NOUN.fullmatch(bare) or TITLE.fullmatch(bare + " "):
        return False
    if bare.casefold() in TUSSENVOEGSELS or len(bare) < 2 or CASE_CODE_PART.fullmatch(bare):
        return False
    capitalised = value[0].isupper() and not value.isupper()
    if "-" in bare and ordinary(bare.rsplit("-", 1)[1]) and bare.rsplit("-", 1)[1].islower():
        return False  # "ANPR-hit", "SLB-gesprek": a compound of an ordinary word
    if _after_unit_word(text, word):
        return False  # "team Mensenhandel", "opleiding Helpende Zorg", "Seat Leon"
    if capitalised and not _at_sentence_start(text, word):
        return True
    lower = bare.casefold()
    if lower in ABBREVIATIONS or ordinary(lower):
        return False
    if _listed(bare, lists):
        return True  # "sanne", "SANNE", "Sanne" at a sentence's start
    return capitalised and len(bare) > 3  # "Dizzy haalt haar op": no word, so a name


#: words after which a capitalised word names a unit, a course or a model, not a person
UNIT_WORDS = words(
    """team afdeling opleiding studie richting sector programma project training cursus
    methode vak"""
)
WORD_BEFORE = re.compile(r"([^\W\d_][\w\-]*)[ \t]+$")


def _after_unit_word(text: str, word: re.Match[str]) -> bool:
    before = WORD_BEFORE.search(text, max(0, word.start() - 30), word.start())
    if before is None:
        return False
    previous = before.group(1)
    return previous.casefold() in UNIT_WORDS or previous in CAR_MAKES


def _after_initials(text: str, word: re.Match[str]) -> bool:
    """ "S. DE WIT", "s. de wit"? Only capital initials count: "S." is no word's end."""
    return INITIALS.search(text, max(0, word.start() - 24), word.start()) is not None


def _surname_after(word: re.Match[str], glue: list[re.Match[str]], lists: NameLists | None) -> bool:
    """After a name, a listed surname belongs to it even where capitals say nothing ("sanne de
    wit", "SANNE DE WIT"); an ordinary word only after a tussenvoegsel ("SANNE WEG" is no name)."""
    return _listed(word.group(), lists) and (bool(glue) or not ordinary(word.group().casefold()))


def _listed(word: str, lists: NameLists | None) -> bool:
    """In deduce's name lists, however it is written: so "sanne de wit" is one name, and
    "SANNE DE WIT" too (a surname after a name is one even when it is also a word)."""
    bare = re.sub(r"['’]s?$", "", word)
    return lists is not None and len(bare) > 1 and lists.is_name(bare[0].upper() + bare[1:].lower())


def _at_sentence_start(text: str, word: re.Match[str]) -> bool:
    return SENTENCE_START.search(text, max(0, word.start() - 8), word.start()) is not None


def ordinary(word: str) -> bool:
    """Whether ``word`` (lower case) is an ordinary Dutch word: attested in the frequency list,
    or a compound or hyphenation of attested words ("jeugdbeschermingsmaatregel")."""
    parts = [part for part in re.split(r"['’\-]", word) if part]
    return bool(parts) and all(_compound(part, 0) for part in parts)


@cache
def _compound(word: str, depth: int) -> bool:
    attested = _attested()
    if word in attested or len(word) <= 2:
        return True
    if depth >= 3:
        return False
    for cut in range(4, len(word) - 3):  # parts of four letters at least: "jan-sen" is none
        head, tail = word[:cut], word[cut:]
        if head not in attested:
            continue
        for linked in (
            tail,
            tail[1:] if tail[:1] in "se" else None,
            tail[2:] if tail[:2] == "en" else None,
        ):
            if linked and len(linked) >= 3 and _compound(linked, depth + 1):
                return True
    return False


def _linked(tail: str) -> Iterator[str]:
    """The second part of a compound, without a linking -s-, -e- or -en- ("beschermings-")."""
    yield tail
    if tail[:1] in ("s", "e"):
        yield tail[1:]
    if tail[:2] == "en":
        yield tail[2:]


@cache
def _attested() -> frozenset[str]:
    """The Dutch words pyspellchecker's frequency list has seen more than rarely (names are
    in it only at its floor, so they stay out)."""
    from spellchecker import SpellChecker  # a few MB, seconds: the service loads it once

    frequency = SpellChecker(language="nl", distance=1).word_frequency.dictionary
    return frozenset(word for word, count in frequency.items() if count > 50)


def warm() -> None:
    """Load the word list now (the service does, while it loads deduce)."""
    _attested()


def _keep_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _keep_pattern().finditer(text)]


@cache
def _keep_pattern() -> re.Pattern[str]:
    words = sorted({" ".join(term.split()) for term in KEEP_TERMS}, key=len, reverse=True)
    return re.compile(
        r"(?<![\w])(?:"
        + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        + r")(?![\w])"
    )


def _kept(keep: list[tuple[int, int]], word: re.Match[str]) -> bool:
    return any(start <= word.start() and word.end() <= end for start, end in keep)


def _uncovered(covered: list[bool], start: int, end: int) -> Iterator[tuple[int, int]]:
    index = start
    while index < end:
        while index < end and covered[index]:
            index += 1
        begin = index
        while index < end and not covered[index]:
            index += 1
        if index > begin:
            yield begin, index


def _has_name(text: str, candidate: Candidate) -> bool:
    """A piece of a known name left over: replaced if it holds more than glue and initials."""
    return any(
        len(word.group()) > 1 and word.group().casefold() not in TUSSENVOEGSELS
        for word in WORD.finditer(text, candidate.start, candidate.end)
    )
