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

from zorgtafel.pseudonymise.lexicon import ARTICLES, DESCRIPTION_START, ENDEARMENTS, ROLE_NOUN


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


IBAN_NL = re.compile(r"(?<![A-Za-z0-9])NL ?\d\d ?[A-Z]{4} ?(?:\d{4} ?){2}\d\d(?![A-Za-z0-9])")


def find_iban(text: str) -> Iterator[Found]:
    """Any IBAN that passes the mod-97 check; a Dutch one by its exact shape alone."""
    for match in IBAN.finditer(text):
        if iban_valid(match.group()):
            yield Found(match.start(), match.end(), "IBAN")
    for match in IBAN_NL.finditer(text):
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
    # every side code has a hyphen; the context needs its word: skip the patterns without them
    for match in PLATE.finditer(text) if "-" in text else ():
        yield Found(match.start(), match.end(), "KENTEKEN")
    for match in PLATE_CONTEXT.finditer(text) if "kenteken" in text.lower() else ():
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
    rf"\b(?:{PLATFORMS})\b[\- ]?\(?(?:account|naam|gebruikersnaam|profiel|id)?\s*"
    r"(?:[:=]|\bals\b|\bonder de naam\b|\bmet de naam\b)\s*['\"‘“]?"
    r"(?P<handle>@?[A-Za-z0-9_][A-Za-z0-9_.\-]{1,29}[A-Za-z0-9_])",
    re.IGNORECASE,
)


#: a user name with an underscore ("sosa_rdam010"): no Dutch word has one
HANDLE_UNDERSCORE = re.compile(r"(?<![\w@.\-/])(?=[\w.]*_)[A-Za-z0-9][\w.]{1,29}(?![\w@]|\.\w)")
#: after a platform or "account", a user name with a dot or digits ("kaylon.b22", "jr.dollarz")
HANDLE_NEAR = re.compile(
    rf"\b(?:{PLATFORMS}|account|handle|gebruiker|gebruikersnaam|accountnaam|profielnaam|profiel|"
    r"nickname|schermnaam)\b",
    re.IGNORECASE,
)
HANDLE_SHAPE = re.compile(r"(?<![\w@.\-/])@?[a-z0-9][a-z0-9._]*[a-z0-9_](?![\w@\-/]|\.\w)")
#: "xXsniperXx", "kingOfTheBlock": case switched twice inside one word is no Dutch word (and no
#: brand either: "WhatsApp", "TikTok", "iPhone" switch once)
HANDLE_MIXED = re.compile(r"(?<![\w@.\-/])@?[A-Za-z0-9_.]*[a-z][A-Z][A-Za-z0-9_.]*(?![\w@\-/])")
LOWER_UPPER = re.compile(r"[a-z][A-Z]")
SENTENCE_STOP = re.compile(r"[.!?]\s|\n\s*\n")


#: a crew's tag ("#teamlex"): a hashtag of a name, as these texts use them
HASHTAG = re.compile(r"(?<![\w#&])#[A-Za-z][\w]{2,29}\b")


def find_handle(text: str) -> Iterator[Found]:
    for pattern in (HANDLE_AT, HASHTAG) if "@" in text or "#" in text else ():
        for match in pattern.finditer(text):
            yield Found(match.start(), match.end(), "HANDLE")
    for match in HANDLE_CONTEXT.finditer(text):
        yield _group(match, "handle", "HANDLE")
    if "_" in text:
        for match in HANDLE_UNDERSCORE.finditer(text):
            yield Found(match.start(), match.end(), "HANDLE")
    yield from _handles_near_platforms(text)


def _handles_near_platforms(text: str) -> Iterator[Found]:
    """User names in the rest of the sentence after a platform's name."""
    for platform in HANDLE_NEAR.finditer(text):
        stop = SENTENCE_STOP.search(text, platform.end())
        end = min(stop.start() if stop else len(text), platform.end() + 80)
        for match in HANDLE_SHAPE.finditer(text, platform.end(), end):
            handle = match.group().lstrip("@")
            letters, digits = any(c.isalpha() for c in handle), any(c.isdigit() for c in handle)
            if letters and ("." in handle.strip(".") or "_" in handle or digits):
                yield Found(match.start(), match.end(), "HANDLE")
        for match in HANDLE_MIXED.finditer(text, platform.end(), end):
            if len(LOWER_UPPER.findall(match.group())) >= 2:
                yield Found(match.start(), match.end(), "HANDLE")


# --- police, justice and registration numbers ----------------------------------------------------

