"""The project's own annotators: what a Dutch de-identifier misses in zorgtafel texts.

Each annotator is a function ``text -> Iterator[Found]``. They are regular expressions and small
lexicons, kept precise on purpose: ordinary words of the field ("de school", "jeugdzorg",
"politie", "Veilig Thuis", "in de wijk") must stay readable, so every pattern needs either a
checksum (IBAN, BSN), a fixed shape (licence plates, phone numbers) or a name-like word next to a
keyword (schools, care institutions, neighbourhoods, nicknames).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple


class Found(NamedTuple):
    """One identifier found in the text: offsets into the text and its kind."""

    start: int
    end: int
    kind: str


#: a capitalised word (letters, inner hyphens and apostrophes; accented letters included)
NAME_WORD = r"[A-ZÀ-Ý][a-zà-ÿA-ZÀ-Ý'’\-]*[a-zà-ÿ]"
#: words that may sit inside a proper name ("Rijnlands Lyceum", "De Regenboog", "Sint-Jan")
NAME_GLUE = r"(?:de|het|der|den|van|voor|op|aan|in|'t|’t|d'|la|le|el|al)"
MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _group(match: re.Match[str], name: str, kind: str) -> Found:
    return Found(match.start(name), match.end(name), kind)


# --- IBAN ----------------------------------------------------------------------------------------

IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?\b"
)


def iban_valid(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha():
        return False
    digits = "".join(str(int(char, 36)) for char in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def find_iban(text: str) -> Iterator[Found]:
    for match in IBAN.finditer(text):
        if iban_valid(match.group()):
            yield Found(match.start(), match.end(), "IBAN")


# --- BSN -----------------------------------------------------------------------------------------

BSN = re.compile(r"(?<![\d\-/.,])(\d{3})[ .]?(\d{2,3})[ .]?(\d{3})(?![\d\-/]|[.,]\d)")
BSN_CONTEXT = re.compile(
    r"\b(?:bsn|burgerservicenummer|sofinummer|sofi-nummer)\b\s*(?:nr\.?|nummer)?\s*[:.]?\s*"
    r"(?P<number>\d[\d .]{6,11}\d)",
    re.IGNORECASE,
)


def elfproef(number: str) -> bool:
    """The BSN eleven test: 9 digits (8 get a leading zero), weights 9..2 and -1, sum mod 11."""
    digits = [int(char) for char in number if char.isdigit()]
    if len(digits) == 8:
        digits.insert(0, 0)
    if len(digits) != 9 or not any(digits):
        return False
    total = sum(digit * weight for digit, weight in zip(digits, range(9, 1, -1), strict=False))
    return (total - digits[8]) % 11 == 0


def find_bsn(text: str) -> Iterator[Found]:
    for match in BSN.finditer(text):
        if len(match.group(2)) == 3 and elfproef(match.group()):
            yield Found(match.start(), match.end(), "BSN")
    # after the word BSN any number of the right length is one, even with a typo in it
    for match in BSN_CONTEXT.finditer(text):
        if 8 <= sum(char.isdigit() for char in match.group("number")) <= 9:
            yield _group(match, "number", "BSN")


# --- phone numbers -------------------------------------------------------------------------------

PHONE_NL = re.compile(
    r"(?<![\w+/\-])(?:(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?|\(?0)(?!800|900)"
    r"[1-9]\)?(?:[ \-]?\d){8}(?![\d\-/])"
)
PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)(?!31)[1-9]\d{0,2}(?:[ \-]?\(?\d+\)?){2,6}")


def find_phone(text: str) -> Iterator[Found]:
    for match in PHONE_NL.finditer(text):
        yield Found(match.start(), match.end(), "TELEFOON")
    for match in PHONE_INTERNATIONAL.finditer(text):
        if 8 <= sum(char.isdigit() for char in match.group()) <= 15:
            yield Found(match.start(), match.end(), "TELEFOON")


# --- licence plates ------------------------------------------------------------------------------

# Dutch plates have no vowels (and no C or Q); the fourteen sidecodes, hyphenated as on the plate
_L = "[BDFGHJKLMNPRSTVWXZ]"
SIDECODES = (
    f"{_L}{{2}}-\\d{{2}}-\\d{{2}}",
    f"\\d{{2}}-\\d{{2}}-{_L}{{2}}",
    f"\\d{{2}}-{_L}{{2}}-\\d{{2}}",
    f"{_L}{{2}}-\\d{{2}}-{_L}{{2}}",
    f"{_L}{{2}}-{_L}{{2}}-\\d{{2}}",
    f"\\d{{2}}-{_L}{{2}}-{_L}{{2}}",
    f"\\d{{2}}-{_L}{{3}}-\\d",
    f"\\d-{_L}{{3}}-\\d{{2}}",
    f"{_L}{{2}}-\\d{{3}}-{_L}",
    f"{_L}-\\d{{3}}-{_L}{{2}}",
    f"{_L}{{3}}-\\d{{2}}-{_L}",
    f"{_L}-\\d{{2}}-{_L}{{3}}",
    f"\\d-{_L}{{2}}-\\d{{3}}",
    f"\\d{{3}}-{_L}{{2}}-\\d",
)
PLATE = re.compile(r"(?<![\w\-])(?:" + "|".join(SIDECODES) + r")(?![\w\-])")
PLATE_CONTEXT = re.compile(
    r"\bkenteken(?:nummer|plaat)?\b\s*[:=]?\s*"
    r"(?P<plate>[A-Za-z0-9]{1,3}(?:[ \-]?[A-Za-z0-9]{1,3}){1,2})\b",
    re.IGNORECASE,
)


def find_plate(text: str) -> Iterator[Found]:
    for match in PLATE.finditer(text):
        yield Found(match.start(), match.end(), "KENTEKEN")
    for match in PLATE_CONTEXT.finditer(text):
        plate = match.group("plate")
        compact = re.sub(r"[ \-]", "", plate)
        if (
            len(compact) == 6
            and any(c.isdigit() for c in compact)
            and any(c.isalpha() for c in compact)
        ):
            yield _group(match, "plate", "KENTEKEN")


# --- social media handles ------------------------------------------------------------------------

HANDLE_AT = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
PLATFORMS = (
    r"snapchat|snap|sc|instagram|insta|ig|tiktok|telegram|twitter|facebook|fb|whatsapp|"
    r"discord|kik|onlyfans|signal"
)
HANDLE_CONTEXT = re.compile(
    rf"\b(?:{PLATFORMS})\b[\- ]?(?:account|naam|gebruikersnaam|profiel|id)?\s*"
    r"(?:[:=]|\bals\b|\bonder de naam\b|\bmet de naam\b)\s*['\"‘“]?"
    r"(?P<handle>@?[A-Za-z0-9_][A-Za-z0-9_.\-]{1,29}[A-Za-z0-9_])",
    re.IGNORECASE,
)


def find_handle(text: str) -> Iterator[Found]:
    for match in HANDLE_AT.finditer(text):
        yield Found(match.start(), match.end(), "HANDLE")
    for match in HANDLE_CONTEXT.finditer(text):
        yield _group(match, "handle", "HANDLE")


# --- police, justice and registration numbers ----------------------------------------------------

NUMBER_KEYWORDS = (
    r"(?:registratie|zaak|dossier|parket|mutatie|meldings?|pv|proces-verbaal|bvh|cli[eë]nt|"
    r"leerling|student|referentie|vreemdelingen|v|document|paspoort|id|verbaal|aangifte|"
    r"rechtbank|rolnummer|klant|polis|burgerzaken|sis|ind)[\- ]?(?:nummer|nr\.?)"
    r"|kenmerk|ref\.|bvh(?:-registratie)?|pv|proces-verbaal|aangifte|rol|parket"
)
NUMBER_CONTEXT = re.compile(
    rf"\b(?:{NUMBER_KEYWORDS})(?![\w])\s*(?:[:#]|nr\.?|nummer)?\s*"
    r"(?P<number>[A-Za-z]{0,4}[\-/.]?\d[A-Za-z0-9]*(?:[\-/.][A-Za-z0-9]+)*)",
    re.IGNORECASE,
)
POLICE_NUMBER = re.compile(r"\bPL\d{2,4}[\- ]?\d{4,12}(?:[\-/]\d+)?\b")
PARKET_NUMBER = re.compile(r"(?<![\w/])\d{2}[/\-]\d{6}[\-/]\d{2}(?![\w/])")
#: our own case codes (ZT-2026-0042) are meaningless pseudonyms and stay
CASE_CODE = re.compile(r"\bZT-\d{4}-\d{3,6}\b")


def find_registration_number(text: str) -> Iterator[Found]:
    for match in NUMBER_CONTEXT.finditer(text):
        if not CASE_CODE.fullmatch(match.group("number")):
            yield _group(match, "number", "REGISTRATIENUMMER")
    for pattern in (POLICE_NUMBER, PARKET_NUMBER):
        for match in pattern.finditer(text):
            yield Found(match.start(), match.end(), "REGISTRATIENUMMER")


# --- dates without a year, ages -------------------------------------------------------------------

DATE_WORDS = re.compile(
    rf"(?<![\w\-/])(?:[1-9]|[12]\d|3[01])(?:e|ste|de)?\s+(?:{MONTHS})\b\.?(?:\s+(?:19|20)\d\d\b)?",
    re.IGNORECASE,
)
WEEKDAYS = r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo"
DATE_NUMERIC = re.compile(
    r"\b(?:op|sinds|vanaf|tot|t/m|per|d\.d\.|dd|rond|omstreeks|datum|gedateerd|van|en|"
    rf"{WEEKDAYS})\.?\s*:?\s+"
    r"(?P<date>(?:0?[1-9]|[12]\d|3[01])[\-/.](?:0?[1-9]|1[0-2])(?:[\-/.](?:19|20)?\d\d)?)"
    r"(?![\d\-/.]\d|\s*(?:keer|x|maal|uur|u\b|jaar|dagen|weken|maanden|kinderen|personen|%))",
    re.IGNORECASE,
)
AGE = re.compile(
    r"(?<![\w\-])(?:\d{1,2}-jarige?|\d{1,2}\s+jaar\s+oud|\d{1,2}\s*(?:jr|jaar)\.?\s*\)|"
    r"(?<=\()\d{1,2}(?=\)))",
)
AGE_CONTEXT = re.compile(r"\bleeftijd\s*[:=]?\s*(?P<age>\d{1,2})\b", re.IGNORECASE)


def find_date(text: str) -> Iterator[Found]:
    for match in DATE_WORDS.finditer(text):
        yield Found(match.start(), match.end(), "DATUM")
    for match in DATE_NUMERIC.finditer(text):
        yield _group(match, "date", "DATUM")


def find_age(text: str) -> Iterator[Found]:
    for match in AGE.finditer(text):
        yield Found(match.start(), match.end(), "LEEFTIJD")
    for match in AGE_CONTEXT.finditer(text):
        yield _group(match, "age", "LEEFTIJD")


# --- schools and care institutions ----------------------------------------------------------------

NAME = rf"(?:{NAME_WORD}|\d+)(?:[ \-](?:{NAME_GLUE}[ \-])*(?:{NAME_WORD}|\d+))*"
#: a proper name of at most three words right after the keyword
NAME_AFTER = (
    rf"(?:(?:De|Het|'t|’t|de|het)\s+)?{NAME_WORD}(?:[ \-](?:{NAME_GLUE}[ \-])?{NAME_WORD}){{0,2}}"
)
SCHOOL_BEFORE = (
    r"basisschool|school|scholengemeenschap|scholengroep|college|lyceum|gymnasium|atheneum|"
    r"ROC|MBO|mbo-school|vmbo-school|praktijkschool|speciaal onderwijs|SBO|SO|VSO|CBS|OBS|PCBS|"
    r"RKBS|IKC|kindcentrum|montessorischool|daltonschool|jenaplanschool|vakcollege|vakschool|"
    r"onderwijsgroep|schoolvereniging|Hogeschool|universiteit"
)
SCHOOL_AFTER = (
    r"College|Lyceum|Gymnasium|Atheneum|Scholengemeenschap|Scholengroep|Academie|School|"
    r"Vakcollege|Campus|Onderwijsgroep|Mavo|Havo|Vmbo|Praktijkschool|Kindcentrum|Hogeschool"
)
CARE_BEFORE = (
    r"GGZ|GGz|ggz-instelling|Jeugdzorg|jeugdzorginstelling|zorgaanbieder|jeugdhulpaanbieder|"
    r"kliniek|Kliniek|opvang|Opvang|crisisopvang|noodopvang|meidenopvang|woongroep|leefgroep|"
    r"behandelgroep|gezinshuis|zorgboerderij|instelling|JJI|jeugdinrichting|behandelcentrum|"
    r"Stichting|stichting|zorginstelling|woonvoorziening|logeerhuis|blijf-van-m'n-lijfhuis|"
    r"Jeugdhulp|jeugdhulp|Jeugd-GGZ|jeugd-ggz|Psychiatrisch centrum|centrum"
)
CARE_AFTER = (
    r"Jeugdzorg|Jeugdhulp|GGZ|GGz|Kliniek|Zorg|Opvang|Jeugd|Zorggroep|Groep|Behandelcentrum"
)
SCHOOL_COMPOUND = re.compile(
    r"\b(?P<name>[A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)*)-?"
    r"(?:college|lyceum|school|gymnasium|atheneum|academie|kliniek|instituut)\b"
)
#: compounds of the field that name no particular school or clinic
GENERIC_COMPOUNDS = words(
    """basisschool hogeschool praktijkschool dagschool zomerschool kostschool rijschool
    middelbareschool vakschool bovenschool onderschool dansschool muziekschool taalschool
    voetbalschool zwemschool bijlesschool huiswerkschool speciaalschool internaatschool
    nieuwkomersschool internationaleschool avondschool mbo-school vmbo-school havo-school
    vwo-school buitenschool weekendschool scholengemeenschap privékliniek dagkliniek
    jeugdkliniek poliklinisch vakcollege beroepscollege schoolcollege"""
)
STOP_NAMES = words(
    """De Het Een Op In Bij Van Naar Met Voor Na Om Uit Tot Dit Dat Deze Die Zij Ze Hij Haar
    Zijn Hun Wij We Ook Toen Daar Hier Als Of En Maar Dan Nu Wel Niet Geen Alle Elke Iedere
    Volgens Sinds Vanaf Namens Over Onder Tijdens Via"""
)


def _name_ok(name: str) -> bool:
    first = name.split()[0] if name.split() else ""
    return bool(first) and first not in STOP_NAMES


def _keyword_name(keywords: str, kind: str) -> tuple[re.Pattern[str], str]:
    return re.compile(rf"\b(?P<key>{keywords})\s+(?P<name>{NAME_AFTER})"), kind


def _name_keyword(keywords: str, kind: str) -> tuple[re.Pattern[str], str]:
    return re.compile(rf"(?P<name>{NAME})\s+(?P<key>{keywords})\b"), kind


INSTITUTION_PATTERNS = (
    _keyword_name(SCHOOL_BEFORE, "SCHOOL"),
    _name_keyword(SCHOOL_AFTER, "SCHOOL"),
    _keyword_name(CARE_BEFORE, "INSTELLING"),
    _name_keyword(CARE_AFTER, "INSTELLING"),
)


def find_institution(text: str) -> Iterator[Found]:
    for pattern, kind in INSTITUTION_PATTERNS:
        for match in pattern.finditer(text):
            name = match.group("name")
            words = name.split()
            # keep only the name-like tail of "Naar het Da Vinci College" / "op de school De Es"
            while words and words[0] in STOP_NAMES and len(words) > 1:
                words.pop(0)
            if not _name_ok(" ".join(words)) or name.lower() in GENERIC_COMPOUNDS:
                continue
            start = match.start("name") + name.index(words[0])
            if match.start("key") < start:  # keyword first: the keyword is part of the name
                start = match.start("key")
            yield Found(start, max(match.end("name"), match.end("key")), kind)
    for match in SCHOOL_COMPOUND.finditer(text):
        word = match.group().lower()
        if word in GENERIC_COMPOUNDS or match.group("name") in STOP_NAMES:
            continue
        kind = "INSTELLING" if word.endswith(("kliniek", "instituut")) else "SCHOOL"
        yield Found(match.start(), match.end(), kind)


# --- neighbourhoods -------------------------------------------------------------------------------

NEIGHBOURHOOD_BEFORE = re.compile(
    r"\b(?:wijk|woonwijk|buurt|stadsdeel|stadswijk|dorp|kern|flat|flatgebouw|woontoren|"
    r"winkelcentrum|park|plein|station|hotel|hostel|motel|vakantiepark|camping)\s+"
    rf"(?P<name>{NAME_AFTER})"
)
NEIGHBOURHOOD_COMPOUND = re.compile(
    r"\b[A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*"
    r"(?:wijk|buurt|kwartier|polder|hof|park|plein|dorp|kwartier|veld|meer|oord|haven)\b"
)
GENERIC_PLACES = words(
    """woonwijk achterbuurt nieuwbouwwijk vinexwijk probleemwijk volkswijk achterstandswijk
    buitenwijk bloemkwartier stadspark speelplein schoolplein marktplein dorpsplein stadsplein
    kerkplein stationsplein rondplein binnenhof speeltuin voetbalveld sportpark speelveld
    sportveld grasveld schoolveld trapveld stadsdeel vakantiepark bedrijfspark industriepark
    wijkteam wijkagent wijkcentrum wijkverpleging buurthuis buurtteam binnenhaven"""
)


def find_neighbourhood(text: str) -> Iterator[Found]:
    for match in NEIGHBOURHOOD_BEFORE.finditer(text):
        if _name_ok(match.group("name")):
            yield _group(match, "name", "WIJK")
    for match in NEIGHBOURHOOD_COMPOUND.finditer(text):
        if match.group().lower() not in GENERIC_PLACES:
            yield Found(match.start(), match.end(), "WIJK")


# --- nicknames and names after a relation word ----------------------------------------------------

QUOTE_OPEN = "'\"‘“«"
QUOTE_CLOSE = "'\"’”»"
NICKNAME_CONTEXT = re.compile(
    r"\b(?:bijnaam|bijnamen|roepnaam|alias|aka|a\.k\.a\.|schuilnaam|artiestennaam|"
    r"straatnaam|noemt\s+(?:zich|hem|haar|hij\s+zich|ze\s+zich|zij\s+zich)|"
    r"noemen\s+(?:hem|haar|zich)|genaamd|heet|heette|luistert\s+naar\s+de\s+naam|"
    r"ook\s+wel|staat\s+bekend\s+als|bekend\s+als)\b\s*:?\s*"
    rf"(?:[{QUOTE_OPEN}](?P<quoted>[^{QUOTE_CLOSE}\n]{{1,40}})[{QUOTE_CLOSE}]|"
    rf"(?P<word>{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}|[a-z][a-z0-9_]*\d[a-z0-9_]*))"
)
QUOTED_NAME = re.compile(
    rf"(?<!\w)[{QUOTE_OPEN}](?P<name>[A-ZÀ-Ý][\w\-]*(?:\s+[A-ZÀ-Ý\d][\w\-]*){{0,2}})[{QUOTE_CLOSE}](?!\w)"
)
NICKNAME_VERB = re.compile(
    rf"[{QUOTE_OPEN}](?P<name>[^{QUOTE_CLOSE}\n]{{1,30}})[{QUOTE_CLOSE}]\s+(?:noemt|noemde|heet|heette|wordt\s+genoemd)"
)
RELATION_WORDS = (
    r"vriend|vriendje|vriendin|vriendinnetje|ex-vriend|ex|loverboy|pooier|dader|verdachte|"
    r"neef|nicht|oom|tante|broer|broertje|zus|zusje|opa|oma|stiefvader|stiefmoeder|"
    r"mentor|docent|docente|juf|meester|jongen|meisje|man|vrouw|klant|kennis|buurman|"
    r"buurvrouw|collega|baas|zoon|dochter|vader|moeder|partner|chauffeur|taxichauffeur"
)
PERSON_AFTER_RELATION = re.compile(
    rf"\b(?:{RELATION_WORDS})\s+(?P<name>{NAME_WORD}(?:\s+(?:{NAME_GLUE}\s+)*{NAME_WORD}){{0,2}})"
    r"(?=[\s,.;:!?)]|$)"
)
NOT_PERSON = STOP_NAMES | words(
    """Veilig Thuis Politie Jeugdzorg Jeugdbescherming GGZ School CoMensha Raad OM Gemeente
    Wijkteam Nederland Marokkaanse Turkse Surinaamse Antilliaanse Eritrese Syrische Poolse
    Roemeense Bulgaarse Nigeriaanse Afghaanse"""
)
#: quoted capitalised words that are ordinary words of the field, not nicknames
NOT_NICKNAME = words(
    """Veilig Thuis Loverboy Loverboys Mensenhandel Jeugdprostitutie Nee Ja Oké Ok Sorry Hoi
    Doei Schat Baby Lieverd"""
)


def find_nickname(text: str) -> Iterator[Found]:
    for match in NICKNAME_CONTEXT.finditer(text):
        group = "quoted" if match.group("quoted") else "word"
        if match.group(group).split()[0] not in STOP_NAMES:
            yield _group(match, group, "BIJNAAM")
    for pattern in (QUOTED_NAME, NICKNAME_VERB):
        for match in pattern.finditer(text):
            if match.group("name") not in NOT_NICKNAME:
                yield _group(match, "name", "BIJNAAM")


def find_person(text: str) -> Iterator[Found]:
    for match in PERSON_AFTER_RELATION.finditer(text):
        name = match.group("name")
        if name.split()[0] not in NOT_PERSON:
            yield _group(match, "name", "PERSOON")


#: every project annotator, in the order they are run
ANNOTATORS: tuple[Callable[[str], Iterator[Found]], ...] = (
    find_iban,
    find_bsn,
    find_phone,
    find_plate,
    find_handle,
    find_registration_number,
    find_date,
    find_age,
    find_institution,
    find_neighbourhood,
    find_nickname,
    find_person,
)


def annotate(text: str) -> list[Found]:
    """Everything the project's annotators find in ``text`` (overlaps are resolved later)."""
    return [found for annotator in ANNOTATORS for found in annotator(text)]
