"""The pseudonymiser: known names become role tokens, everything else found gets a numbered token.

Three sources of identifiers are merged: the case's known persons (``[BETROKKENE]``, ``[MOEDER]``),
the words the author marked (``[HANDMATIG-1]``), and detectors: deduce (Dutch names, places,
institutions, dates, ages, BSN, phone, e-mail, URLs) plus the project's own annotators. Overlapping
finds are merged into one span, named after the strongest source; the same surface string gets the
same token within one text.

Importing this module does not import deduce: ``DeduceDetector()`` does, and loading it costs about
1 GB and 15 s (140 s the very first time, when deduce builds its lookup cache).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from zorgtafel.pseudonymise.annotators import NAME_WORD, Found, annotate, words

#: role tokens are unnumbered; everything else is ``[KIND-n]``
SUBJECT = "BETROKKENE"
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
#: words of the field and the zorgtafel's partners: not identifiers, whatever a detector says
KEEP_TERMS: tuple[str, ...] = (
    "Veilig Thuis",
    "CoMensha",
    "politie",
    "Nationale Politie",
    "Openbaar Ministerie",
    "OM",
    "Raad voor de Kinderbescherming",
    "Jeugdbescherming",
    "jeugdbescherming",
    "jeugdbeschermer",
    "gecertificeerde instelling",
    "jeugdzorg",
    "Jeugdzorg",
    "jeugdhulp",
    "jeugd-ggz",
    "GGZ",
    "GGD",
    "wijkteam",
    "sociaal wijkteam",
    "leerplicht",
    "leerplichtambtenaar",
    "zorgtafel",
    "Veiligheidshuis",
    "Zorg- en Veiligheidshuis",
    "gemeente",
    "Centrum Seksueel Geweld",
    "Fier",
    "Slachtofferhulp",
    "Slachtofferhulp Nederland",
    "Leger des Heils",
    "Nederlands Jeugdinstituut",
    "Nationaal Rapporteur",
    "Kinder- en Jongerenrechtswinkel",
    "Halt",
    "Reclassering",
    "Jeugdreclassering",
    "Zedenpolitie",
    "AMHK",
    "Bureau Jeugdzorg",
    "huisarts",
    "jeugdarts",
    "Jeugdarts",
    "mentor",
    "zorgcoördinator",
    "ketenpartners",
    "Thuis",
    "Zorgaanbieder",
    "zorgaanbieder",
    # nationalities: some are surnames in deduce's lists ("met Duits kenteken")
    *[
        "Nederlands",
        "Nederlandse",
        "Duits",
        "Duitse",
        "Belgisch",
        "Belgische",
        "Pools",
        "Poolse",
        "Roemeens",
        "Roemeense",
        "Bulgaars",
        "Bulgaarse",
        "Hongaars",
        "Hongaarse",
        "Marokkaans",
        "Marokkaanse",
        "Turks",
        "Turkse",
        "Surinaams",
        "Surinaamse",
        "Antilliaans",
        "Antilliaanse",
        "Eritrees",
        "Eritrese",
        "Syrisch",
        "Syrische",
        "Nigeriaans",
        "Nigeriaanse",
        "Afghaans",
        "Afghaanse",
        "Frans",
        "Franse",
        "Engels",
        "Engelse",
        "Spaans",
        "Spaanse",
    ],
)
TITLE = re.compile(
    r"(?:mevrouw|mevr\.?|mw\.?|meneer|mnr\.?|dhr\.?|de heer|heer|mr\.?|dr\.?|drs\.?|ir\.?)\s+",
    re.IGNORECASE,
)
PLACE_SUFFIX = re.compile(
    r"-(?:Noord|Zuid|Oost|West|Centrum|Noordoost|Noordwest|Zuidoost|Zuidwest)\b"
)
TUSSENVOEGSELS = words(
    "van de der den het ten ter te op in 't d' da di do dos el al la le von vom zu bin ben"
)


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
        return {"text": self.text, "spans": [list(span) for span in self.spans]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(str(data["text"]), tuple(Span(*span) for span in data.get("spans", ())))

    def __repr__(self) -> str:  # the text may still hold something a reader must not see
        return f"Result(<{len(self.text)} tekens>, {len(self.spans)} vervangingen)"


class KnownPersonsError(ValueError):
    """A ``known`` value of the wrong shape; the message names the field, never the content."""


@dataclass(frozen=True)
class KnownPersons:
    """What the case knows about its subject and relatives; all of it becomes role tokens.

    ``relatives`` maps a relation ("moeder", "stiefvader", "broer") to that relation's names.
    """

    first_names: tuple[str, ...] = ()
    surname: str = ""
    aliases: tuple[str, ...] = ()
    relatives: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def create(
        cls,
        first_names: Iterable[str] = (),
        surname: str | None = "",
        aliases: Iterable[str] = (),
        relatives: Mapping[str, Iterable[str]] | None = None,
    ) -> KnownPersons:
        return cls(
            tuple(first_names),
            surname or "",
            tuple(aliases),
            tuple((relation, tuple(names)) for relation, names in (relatives or {}).items()),
        )

    @classmethod
    def from_dict(cls, data: Any) -> KnownPersons:
        """From JSON: ``first_names``, ``surname``, ``aliases``, ``relatives`` (all optional).

        Strict: an unknown key (a typo would let a name through) or a wrong type is an error.
        """
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise KnownPersonsError("known moet een object zijn")
        unknown = set(data) - {"first_names", "surname", "aliases", "relatives"}
        if unknown:
            raise KnownPersonsError(f"known: onbekende sleutel(s) {', '.join(sorted(unknown))}")
        surname = data.get("surname") or ""
        if not isinstance(surname, str):
            raise KnownPersonsError("known.surname moet tekst zijn")
        relatives = data.get("relatives") or {}
        if not isinstance(relatives, Mapping):
            raise KnownPersonsError("known.relatives moet een object zijn (relatie → namen)")
        return cls.create(
            _strings(data.get("first_names"), "known.first_names"),
            surname,
            _strings(data.get("aliases"), "known.aliases"),
            {
                str(relation): _strings(names, f"known.relatives.{relation}")
                for relation, names in relatives.items()
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_names": list(self.first_names),
            "surname": self.surname,
            "aliases": list(self.aliases),
            "relatives": {relation: list(names) for relation, names in self.relatives},
        }

    def __repr__(self) -> str:
        return f"KnownPersons(<{len(self.first_names) + len(self.aliases)} namen>)"


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise KnownPersonsError(f"{name} moet een lijst met tekst zijn")
    return tuple(value)


class Detector(Protocol):
    """Finds identifiers in a text (deduce, or a stand-in in tests)."""

    def __call__(self, text: str) -> Iterable[Found]: ...


#: deduce's steps the engine does not need: the redactor (we replace), and the pattern
#: annotators that the project's own annotators cover (dates, ages, numbers, phone, e-mail, URL),
#: which leaves deduce its strength: names, places and institutions from its lookup lists
DEDUCE_SKIPPED = frozenset(
    {"redactor", "dates", "ages", "identifiers", "phone_numbers", "email_addresses", "urls"}
)


class DeduceDetector:
    """deduce, loaded once: its annotations as ``Found`` with this module's kinds."""

    def __init__(self) -> None:
        import deduce  # heavy (1 GB, seconds): only where the engine is built

        self.deduce = deduce.Deduce()

    def __call__(self, text: str) -> list[Found]:
        document = self.deduce.deidentify(text, disabled=DEDUCE_SKIPPED)
        found = []
        for annotation in document.annotations:
            kind = DEDUCE_KINDS.get(annotation.tag.split("+")[0])
            if kind is None:
                continue  # e.g. "pseudo_name": a disease named after a person
            start, end = annotation.start_char, annotation.end_char
            if kind == "PERSOON":
                title = TITLE.match(text, start, end)
                start = title.end() if title and title.end() < end else start
            elif kind == "LOCATIE" and (suffix := PLACE_SUFFIX.match(text, end)):
                end = suffix.end()
            found.append(Found(start, end, kind))
        return found