NUMBER_KEYWORDS = (
    r"(?:registratie|zaak|dossier|parket|mutatie|meldings?|pv|proces-verbaal|bvh|cli[eë]nt|"
    r"leerling|student|referentie|vreemdelingen|v|document|paspoort|id|verbaal|aangifte|"
    r"rechtbank|rol|klant|polis|burgerzaken|sis|ind|relatie|bsn|casus|cli[eë]nten|"
    r"pati[eë]nt|pati[eë]nten|leerlingen|studenten|m)[\- ]?(?:nummer|nr\.?)"
    r"|kenmerk|ref\.|bvh(?:-registratie)?|pv|proces-verbaal|aangifte|parket|mutatie|dossier|"
    r"incidentmelding|incident|zaak|rit|ritnummer|inzetnummer"
)
#: the number right after the keyword, or after a colon a few words on ("nummer bij de GI: 77")
NUMBER_CONTEXT = re.compile(
    rf"\b(?:{NUMBER_KEYWORDS})(?![\w])(?:\s*[:#]?|(?:\s+[\w.'’]+){{1,4}}?\s*:)\s*"
    r"(?P<number>[A-Za-z]{0,4}[\-/.]?\d[A-Za-z0-9]*(?:[\-/.][A-Za-z0-9]+)*)",
    re.IGNORECASE,
)
POLICE_NUMBER = re.compile(r"\bPL\d{2,4}[\- ]?\d{4,12}(?:[\-/]\d+)?\b")
PARKET_NUMBER = re.compile(r"(?<![\w/])\d{2}[/\-]\d{6}[\-/]\d{2}(?![\w/])")
DIGIT_RUN = re.compile(r"\d[\-/ ]?\d")
#: a code of letters and numbers as organisations number their files: "KM-25-00871"
FILE_CODE = re.compile(r"(?<![\w\-/])[A-Z]{2,4}-\d{2,4}-\d{3,7}(?![\w\-/])")
#: a court's case number: "C/18/224190 / JE RK 25-311" (court, number, then the kind's part)
COURT_NUMBER = re.compile(
    r"(?<![\w/])[A-Z]/\d{2}/\d{4,7}(?:\s*/\s*|\s+)(?:[A-Z]{2}\s+){1,3}\d{2}[\-/]\d{2,6}(?![\w/])"
)
#: our own case codes (ZT-2026-0042) are meaningless pseudonyms and stay
CASE_CODE = re.compile(r"\bZT-\d{4}-\d{3,6}\b")


#: cheap test before the keyword pattern, which is slow to try at every position
NUMBER_HINTS = (
    "nummer",
    "dossier",
    "incident",
    "zaak",
    "nr",
    "kenmerk",
    "ref.",
    "bvh",
    "pv",
    "verbaal",
    "aangifte",
    "parket",
    "mutatie",
    "rit ",
    "ritnummer",
    "inzet",
)


#: where a keyword may begin: the keyword pattern is tried only there, anchored (trying its
#: alternatives at every position of the text cost more than all other number patterns)
WORD_START = re.compile(r"(?<!\w)[^\W\d_]")
#: the first letters of NUMBER_KEYWORDS (a keyword added with another first letter goes here)
KEYWORD_INITIALS = frozenset("abcdiklmprsvz")


def _number_contexts(text: str) -> Iterator[re.Match[str]]:
    """``NUMBER_CONTEXT.finditer(text)``, tried at word starts only."""
    end = 0
    for word in WORD_START.finditer(text):
        start = word.start()
        if start < end or text[start].lower() not in KEYWORD_INITIALS:
            continue
        if match := NUMBER_CONTEXT.match(text, start):
            end = match.end()
            yield match


def find_registration_number(text: str) -> Iterator[Found]:
    lower = text.lower()
    matches = _number_contexts(text) if any(h in lower for h in NUMBER_HINTS) else ()
    for match in matches:
        if not CASE_CODE.fullmatch(match.group("number")):
            yield _group(match, "number", "REGISTRATIENUMMER")
    patterns = (POLICE_NUMBER, PARKET_NUMBER, FILE_CODE, COURT_NUMBER)
    for pattern in patterns if DIGIT_RUN.search(text) else ():
        for match in pattern.finditer(text):
            if not CASE_CODE.fullmatch(match.group()):
                yield Found(match.start(), match.end(), "REGISTRATIENUMMER")


# --- dates without a year, ages -------------------------------------------------------------------

