"""What the figures count: the coded fields of a case, each a code with a Dutch and English label.

Never free text: a case's profile holds members of these enums (and a municipality code from
:data:`MUNICIPALITIES`), so a table can only ever show codes and counts.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from zorgtafel.audit.vocabulary import Code, words


class AgeBand(Code):
    """Age at the first signal."""

    under_12 = "under_12"
    age_12_15 = "12_15"
    age_16_17 = "16_17"
    age_18_22 = "18_22"
    age_23_plus = "23_plus"


words(
    AgeBand,
    {
        AgeBand.under_12: _l("jonger dan 12"),
        AgeBand.age_12_15: _l("12 tot en met 15"),
        AgeBand.age_16_17: _l("16 en 17"),
        AgeBand.age_18_22: _l("18 tot en met 22"),
        AgeBand.age_23_plus: _l("23 of ouder"),
    },
)


class Gender(Code):
    female = "female"
    male = "male"
    other = "other"


words(
    Gender,
    {
        Gender.female: _l("vrouw"),
        Gender.male: _l("man"),
        Gender.other: _l("anders of onbekend"),
    },
)


class Exploitation(Code):
    """Vorm van uitbuiting."""

    sexual = "sexual"
    criminal = "criminal"
    labour = "labour"
    other = "other"


words(
    Exploitation,
    {
        Exploitation.sexual: _l("seksuele uitbuiting"),
        Exploitation.criminal: _l("criminele uitbuiting"),
        Exploitation.labour: _l("arbeidsuitbuiting"),
        Exploitation.other: _l("andere vorm van uitbuiting"),
    },
)


class SignalSource(Code):
    """Where the first signal came from."""

    police = "police"
    school = "school"
    youth_care = "youth_care"
    health_care = "health_care"
    veilig_thuis = "veilig_thuis"
    neighbourhood_team = "neighbourhood_team"
    family = "family"
    young_person = "young_person"
    other = "other"


words(
    SignalSource,
    {
        SignalSource.police: _l("politie"),
        SignalSource.school: _l("school of onderwijs"),
        SignalSource.youth_care: _l("jeugdzorg of jeugdbescherming"),
        SignalSource.health_care: _l("(geestelijke) gezondheidszorg"),
        SignalSource.veilig_thuis: _l("Veilig Thuis"),
        SignalSource.neighbourhood_team: _l("wijkteam"),
        SignalSource.family: _l("ouders, familie of omgeving"),
        SignalSource.young_person: _l("de jongere zelf"),
        SignalSource.other: _l("andere bron"),
    },
)


class ComenshaStatus(Code):
    """CoMensha registration as the figures count it (from the case's melding, or its reason)."""

    with_identity = "with_identity"
    anonymised = "anonymised"
    not_registered = "not_registered"


words(
    ComenshaStatus,
    {
        ComenshaStatus.with_identity: _l("gemeld bij CoMensha, met identiteit"),
        ComenshaStatus.anonymised: _l("gemeld bij CoMensha, zonder identiteit"),
        ComenshaStatus.not_registered: _l("niet gemeld bij CoMensha"),
    },
)


class NotRegisteredReason(Code):
    """Why a case is not registered with CoMensha (a code, never free text)."""

    no_consent = "no_consent"
    privacy_doubt = "privacy_doubt"
    not_confirmed = "not_confirmed"
    reported_elsewhere = "reported_elsewhere"
    not_yet = "not_yet"
    other = "other"


words(
    NotRegisteredReason,
    {
        NotRegisteredReason.no_consent: _l("geen toestemming van de betrokkene"),
        NotRegisteredReason.privacy_doubt: _l("twijfel of de AVG melden toestaat"),
        NotRegisteredReason.not_confirmed: _l("signalen van uitbuiting niet bevestigd"),
        NotRegisteredReason.reported_elsewhere: _l("al gemeld door een andere organisatie"),
        NotRegisteredReason.not_yet: _l("nog niet aan toe gekomen"),
        NotRegisteredReason.other: _l("andere reden"),
    },
)


#: the region's municipalities (fictitious, as the demo convenant's region): code and name.
#: Names are proper nouns, the same in Dutch and English.
MUNICIPALITIES: tuple[tuple[str, str], ...] = (
    ("GM9001", "Voorbeeldstad"),
    ("GM9002", "Dorpshoven"),
    ("GM9003", "Kleindijk"),
    ("GM9004", "Polderwijk"),
    ("GM9005", "Zandveen"),
    ("GM9999", "buiten de regio"),
)
MUNICIPALITY_NAMES: dict[str, str] = dict(MUNICIPALITIES)
#: the code that counts cases living outside the region (no municipality to report to)
OUTSIDE = "GM9999"
#: the municipalities a report can be about: the region's own
REGION_MUNICIPALITIES: tuple[str, ...] = tuple(c for c, _n in MUNICIPALITIES if c != OUTSIDE)


def municipality_label(code: str) -> str:
    """The municipality's name (a code outside the list is refused on entry)."""
    if code == OUTSIDE:
        return str(_l("buiten de regio"))
    return MUNICIPALITY_NAMES[code]