class Candidate(NamedTuple):
    start: int
    end: int
    kind: str
    priority: int
    token: str | None  # fixed for known persons


class Pseudonymiser:
    """The engine: ``pseudonymise(text, known, extra_terms) -> Result``.

    ``detector`` defaults to deduce (loaded here, once); ``keep_terms`` adds words that must stay
    readable (e.g. the partner names of the convenant).
    """

    def __init__(self, detector: Detector | None = None, keep_terms: Iterable[str] = ()) -> None:
        self.detector: Detector = detector if detector is not None else DeduceDetector()
        self.keep = _terms_pattern((*KEEP_TERMS, *keep_terms))

    def pseudonymise(
        self,
        text: str,
        known: KnownPersons | None = None,
        extra_terms: Iterable[str | tuple[str, str]] = (),
    ) -> Result:
        """Replace every identifier in ``text`` by a token; spans point into ``text``."""
        if not text:
            return Result(text)
        candidates = list(_known_candidates(text, known or KnownPersons()))
        candidates += _manual_candidates(text, extra_terms)
        kept = [(m.start(), m.end()) for m in self.keep.finditer(text)] if self.keep else []
        for found in _widen(text, [*self.detector(text), *annotate(text)]):
            if trimmed := _outside(text, found, kept):
                candidates.append(Candidate(*trimmed, PRIORITY.get(found.kind, 10), None))
        return _render(text, _merge(candidates))