DATE_WORDS = re.compile(
    r"(?<![\w\-/])(?:(?:[1-9]|[12]\d|3[01])\s*(?:en|t/m|tot|-)\s*)?"
    rf"(?:[1-9]|[12]\d|3[01])(?:e|ste|de)?\s+(?:{MONTHS})\b\.?"
    r"(?:\s+(?:19|20)\d\d\b)?",
    re.IGNORECASE,
)
WEEKDAYS = r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo"
#: a day and a month ("14-3", "2/10", "28-03"), a date only where something says so (below);
#: found first, its context checked after: trying the context words everywhere cost more
DAY_MONTH = re.compile(
    r"(?<![\w\-/.:])(?P<date>(?P<day>3[01]|[12]\d|0?[1-9])(?P<sep>[\-/.])(?P<month>1[0-2]|0?[1-9])"
    r"(?P<year>[\-/.](?:19|20)?\d\d)?)(?![\d\-/.]*\d)"
)
#: a word before it that makes it a date ("op 14-3", "sinds 2/10", "bel 12-1")
DATE_CONTEXT = re.compile(
    r"\b(?:op|sinds|vanaf|tot|t/m|per|d\.d\.|dd|rond|omstreeks|datum|gedateerd|van|en|"
    r"bel|belt|belde|gebeld|bellen|huisbezoek|gesprek|consult|sessie|triage|aanhouding|"
    r"melding|afspraak|contact|bezoek|overleg|zitting|controle|incident|verhoor|intake|"
    r"zorgtafel|vergadering|bespreking|voorbereiding|notitie|verslag|"
    rf"{WEEKDAYS})\.?\s*:?\s+$",
    re.IGNORECASE,
)
#: what makes it a count instead ("3-4 keer", "2/3 jaar")
COUNT_AFTER = re.compile(
    r"\s*(?:keer|x|maal|uur|u\b|jaar|dagen|weken|maanden|kinderen|personen|%|euro)", re.IGNORECASE
)
LIST_ITEM = re.compile(r"[ \t]*(?:[-*•>]|\d+[.)])?[ \t]*")
AFTER_LIST_DATE = re.compile(r"[ \t]*[:)\-–]|[ \t]+\D")
#: ages, found number first and then judged by the words around it (trying each context
#: pattern at every position of the text cost more than all the rest)
SMALL_NUMBER = re.compile(r"(?<![\w\-])\d{1,2}(?!\d)")
#: "15-jarige", "15 jaar oud", "(15 jr)"
AGE_UNIT_AFTER = re.compile(r"-jarige?\b|\s+jaar\s+oud\b|\s*(?:jr|jaar)\.?\s*\)")
#: "15 jaar" is an age unless a word before it makes it a duration ("al 2 jaar", "sinds 15 jaar")
AGE_YEARS_AFTER = re.compile(r" jaar\b(?! geleden| lang| cel| gevangenis| onvoorwaardelijk)")
DURATION_BEFORE = re.compile(
    r"\b(?:al|sinds|na|voor|ruim|binnen|over|de|die|deze|per|tot|van|bijna)\s+$", re.IGNORECASE
)
#: "is 15.", "werd pas 14 en", "een vriendje van 20 dat", "leeftijd: 16"
AGE_CONTEXT_BEFORE = re.compile(
    r"\b(?:leeftijd\s*[:=]?|(?:is|was|wordt|werd|lijkt|leek|oogt)"
    r"(?:\s+(?:pas|net|nog\s+maar|bijna|ongeveer))?|"
    r"(?:meisje|jongen|man|vrouw|vriend|vriendin|vriendje|loverboy|dader)['’\"]?\s+van)\s+$",
    re.IGNORECASE,
)
AGE_CONTEXT_AFTER = re.compile(
    r"\s*[.,;)!?]|\s+(?:jaar|jr|en|maar|man|dat|die|uit)\b|\s*$", re.IGNORECASE
)
#: "die 14 is", "dat ze 15 was"
AGE_VERB_BEFORE = re.compile(
    r"\b(?:die|dat|ze|zij|hij|ik|nu|toen)\s+(?:ze\s+|zij\s+|hij\s+)?$", re.IGNORECASE
)
AGE_VERB_AFTER = re.compile(r"\s+(?:is|was|wordt|werd)\b", re.IGNORECASE)
#: "(toen 15)", "(ca. 16)"
AGE_BRACKET_BEFORE = re.compile(r"\((?:toen|nu|pas|bijna|ca\.|circa|ongeveer)\s$")
#: after a name in a profile or list: "(Ivy Mulder, 15)", "'Jasmine, 19, Haarlem'"
AGE_AFTER_NAME = re.compile(r"\)|,\s+[A-ZÀ-Ý]")


