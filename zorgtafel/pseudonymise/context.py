"""Annotators that read the words around a name: birth years after "geb.", places after "in" or
"uit", schools after "zit op", speakers in a written-out chat, foreign cities.

Like ``annotators.py`` these are patterns and small lexicons; each needs a context word or a
fixed shape, so that ordinary words stay readable. Countries stay (as in the corpus: "feesten
in Duitsland" tells nobody who); cities, neighbourhoods and streets go.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from zorgtafel.pseudonymise.annotators import MONTHS, NAME_WORD, STOP_NAMES, Found
from zorgtafel.pseudonymise.lexicon import COUNTRIES, FOREIGN_CITIES, NOT_A_PLACE, ROLE_NOUN

#: "geb. 2009", "geboren in 2008", "geboortejaar: 2010", "(geb. '09)", "geb. april 2011"
BIRTH_YEAR = re.compile(
    r"\b(?:geb(?:oren)?|geboortejaar|geboortedatum|geb\.\s*jaar|bj)\b\.?\s*:?\s*(?:in\s+)?"
    rf"(?P<year>(?:(?:{MONTHS})\.?\s+|(?:0?[1-9]|1[0-2])[\-/.])?(?:19|20)\d\d|['’]\d\d)(?![\w\-/])",
    re.IGNORECASE,
)


def find_birth_year(text: str) -> Iterator[Found]:
    lower = text.lower()
    if "geb" not in lower and "bj" not in lower:
        return
    for match in BIRTH_YEAR.finditer(text):
        yield Found(match.start("year"), match.end("year"), "DATUM")


#: a capitalised name after a word that puts a place next: "in Lombok", "uit Zuilen", "wijkteam
#: Transvaal", "in de Bijlmer"; its first word must not be a common word, a country or a language.
#: Found name first, the word before it checked after (cheaper than trying the words everywhere)
PLACE_NAME = re.compile(  # at every capitalised word: "Wijkteam Hoograven" holds "Hoograven"
    rf"(?<![\w\-])(?=(?P<name>(?:(?:De|Het)\s+)?{NAME_WORD}(?:[ \-]{NAME_WORD}){{0,2}}))"
)
PLACE_WORD_BEFORE = re.compile(
    r"(?<![\w\-])(?:[Ii]n|[Uu]it|[Nn]aar|[Rr]ond|[Rr]ichting|[Vv]anuit|[Oo]mgeving|"
    r"[Ww]ijkteam|[Bb]uurtteam|[Gg]ebiedsteam|[Ss]tadsdeel|[Ww]oonachtig\s+(?:in|te)|[Ww]onend\s+te|"
    r"aan\s+(?:de|het))\s+(?:(?:de|het)\s+)?$"
)
#: "plaatsing in Intensieve Ambulante Gezinsbehandeling": a programme, not a place
PROGRAMME = re.compile(
    r"(?:behandeling|begeleiding|therapie|training|zorg|hulp|programma|traject|methode|aanpak)$"
)


def find_place_in_context(text: str) -> Iterator[Found]:
    for match in PLACE_NAME.finditer(text):
        if not PLACE_WORD_BEFORE.search(text, max(0, match.start() - 24), match.start("name")):
            continue
        name = match.group("name")
        bare = re.sub(r"^(?:De|Het)\s+", "", name)
        first = bare.split()[0].split("-")[0]
        if first in STOP_NAMES or first in NOT_A_PLACE or bare in COUNTRIES:
            continue
        if ROLE_NOUN.fullmatch(first) or PROGRAMME.search(name):
            continue
        # a weaker kind than a person: "ging naar Kevin" stays a person when one is found there
        yield Found(match.start("name"), match.end("name"), "LOCATIE")


#: "Haagse Markt", "Kralingse Zoom": a place's adjective and a capitalised noun
CITY_ADJECTIVE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Z][a-zà-ÿ]{2,}se\s+[A-Z][a-zà-ÿ]{2,})(?![\w\-])"
)
NOT_CITY_ADJECTIVES = frozenset(
    [
        "Nederlandse",
        "Engelse",
        "Duitse",
        "Franse",
        "Belgische",
        "Poolse",
        "Turkse",
        "Marokkaanse",
        "Surinaamse",
        "Antilliaanse",
        "Eritrese",
        "Syrische",
        "Roemeense",
        "Bulgaarse",
        "Hongaarse",
        "Nigeriaanse",
        "Afghaanse",
        "Spaanse",
        "Italiaanse",
        "Griekse",
        "Chinese",
        "Europese",
        "Afrikaanse",
        "Amerikaanse",
        "Aziatische",
    ]
)


def find_city_adjective_place(text: str) -> Iterator[Found]:
    for match in CITY_ADJECTIVE.finditer(text):
        if match.group("name").split()[0] not in NOT_CITY_ADJECTIVES:
            yield Found(match.start("name"), match.end("name"), "LOCATIE")


#: "dr. Van Dijk", "mevrouw De Graaf", "dhr. Van der Meer": a title, then a surname that begins
#: with a capitalised tussenvoegsel (deduce takes "Van" for the start of a sentence's word)
TITLED_SURNAME = re.compile(
    r"(?<![\w.])(?:[Mm]evrouw|[Mm]evr\.|[Mm]w\.|[Mm]eneer|[Mm]nr\.|[Dd]hr\.|[Dd]e heer|[Mm]r\.|"
    r"[Dd]r\.|[Dd]rs\.|[Ii]r\.|[Ff]amilie|[Ff]am\.)\s+(?:(?:[A-Z]\.\s?){1,3}\s?)?"
    r"(?P<name>(?:Van\s+(?:der|den|de|het)|Van|De|Den|Der|Ter|Ten|Te|In\s+'t|Op\s+de|Van\s+'t)"
    rf"\s+{NAME_WORD}(?:-{NAME_WORD})?)"
)


def find_titled_surname(text: str) -> Iterator[Found]:
    for match in TITLED_SURNAME.finditer(text):
        yield Found(match.start("name"), match.end("name"), "PERSOON")


#: "Dr. Lelylaan", "Burg. de Vlugtlaan", "St. Jansstraat": the abbreviation is part of the street
STREET_WITH_TITLE = re.compile(
    r"(?<![\w.])(?:Dr|Prof|Burg|Mr|St|Ds|Pr|Gen|Kap|Past)\.\s+"
    r"(?:[a-z]{1,3}\s+)?[A-ZÀ-Ý][a-zà-ÿ\-]+(?:straat|laan|weg|plein|kade|singel|gracht|dreef|hof|park)"
    r"\b(?:\s+\d{1,4}[a-z]?\b)?"
)


def find_street_with_title(text: str) -> Iterator[Found]:
    for match in STREET_WITH_TITLE.finditer(text):
        yield Found(match.start(), match.end(), "LOCATIE")


#: "zit op Het Veerhuis", "ingeschreven bij De Brink", "leerling van het Stedelijk"
SCHOOL_CONTEXT = re.compile(
    r"\b(?:zit|zat|zitten|zaten|ingeschreven|leerling|leerlinge|scholier)\s+"
    r"(?:in\s+\w+\s+)?(?:op|bij|van)\s+(?:(?:het|de|'t)\s+)?"
    rf"(?P<name>(?:(?:De|Het|'t)\s+)?{NAME_WORD}(?:[ \-]{NAME_WORD}){{0,3}})"
)


#: "Molenwiek (basisschool)": the kind of school in brackets after its name
SCHOOL_IN_BRACKETS = re.compile(
    r"\s*\((?:basisschool|school|praktijkonderwijs|vmbo|havo|vwo|mbo|so|vso|speciaal onderwijs)\)"
)
NAME_BEFORE_BRACKETS = re.compile(
    rf"(?<![\w\-])(?P<name>(?:(?:De|Het)\s+)?{NAME_WORD}(?:[ \-]{NAME_WORD}){{0,2}})$"
)
#: "naar school (Het Baken, Almere)", "school: De Klimop"
SCHOOL_THEN_NAME = re.compile(
    rf"\b[Ss]chool\s*[(:]\s*(?P<name>(?:(?:De|Het)\s+)?{NAME_WORD}(?:[ \-]{NAME_WORD}){{0,3}})"
)
SCHOOL_VERBS = ("zit", "zat", "ingeschreven", "leerling", "scholier")


def find_school_in_context(text: str) -> Iterator[Found]:
    found = []
    if "(" in text:
        for brackets in SCHOOL_IN_BRACKETS.finditer(text):
            window = max(0, brackets.start() - 60)
            if name := NAME_BEFORE_BRACKETS.search(text, window, brackets.start()):
                found.append((name.start("name"), name.end("name"), name.group("name")))
    if "chool" in text:
        for match in SCHOOL_THEN_NAME.finditer(text):
            found.append((match.start("name"), match.end("name"), match.group("name")))
    lower = text.lower()
    if any(verb in lower for verb in SCHOOL_VERBS):
        for match in SCHOOL_CONTEXT.finditer(text):
            found.append((match.start("name"), match.end("name"), match.group("name")))
    for start, end, name in found:
        first = re.sub(r"^(?:De|Het|'t)\s+", "", name).split()[0]
        if first not in STOP_NAMES and first not in NOT_A_PLACE and not ROLE_NOUN.fullmatch(first):
            yield Found(start, end, "SCHOOL")


#: "door Dewayne Sedney (bijnaam 'Dizzle')": the name before "bijnaam" or "alias" is a person's
NAME_BEFORE_NICKNAME = re.compile(
    rf"(?P<name>{NAME_WORD}(?:\s+(?:van|de|der|den|ter|ten|el|al)){{0,2}}(?:\s+{NAME_WORD}){{0,2}})"
    r"\s*[(,]?\s*(?:bijnaam|alias|roepnaam|a\.k\.a\.|aka|ook\s+wel)\b"
)


NICKNAME_HINT = re.compile(r"bijnaam|alias|roepnaam|aka\b|a\.k\.a|ook wel", re.IGNORECASE)


def find_name_before_nickname(text: str) -> Iterator[Found]:
    if not NICKNAME_HINT.search(text):
        return
    for match in NAME_BEFORE_NICKNAME.finditer(text):
        words = match.group("name").split()
        while words and (words[0] in STOP_NAMES or ROLE_NOUN.fullmatch(words[0])):
            words.pop(0)
        if words:
            start = text.index(words[0], match.start("name"))
            yield Found(start, match.end("name"), "PERSOON")


#: a written-out chat: "[21:14] Dex: ...", "21:14 - Dex: ...", "(08.02) Femke: ..."
CHAT_SPEAKER = re.compile(
    r"(?m)^[ \t]*[\[(]?\d{1,2}[:.]\d{2}(?::\d{2})?[\])]?[ \t]*(?:-[ \t]*)?"
    r"(?P<name>[^\W\d_][\w'’\-]*(?:[ \t][A-ZÀ-Ý][\w'’\-]*)?)[ \t]*:"
)


#: "vinnie: ..." on two lines or more: a speaker (a form's field is named once)
SPEAKER_LABEL = re.compile(r"(?m)^[ \t]*(?P<name>[^\W\d_][\w'’\-]{1,24}):[ \t]*\S")


def find_chat_speaker(text: str) -> Iterator[Found]:
    for match in CHAT_SPEAKER.finditer(text):
        yield Found(match.start("name"), match.end("name"), "PERSOON")
    labels = list(SPEAKER_LABEL.finditer(text))
    counts: dict[str, int] = {}
    for match in labels:
        counts[match.group("name")] = counts.get(match.group("name"), 0) + 1
    for match in labels:
        name = match.group("name")
        if counts[name] > 1 and name not in STOP_NAMES and not ROLE_NOUN.fullmatch(name):
            yield Found(match.start("name"), match.end("name"), "PERSOON")


CITY_WORD = re.compile(r"(?<![\w\-])[A-ZÀ-Ý][\w\-]*(?:\s[A-ZÀ-Ý][\w\-]*)?")
FIRST_WORDS = frozenset(city.split()[0] for city in FOREIGN_CITIES)


def find_foreign_city(text: str) -> Iterator[Found]:
    """Word by word, not as one pattern of a hundred names: that cost more than it found."""
    for match in CITY_WORD.finditer(text):
        words = match.group().split()
        if words[0] not in FIRST_WORDS:
            continue
        if len(words) == 2 and match.group() in FOREIGN_CITIES:
            yield Found(match.start(), match.end(), "LOCATIE")
        elif words[0] in FOREIGN_CITIES:
            yield Found(match.start(), match.start() + len(words[0]), "LOCATIE")


ANNOTATORS: tuple[Callable[[str], Iterator[Found]], ...] = (
    find_birth_year,
    find_place_in_context,
    find_city_adjective_place,
    find_street_with_title,
    find_titled_surname,
    find_school_in_context,
    find_chat_speaker,
    find_name_before_nickname,
    find_foreign_city,
)


def annotate_in_context(text: str) -> list[Found]:
    """Everything these annotators find in ``text`` (overlaps are resolved later)."""
    return [found for annotator in ANNOTATORS for found in annotator(text)]