# --- known persons -------------------------------------------------------------------------------


WORD = re.compile(r"\w+")
#: what may stand between the words of one name: spaces, a hyphen, an apostrophe
NAME_SEPARATOR = re.compile(r"[\s\-'’]+")
INITIALS_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,4}$")
POSSESSIVE_AFTER = re.compile(r"['’`]s(?!\w)|['’](?!\w)")


class _Form(NamedTuple):
    words: tuple[str, ...]  # casefolded
    token: str
    capitalised: bool  # only when written with a capital (a bare surname: "Bos", not "bos")


class KnownMatcher:
    """The known persons' name forms, matched word by word (no regex to compile per case).

    Case-insensitive; a trailing possessive ("Sanne's", "Luuks") and initials before a surname
    ("S. van der Berg") belong to the match. At each word the longest form wins; the subject's
    forms were added first, so they win a tie with a relative's.
    """

    def __init__(self, known: KnownPersons) -> None:
        self.by_first: dict[str, list[_Form]] = {}
        seen: set[tuple[str, ...]] = set()
        for name, token, capitalised in _name_forms(known):
            words = tuple(word.casefold() for word in WORD.findall(name))
            if words and words not in seen:
                seen.add(words)
                form = _Form(words, token, capitalised)
                self.by_first.setdefault(words[0], []).append(form)
                if len(words) == 1:  # "Luuks": the possessive without an apostrophe
                    self.by_first.setdefault(words[0] + "s", []).append(form)
        for forms in self.by_first.values():
            forms.sort(key=lambda form: -len(form.words))

    def find(self, text: str) -> Iterator[Candidate]:
        if not self.by_first:
            return
        words = list(WORD.finditer(text))
        folded = [word.group().casefold() for word in words]
        index = 0
        while index < len(words):
            match = self._longest(text, words, folded, index)
            if match is None:
                index += 1
                continue
            form, length = match
            start, end = words[index].start(), words[index + length - 1].end()
            if initials := INITIALS_BEFORE.search(text, max(0, start - 12), start):
                start = initials.start()
            if possessive := POSSESSIVE_AFTER.match(text, end):
                end = possessive.end()
            yield Candidate(start, end, form.token, KNOWN_PRIORITY, f"[{form.token}]")
            index += length

    def _longest(
        self, text: str, words: list[re.Match[str]], folded: list[str], index: int
    ) -> tuple[_Form, int] | None:
        for form in self.by_first.get(folded[index], ()):
            length = len(form.words)
            last = index + length - 1
            if last >= len(words):
                continue
            if length > 1 and folded[index:last] != list(form.words[:-1]):
                continue
            if folded[last] not in (form.words[-1], form.words[-1] + "s"):
                continue
            if length == 1 and folded[last] != form.words[0] and not _possessive_s(words[last]):
                continue
            if any(
                not NAME_SEPARATOR.fullmatch(text, words[i].end(), words[i + 1].start())
                for i in range(index, last)
            ):
                continue
            if form.capitalised and not all(
                words[i].group()[0].isupper() for i in range(index, last + 1)
            ):
                continue
            return form, length
        return None