#: a full date needs no context: "11-03-2009", "2009-03-11", "11.3.09"
DATE_FULL = re.compile(
    r"(?<![\w\-/.])(?:(?:3[01]|[12]\d|0?[1-9])([\-/.])(?:1[0-2]|0?[1-9])\1(?:19|20)?\d\d|"
    r"(?:19|20)\d\d-(?:1[0-2]|0[1-9])-(?:3[01]|[12]\d|0[1-9]))(?![\w\-/]|\.\d)"
)


def find_date(text: str) -> Iterator[Found]:
    for pattern in (DATE_WORDS, DATE_FULL):
        for match in pattern.finditer(text):
            yield Found(match.start(), match.end(), "DATUM")
    for match in DAY_MONTH.finditer(text):
        if _day_and_month(text, match):
            yield _group(match, "date", "DATUM")


def _day_and_month(text: str, match: re.Match[str]) -> bool:
    """A date: after a word that says so; at the start of a line or list item ("- 10/9: ..."),
    or with two digits each and a hyphen ("14-03"); never a count or a score."""
    start, end = match.start(), match.end()
    if COUNT_AFTER.match(text, end):
        return False
    if DATE_CONTEXT.search(text, max(0, start - 30), start):
        return True
    if match.group("year"):
        return False
    line = text[text.rfind("\n", 0, start) + 1 : start]
    if LIST_ITEM.fullmatch(line) and AFTER_LIST_DATE.match(text, end):
        return True
    return (
        len(match.group("day")) == len(match.group("month")) == 2
        and match.group("sep") == "-"
        and re.match(r"[\w\-/]|[.:]\d", text[end : end + 2]) is None
        and not SCORE_BEFORE.search(text, max(0, start - 20), start)
    )


#: "score 12-04", "won met 10-02": a result, not a date
SCORE_BEFORE = re.compile(
    r"\b(?:score|stand|uitslag|won|verloor|gelijk|eindstand|ruststand|met)\s+$", re.IGNORECASE
)


def find_age(text: str) -> Iterator[Found]:
    for number in SMALL_NUMBER.finditer(text):
        start, end = number.span()
        if unit := AGE_UNIT_AFTER.match(text, end):
            yield Found(start, unit.end(), "LEEFTIJD")
        elif _age_here(text, start, end, int(number.group())):
            yield Found(start, end, "LEEFTIJD")
        elif (
            10 <= int(number.group()) <= 29
            and (years := AGE_YEARS_AFTER.match(text, end))
            and not DURATION_BEFORE.search(text, max(0, start - 8), start)
        ):
            yield Found(start, years.end(), "LEEFTIJD")


def _age_here(text: str, start: int, end: int, value: int) -> bool:
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    if before.endswith("(") and (after[:1] == ")" or after == ", "):
        return True  # "(15)", "(16, Nigeriaanse nationaliteit)"
    if before == ", " and start > 2 and text[start - 3].isalpha():
        return AGE_AFTER_NAME.match(text, end) is not None
    if before[:1] == "|" and before[1:].isspace() and re.match(r"\s+\|", text[end : end + 3]):
        return True  # a profile's bio: "Breda | 16 | dm"
    if value < 40 and AGE_CONTEXT_BEFORE.search(text, max(0, start - 40), start):
        return AGE_CONTEXT_AFTER.match(text, end) is not None
    if 10 <= value <= 29 and AGE_VERB_AFTER.match(text, end):
        return AGE_VERB_BEFORE.search(text, max(0, start - 20), start) is not None
    return (
        after[:1] == ")" and AGE_BRACKET_BEFORE.search(text, max(0, start - 12), start) is not None
    )


# --- schools, care institutions, venues, neighbourhoods, streets ---------------------------------


def _either_case(words: str) -> str:
    """``basisschool|Hotel`` -> ``[Bb]asisschool|[Hh]otel``: lists are written in lower case."""
    return "|".join(
        f"[{word[0].upper()}{word[0].lower()}]{re.escape(word[1:])}" if word[0].isalpha() else word
        for word in words.split()
    )


