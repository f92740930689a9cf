"""What the case knows about its subject and relatives, and where their names stand in a text.

Every form of a known name becomes a role token (``[BETROKKENE]``, ``[MOEDER]``). A surname the
subject shares with relatives is the subject's, unless the text says whose it is: a relation
word before it ("moeder Kuipers"), a title ("mevrouw Kuipers": an adult, so a relative of that
sex), or initials that are a relative's ("S. Kuipers" when the mother is Sandra).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

#: the subject's role token; relatives get their relation's (``MOEDER``, ``BROER-2``)
SUBJECT = "BETROKKENE"
TUSSENVOEGSELS = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "ten",
        "ter",
        "te",
        "op",
        "in",
        "'t",
        "d'",
        "da",
        "di",
        "do",
        "dos",
        "el",
        "al",
        "la",
        "le",
        "von",
        "vom",
        "zu",
        "bin",
        "ben",
    ]
)
#: relations by sex, in the order a shared surname is given to them (parents first)
FEMALE_RELATIONS = [
    "moeder",
    "stiefmoeder",
    "pleegmoeder",
    "oma",
    "grootmoeder",
    "tante",
    "zus",
    "zuster",
    "halfzus",
    "stiefzus",
    "nicht",
    "schoonmoeder",
]
MALE_RELATIONS = [
    "vader",
    "stiefvader",
    "pleegvader",
    "opa",
    "grootvader",
    "oom",
    "broer",
    "halfbroer",
    "stiefbroer",
    "neef",
    "schoonvader",
]
RELATION_WORDS = frozenset(FEMALE_RELATIONS + MALE_RELATIONS + ["ouder", "pleegouder"])
FEMALE_TITLE = re.compile(r"(?:mevrouw|mevr\.?|mw\.?)\s+$", re.IGNORECASE)
MALE_TITLE = re.compile(r"(?:meneer|mnr\.?|dhr\.?|de\s+heer|heer)\s+$", re.IGNORECASE)
RELATION_BEFORE = re.compile(r"(?<![\w\-])(?P<relation>[^\W\d_][\w\-]*)\s+$")
WORD = re.compile(r"\w+")
#: what may stand between the words of one name: spaces, a hyphen, an apostrophe
NAME_SEPARATOR = re.compile(r"[\s\-'’]+")
INITIALS_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,4}$")
#: "Sanne's", "Luuk’s"; a bare apostrophe only after s, x or z ("Kees'"), never a closing quote
POSSESSIVE_S = re.compile(r"['’`]s(?!\w)")
BARE_APOSTROPHE = re.compile(r"['’](?!\w)")
OPENING_QUOTES = "'\"‘“«"


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


def relation_kind(relation: str) -> str:
    """The token kind of a relation: "moeder" -> MOEDER, "half broer" -> HALF-BROER."""
    return re.sub(r"[^A-Z\-]", "", _ascii(relation).upper().replace(" ", "-")) or "FAMILIE"


class KnownFind(NamedTuple):
    """Where a known person's name stands: offsets, the role's kind and its token (None: the
    subject's surname borne by someone the case does not know, numbered like a name found)."""

    start: int
    end: int
    kind: str
    token: str | None


class _Form(NamedTuple):
    words: tuple[str, ...]  # casefolded
    kind: str
    token: str
    capitalised: bool  # only when written with a capital (a bare surname: "Bos", not "bos")
    shared_surname: bool  # the subject's bare surname, which relatives may share


class _Sharer(NamedTuple):
    """A relative who (as far as the case knows) bears the subject's surname."""

    relation: str  # casefolded
    kind: str
    token: str
    first_name: str  # casefolded, "" when unknown


class KnownMatcher:
    """The known persons' name forms, matched word by word (no regex to compile per case).

    Case-insensitive; a trailing possessive ("Sanne's", "Luuks") and initials before a surname
    ("S. van der Berg") belong to the match. At each word the longest form wins; the subject's
    forms were added first, so they win a tie with a relative's.
    """

    def __init__(self, known: KnownPersons) -> None:
        self.by_first: dict[str, list[_Form]] = {}
        self.sharers = _sharers(known)
        self.subject_initials = {name[:1].casefold() for name in known.first_names if name}
        seen: set[tuple[str, ...]] = set()
        for name, token, capitalised, shared in _name_forms(known):
            words = tuple(word.casefold() for word in WORD.findall(name))
            if words and words not in seen:
                seen.add(words)
                form = _Form(words, _kind(token), token, capitalised, shared)
                self.by_first.setdefault(words[0], []).append(form)
                if len(words) == 1:  # "Luuks": the possessive without an apostrophe
                    self.by_first.setdefault(words[0] + "s", []).append(form)
        for forms in self.by_first.values():
            forms.sort(key=lambda form: -len(form.words))

    def find(self, text: str) -> Iterator[KnownFind]:
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
            initials = INITIALS_BEFORE.search(text, max(0, start - 12), start)
            if initials:
                start = initials.start()
            end = possessive_end(text, start, end)
            kind, token = form.kind, form.token
            if form.shared_surname:
                kind, token = self._whose_surname(text, start, initials, (kind, token))
            yield KnownFind(start, end, kind, token)
            index += length

    def _whose_surname(
        self, text: str, start: int, initials: re.Match[str] | None, subject: tuple[str, str]
    ) -> tuple[str, str | None]:
        """The subject's surname, or a relative's when the words before it say so; initials
        that are not the subject's and no relative's: someone else of that name."""
        before = text[max(0, start - 40) : start]
        relation = RELATION_BEFORE.search(before)
        if relation and (word := relation.group("relation").casefold()) in RELATION_WORDS:
            for sharer in self.sharers:
                if sharer.relation == word:
                    return sharer.kind, sharer.token
            return relation_kind(word), f"[{relation_kind(word)}]"  # a relative the case lacks
        if initials:
            first = initials.group()[0].casefold()
            if first not in self.subject_initials:
                for sharer in self.sharers:
                    if sharer.first_name.startswith(first):
                        return sharer.kind, sharer.token
                return "PERSOON", None
        for title, relations in ((FEMALE_TITLE, FEMALE_RELATIONS), (MALE_TITLE, MALE_RELATIONS)):
            if title.search(before):
                for relation in relations:
                    for sharer in self.sharers:
                        if sharer.relation == relation:
                            return sharer.kind, sharer.token
        return subject

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


def possessive_end(text: str, start: int, end: int) -> int:
    """Past a possessive after the name; a quote closing the name is no possessive."""
    if possessive := POSSESSIVE_S.match(text, end):
        return possessive.end()
    quoted = open_quote_before(text, start)
    if not quoted and text[end - 1] in "sxzSXZ" and (bare := BARE_APOSTROPHE.match(text, end)):
        return bare.end()
    return end


QUOTE_MARK = re.compile(r"['‘’\"“”]")


def open_quote_before(text: str, position: int) -> bool:
    """Whether a quotation opened on this line before ``position`` is still open (so an
    apostrophe after a name there closes it: "'de Vries'" is no possessive)."""
    line_start = text.rfind("\n", 0, position) + 1
    open_ = False
    for mark in QUOTE_MARK.finditer(text, line_start, position):
        before = text[mark.start() - 1] if mark.start() > line_start else " "
        after = text[mark.end()] if mark.end() < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue  # inside a word: "pm'er", "zo'n"
        if before.isalnum() and after in "s" and not open_:
            continue  # a possessive: "Sanne's"
        open_ = not before.isalnum() if not open_ else False
    return open_


def known_finds(text: str, known: KnownPersons) -> Iterator[KnownFind]:
    """Every place in ``text`` where a known person's name stands."""
    return matcher(known).find(text)


@lru_cache(maxsize=256)
def matcher(known: KnownPersons) -> KnownMatcher:
    return KnownMatcher(known)


def _kind(token: str) -> str:
    return re.sub(r"-\d+$", "", token.strip("[]"))


def _sharers(known: KnownPersons) -> tuple[_Sharer, ...]:
    surname = _clean(known.surname).casefold()
    if not surname:
        return ()
    found = []
    for relation, names in known.relatives:
        base = relation_kind(relation)
        for number, name in enumerate(names, 1):
            words = _clean(name).split()
            if not words:
                continue
            if len(words) == 1 or " ".join(words[1:]).casefold() == surname:
                token = f"[{base}]" if len(names) == 1 else f"[{base}-{number}]"
                found.append(_Sharer(relation.casefold(), base, token, words[0].casefold()))
    return tuple(found)


def _name_forms(known: KnownPersons) -> Iterator[tuple[str, str, bool, bool]]:
    """(name, token, capitalised only, shared surname) for every form, the subject's first."""
    surname = _clean(known.surname)
    subject = f"[{SUBJECT}]"
    for name in (*known.first_names, *known.aliases):
        yield from _first_name_forms(_clean(name), surname, subject)
    if known.first_names:
        yield from _first_name_forms(_clean(" ".join(known.first_names)), surname, subject)
    if surname:
        yield from _surname_forms(surname, subject, shared=True)
    for relation, names in known.relatives:
        base = relation_kind(relation)
        for number, name in enumerate(names, 1):
            token = f"[{base}]" if len(names) == 1 else f"[{base}-{number}]"
            words = _clean(name).split()
            if not words:
                continue
            yield from _first_name_forms(" ".join(words), surname, token)
            if len(words) > 1:  # "Petra de Wit": "Petra" and "de Wit" alone are hers too
                yield from _first_name_forms(words[0], surname, token)
                yield from _surname_forms(" ".join(words[1:]), token)


def _first_name_forms(name: str, surname: str, token: str) -> Iterator[tuple[str, str, bool, bool]]:
    if name:
        yield name, token, False, False
        if surname:
            yield f"{name} {surname}", token, False, False


def _surname_forms(
    surname: str, token: str, shared: bool = False
) -> Iterator[tuple[str, str, bool, bool]]:
    """Any case with its tussenvoegsel ("van der berg"); bare ("Bos", the "Berg" of "van der
    Berg") only capitalised, since in lower case it is often an ordinary word."""
    core = " ".join(word for word in surname.split() if word.casefold() not in TUSSENVOEGSELS)
    if core != surname:
        yield surname, token, False, shared
    if core:
        yield core, token, True, shared


def _clean(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").split())


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