def _possessive_s(word: re.Match[str]) -> bool:
    """ "Luuks" may be Luuk's; only for a capitalised word, so "bos" is not "Bo's"."""
    return word.group()[0].isupper()


def _known_candidates(text: str, known: KnownPersons) -> Iterator[Candidate]:
    return _matcher(known).find(text)


@lru_cache(maxsize=256)
def _matcher(known: KnownPersons) -> KnownMatcher:
    return KnownMatcher(known)


def _name_forms(known: KnownPersons) -> Iterator[tuple[str, str, bool]]:
    """(name, token, capitalised only) for every form, the subject's before the relatives'."""
    surname = _clean(known.surname)
    for name in (*known.first_names, *known.aliases):
        yield from _first_name_forms(_clean(name), surname, SUBJECT)
    if known.first_names:
        yield from _first_name_forms(_clean(" ".join(known.first_names)), surname, SUBJECT)
    if surname:
        yield from _surname_forms(surname, SUBJECT)
    for relation, names in known.relatives:
        base = relation_kind(relation)
        for number, name in enumerate(names, 1):
            token = base if len(names) == 1 else f"{base}-{number}"
            words = _clean(name).split()
            if not words:
                continue
            yield from _first_name_forms(" ".join(words), surname, token)
            if len(words) > 1:  # "Petra de Wit": "Petra" and "de Wit" alone are hers too
                yield from _first_name_forms(words[0], surname, token)
                yield from _surname_forms(" ".join(words[1:]), token)


def relation_kind(relation: str) -> str:
    """The token kind of a relation: "moeder" -> MOEDER, "half broer" -> HALF-BROER."""
    return re.sub(r"[^A-Z\-]", "", _ascii(relation).upper().replace(" ", "-")) or "FAMILIE"


def _first_name_forms(name: str, surname: str, token: str) -> Iterator[tuple[str, str, bool]]:
    if name:
        yield name, token, False
        if surname:
            yield f"{name} {surname}", token, False


def _surname_forms(surname: str, token: str) -> Iterator[tuple[str, str, bool]]:
    """Any case with its tussenvoegsel ("van der berg"); bare ("Bos", the "Berg" of "van der
    Berg") only capitalised, since in lower case it is often an ordinary word."""
    core = " ".join(word for word in surname.split() if word.casefold() not in TUSSENVOEGSELS)
    if core != surname:
        yield surname, token, False
    if core:
        yield core, token, True


def _clean(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").split())


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def _manual_candidates(text: str, terms: Iterable[str | tuple[str, str]]) -> Iterable[Candidate]:
    for term in terms:
        word, kind = (term, MANUAL) if isinstance(term, str) else term
        if not KIND_PATTERN.fullmatch(kind):
            raise ValueError("soort moet hoofdletters zijn, bijvoorbeeld HANDMATIG")
        word = _clean(word)
        if not word:
            continue
        words = r"\s+".join(re.escape(part) for part in word.split())
        pattern = rf"(?<![\w]){words}(?:['’`]s|['’])?(?![\w])"
        for match in re.finditer(pattern, text, re.IGNORECASE):  # re caches the compiled form
            yield Candidate(match.start(), match.end(), kind, MANUAL_PRIORITY, None)


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({_clean(term) for term in terms if _clean(term)}, key=len, reverse=True)
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


# --- merging and rendering -----------------------------------------------------------------------


def _merge(candidates: list[Candidate]) -> list[Candidate]:
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
class _Numbering:
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


def _render(text: str, merged: list[Candidate]) -> Result:
    numbering = _Numbering()
    pieces, spans, position = [], [], 0
    for candidate in merged:
        token = candidate.token or numbering.token(
            candidate.kind, text[candidate.start : candidate.end]
        )
        pieces += [text[position : candidate.start], token]
        spans.append(Span(candidate.start, candidate.end, candidate.kind, token))
        position = candidate.end
    pieces.append(text[position:])
    return Result("".join(pieces), tuple(spans))