#: a capitalised proper name of at most three words, an article allowed in front
NAME_AFTER = (
    rf"(?:(?:De|Het|'t|’t|de|het)\s+)?{NAME_WORD}(?:[ \-](?:{NAME_GLUE}[ \-])?{NAME_WORD}){{0,2}}"
)
NAME_BEFORE = (
    r"(?:(?:[A-Z][a-z]{0,3}\.\s?){1,3}\s?)?"  # "Jac. P. Heemskerk College", "St. Jan"
    rf"(?:{NAME_WORD}|\d+)(?:[ \-](?:{NAME_GLUE}[ \-])*(?:{NAME_WORD}|\d+)){{0,3}}"
)
#: keyword, then a name: the kind; the keyword joins the span only when it is capitalised
KEYWORD_FIRST = (
    (
        """basisschool school scholengemeenschap scholengroep college lyceum gymnasium atheneum
        praktijkschool vakcollege vakschool kindcentrum montessorischool daltonschool
        jenaplanschool onderwijsgroep schoolvereniging hogeschool universiteit mavo""",
        "ROC MBO SBO SO VSO CBS OBS PCBS RKBS IKC OSG CSG RSG PSG SG ISK",
        "SCHOOL",
    ),
    (
        """ggz ggz-instelling jeugdzorg jeugdzorginstelling zorgaanbieder jeugdhulpaanbieder
        kliniek opvang crisisopvang noodopvang meidenopvang woongroep leefgroep behandelgroep
        gezinshuis zorgboerderij instelling jeugdinrichting behandelcentrum stichting
        zorginstelling woonvoorziening logeerhuis jeugdhulp jeugd-ggz psychiatrie
        jeugdpsychiatrie kinderpsychiatrie huisartsenpraktijk praktijk ziekenhuis centrum
        voetbalvereniging sportvereniging vereniging zorggroep gezondheidscentrum taxi vv sv
        rkvv svv groep
        taxibedrijf taxicentrale salon kapsalon nagelstudio massagesalon jongerenpoli poli
        spoedeisende-hulp huisartsenpost festival evenement dancefestival""",
        "GGZ GGz JJI VV SV SEH HAP",
        "INSTELLING",
    ),
    (
        """hotel hostel motel pension vakantiepark camping bungalowpark chalet buurthuis locatie
        jongerencentrum snackbar shisha-lounge shishalounge lounge coffeeshop café bar club
        discotheek sportschool skatepark moskee kerk winkelcentrum station""",
        "",
        "LOCATIE",
    ),
    (
        """wijk woonwijk buurt stadsdeel stadswijk dorp kern flat flatgebouw woontoren pleintje
        veldje speeltuin parkje
        woonblok appartementencomplex complex park plein""",
        "",
        "WIJK",
    ),
)
SCHOOL_AFTER = (
    r"College|Lyceum|Gymnasium|Atheneum|Scholengemeenschap|Scholengroep|Academie|School|"
    r"Vakcollege|Campus|Onderwijsgroep|Mavo|Havo|Vmbo|Praktijkschool|Kindcentrum|Hogeschool"
)
#: "Indische Buurt", "Vogelwijk": a name and then what kind of place it is
WIJK_AFTER = r"Buurt|Wijk|Kwartier|Polder|Park|Plein|Markt|Haven|Poort"
CARE_AFTER = (
    r"Jeugdzorg|Jeugdhulp|GGZ|GGz|Kliniek|Zorg|Opvang|Jeugd|Zorggroep|Groep|Behandelcentrum|MC|"
    r"UMC|Ziekenhuis|Gasthuis"
)
#: one word: "Vondelhoutcollege", "Sint-Gerlachziekenhuis", "Rivierenbuurt", "Populierstraat 4"
COMPOUNDS = (
    (
        "college lyceum school gymnasium atheneum academie",
        "SCHOOL",
    ),
    ("kliniek instituut ziekenhuis", "INSTELLING"),
    ("wijk buurt kwartier polder", "WIJK"),
    (
        """straat laan weg gracht kade singel dijk steeg dreef plantsoen markt wal hof pad plein
        erf park veld haven""",
        "LOCATIE",
    ),
)
HOUSE_NUMBER = r"(?:\s+\d{1,4}(?:\s?[a-zA-Z](?![\w]))?(?:[\-/]\d{1,4}(?:[a-zA-Z](?![\w]))?)?)?"
#: compounds of the field that name no particular school, clinic, street or neighbourhood
GENERIC_COMPOUNDS = words(
    """basisschool hogeschool praktijkschool dagschool zomerschool kostschool rijschool
    middelbareschool vakschool bovenschool onderschool dansschool muziekschool taalschool
    voetbalschool zwemschool bijlesschool huiswerkschool speciaalschool internaatschool
    nieuwkomersschool avondschool buitenschool weekendschool scholengemeenschap
    privékliniek dagkliniek jeugdkliniek vakcollege beroepscollege kinderziekenhuis
    streekziekenhuis woonwijk achterbuurt nieuwbouwwijk vinexwijk probleemwijk volkswijk
    achterstandswijk buitenwijk bloemkwartier stadspark speelplein schoolplein marktplein
    dorpsplein stadsplein kerkplein stationsplein binnenhof speeltuin voetbalveld sportpark
    speelveld sportveld grasveld schoolveld trapveld vakantiepark bedrijfspark industriepark
    snelweg zijweg omweg fietspad voetpad zijstraat winkelstraat hoofdweg uitweg terugweg
    heenweg onderweg snelweg rijksweg dijk tussenweg""",
)
STOP_NAMES = words(
    """De Het Een Op In Bij Van Naar Met Voor Na Om Uit Tot Dit Dat Deze Die Zij Ze Hij Haar
    Zijn Hun Wij We Ook Toen Daar Hier Als Of En Maar Dan Nu Wel Niet Geen Alle Elke Iedere
    Volgens Sinds Vanaf Namens Over Onder Tijdens Via Inbreng Melding Signaal Update Verslag
    Gesprek Betreft Besluit Actie Actiepunt Afspraak Advies Zorgaanbieder Zorgadviesteam
    Wijkteam Leerplicht Reclassering Jeugdreclassering Politie Afdeling Gemeente Ouders
    Moeder Vader School Casus Aanwezig Vervolg Nazorg Contactpersoon Melder Slachtoffer
    Nederland"""
)
ARTICLE = re.compile(r"^(?:De|Het|'t|’t|de|het)\s+")


def _keywords(lower: str, upper: str, kind: str) -> dict[str, str]:
    found = {word: kind for word in lower.split()}
    found.update({word: kind for word in upper.split()})
    return found


#: keyword (lower case, or as written for abbreviations) -> kind, for "keyword Name"
KEYWORDS_BEFORE_NAME = {
    word: kind
    for lower, upper, kind in KEYWORD_FIRST
    for word, kind in _keywords(lower, upper, kind).items()
}
#: keyword as written -> kind, for "Name Keyword"
KEYWORDS_AFTER_NAME = {
    **dict.fromkeys(SCHOOL_AFTER.split("|"), "SCHOOL"),
    **dict.fromkeys(CARE_AFTER.split("|"), "INSTELLING"),
    **dict.fromkeys(WIJK_AFTER.split("|"), "WIJK"),
}
COMPOUND_SUFFIXES = {suffix: kind for suffixes, kind in COMPOUNDS for suffix in suffixes.split()}
ALL_SUFFIXES = tuple(COMPOUND_SUFFIXES)
TOKEN = re.compile(r"\w+(?:[\-'’]\w+)*")
NAME_AFTER_KEYWORD = re.compile(rf"(?::\s*|\s+)(?P<name>{NAME_AFTER})")
NAME_BEFORE_KEYWORD = re.compile(rf"(?<![\w\-])(?P<name>{NAME_BEFORE})\s+$")
COMPOUND = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)*-?[a-zà-ÿ]+\b")
COMPOUND_TAIL = {
    "LOCATIE": re.compile(HOUSE_NUMBER),
    "default": re.compile(r"(?:-(?:wijk|buurt))?"),
}


def _is_name(name: str) -> bool:
    bare = ARTICLE.sub("", name)
    return bool(bare) and bare.split()[0] not in STOP_NAMES


def _sentence_start(text: str, position: int) -> bool:
    """Whether ``position`` begins a sentence (a line break inside a sentence does not)."""
    index = position - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return index < 0 or text[index] in ".!?:(•-"


def _after_full_stop(text: str, position: int) -> bool:
    """Whether ``position`` begins a sentence proper: after . ! ? or a list bullet, not a colon."""
    index = position - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return index < 0 or text[index] in ".!?•"


def find_institution(text: str) -> Iterator[Found]:
    """Schools, care institutions, venues, neighbourhoods and streets: a name next to a keyword,
    or one word ending in one ("Vondelhoutcollege", "Rivierenbuurt", "Populierstraat 4").

    The text is walked word by word and the name patterns run only where a keyword stands:
    running them over the whole text cost more than deduce itself.
    """
    for token in TOKEN.finditer(text):
        word = token.group()
        kind = KEYWORDS_BEFORE_NAME.get(word) or KEYWORDS_BEFORE_NAME.get(word.lower())
        if kind and (match := NAME_AFTER_KEYWORD.match(text, token.end())):
            yield from _keyword_then_name(text, token, match, kind)
        if kind := KEYWORDS_AFTER_NAME.get(word):
            yield from _name_then_keyword(text, token, kind)
        if word[0].isupper() and len(word) > 5:
            yield from _compound(text, token)


def _keyword_then_name(
    text: str, keyword: re.Match[str], match: re.Match[str], kind: str
) -> Iterator[Found]:
    if not _is_name(match.group("name")):
        return
    # "Hotel De Blauwe Reiger", "GGZ Lindeveld": a capitalised keyword is part of the name
    key_in_name = keyword.group()[0].isupper() and not _after_full_stop(text, keyword.start())
    end = match.end("name")
    if year := CLUB_YEAR.match(text, end):  # "vv Zwaluwen '30"
        end = year.end()
    yield Found(keyword.start() if key_in_name else match.start("name"), end, kind)


CLUB_YEAR = re.compile(r"\s+['’]\d\d\b")


def _name_then_keyword(text: str, keyword: re.Match[str], kind: str) -> Iterator[Found]:
    match = NAME_BEFORE_KEYWORD.search(text, max(0, keyword.start() - 80), keyword.start())
    if match is None:
        return
    words_, start = match.group("name").split(), match.start("name")
    # "Zorgaanbieder Stichting Groenhof Jeugdhulp": a common word or a role is no name; an
    # article inside a sentence is ("op Het Nieuwe Vakcollege")
    while len(words_) > 1 and _not_in_name(text, start, words_[0]):
        start = text.index(words_[1], start + len(words_[0]))
        words_.pop(0)
    first = words_[1] if len(words_) > 1 and words_[0] in ("De", "Het") else words_[0]
    if first not in STOP_NAMES and not ROLE_NOUN.fullmatch(first):
        yield Found(start, keyword.end(), kind)


def _not_in_name(text: str, start: int, word: str) -> bool:
    """A leading word that is no part of the name: a common word, a role, or a capitalised word
    at a sentence's start ("Gezien in de Indische Buurt"; but "(Goudse Waarden College)")."""
    if word in ("De", "Het"):
        return _after_full_stop(text, start) or _sentence_start(text, start)
    if word[0].islower() or _after_full_stop(text, start):
        return True
    return word in STOP_NAMES or ROLE_NOUN.fullmatch(word) is not None


def _compound(text: str, token: re.Match[str]) -> Iterator[Found]:
    word = token.group()
    lower = word.lower()
    if lower.endswith(("-wijk", "-buurt")):  # "de Kanaleneiland-wijk"
        yield Found(token.start(), token.end(), "WIJK")
        return
    if not lower.endswith(ALL_SUFFIXES):
        return
    for suffix, kind in COMPOUND_SUFFIXES.items():
        if not lower.endswith(suffix) or len(lower) - len(suffix) < 3:
            continue
        if lower.split()[0] in GENERIC_COMPOUNDS or word in STOP_NAMES:
            return
        if COMPOUND.match(text, token.start()) is None:
            return
        tail = COMPOUND_TAIL.get(kind, COMPOUND_TAIL["default"]).match(text, token.end())
        yield Found(token.start(), tail.end() if tail else token.end(), kind)
        return


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
    rf"(?<!\w)[{QUOTE_OPEN}](?P<name>(?:[A-Z]\.\s?){{0,3}}(?:(?:de|het|De|Het)\s+)?"
    rf"[A-ZÀ-Ý][\w\-]*(?:\s+[A-ZÀ-Ý\d][\w\-]*){{0,2}})(?:\s*[^\w\s{QUOTE_CLOSE}]{{1,3}})?"
    rf"[{QUOTE_CLOSE}](?!\w)"
)
NICKNAME_VERB = re.compile(
    rf"[{QUOTE_OPEN}](?P<name>[^{QUOTE_CLOSE}\n]{{1,30}})[{QUOTE_CLOSE}]\s+(?:noemt|noemde|heet|heette|wordt\s+genoemd)"
)
RELATION_WORDS = (
    r"vriend|vriendje|vriendin|vriendinnetje|ex-vriend|ex|loverboy|pooier|dader|verdachte|"
    r"neef|nicht|oom|tante|broer|broertje|zus|zusje|opa|oma|stiefvader|stiefmoeder|"
    r"mentor|docent|docente|juf|meester|jongen|meisje|man|vrouw|klant|kennis|buurman|"
    r"buurvrouw|collega|baas|zoon|dochter|vader|moeder|partner|chauffeur|taxichauffeur|"
    r"brother|sister|uncle|auntie|aunty|mama|papa|madam|boss"
)
#: what may stand inside a person's name: tussenvoegsels ("Kees van der Berg"), not "in" or "op"
PERSON_GLUE = r"(?:van|de|der|den|ter|ten|te|'t|’t|d'|la|le|el|al|da|di|du|dos|von|bin|ben)"
#: what someone is to a car, a house or a report: "eigenaar: Bayu Hardjo", "huurder Sem Bakker"
OWNER_WORDS = (
    r"eigenaar|eigenaresse|bestuurder|bestuurster|kentekenhouder|houder|huurder|huurster|"
    r"bewoner|bewoonster|aangever|aangeefster|melder|contactpersoon|bijrijder|passagier"
)
PERSON_AFTER_RELATION = re.compile(
    rf"\b(?:(?:{RELATION_WORDS})\s+|(?:{OWNER_WORDS})(?:\s*:\s*|\s+))(?P<name>{NAME_WORD}(?:\s+(?:{PERSON_GLUE}\s+)*{NAME_WORD}){{0,2}})"
    r"(?=[\s,.;:!?)'’\"”]|$)"
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
        name = match.group(group)
        if name.split()[0] not in STOP_NAMES and not endearment(name):
            yield _group(match, group, "BIJNAAM")
    for pattern in (QUOTED_NAME, NICKNAME_VERB):
        for match in pattern.finditer(text):
            name = match.group("name")
            if name not in NOT_NICKNAME and not endearment(name):
                yield _group(match, "name", "BIJNAAM")


def endearment(phrase: str) -> bool:
    """What someone is called that names nobody: "mijn koningin", "schatje", "een vriend"."""
    words_ = [word.strip(".,!?;:") for word in phrase.split()]
    if not words_ or not words_[0]:
        return False
    first = words_[0].casefold()
    if first in DESCRIPTION_START:
        return True
    if first in ARTICLES:
        return not any(word[:1].isupper() for word in words_[1:])
    return all(word.casefold() in ENDEARMENTS for word in words_)


def find_person(text: str) -> Iterator[Found]:
    for match in PERSON_AFTER_RELATION.finditer(text):
        name = match.group("name")
        if name.split()[0] not in NOT_PERSON:
            yield _group(match, "name", "PERSOON")


# --- e-mail, URLs, long numbers (deduce has these too; ours let the engine skip deduce's) ---

EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}\b")
URL = re.compile(
    r"(?<![\w@.\-])(?:(?:https?://|www\.)[^\s<>\"']+|"
    r"[\w\-]+(?:\.[\w\-]+)*\.(?:nl|com|be|org|net|eu|info|de|io|tv|me|app|co\.uk)\b(?:/[^\s<>\"']*)?)"
)
#: cheap test before URL, which is slow to try at every word: a scheme, "www." or a domain
URL_HINT = re.compile(r"\.(?:nl|com|be|org|net|eu|info|de|io|tv|me|app|co\.uk)\b|://|www\.")
LONG_NUMBER = re.compile(r"(?<![\w\-/.,])\d{7,}(?![\w\-/]|[.,]\d)")


def find_contact(text: str) -> Iterator[Found]:
    for match in EMAIL.finditer(text) if "@" in text else ():
        yield Found(match.start(), match.end(), "EMAIL")
    for match in URL.finditer(text) if URL_HINT.search(text) else ():
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:!?)":  # sentence punctuation
            end -= 1
        if "@" not in text[match.start() : end]:
            yield Found(match.start(), end, "URL")
    for match in LONG_NUMBER.finditer(text):
        yield Found(match.start(), match.end(), "REGISTRATIENUMMER")


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
    find_nickname,
    find_person,
    find_contact,
)


#: these look for numbers only: a text without a digit is not given to them
NUMERIC = frozenset({find_iban, find_bsn, find_phone, find_plate, find_registration_number})


def annotate(text: str) -> list[Found]:
    """Everything the project's annotators find in ``text`` (overlaps are resolved later)."""
    digits = any(char.isdigit() for char in text)
    return [
        found
        for annotator in ANNOTATORS
        if digits or annotator not in NUMERIC
        for found in annotator(text)
    ]
