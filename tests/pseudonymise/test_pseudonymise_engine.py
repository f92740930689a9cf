"""The engine: known names and relatives become role tokens, numbering, marked words, deduce."""

from __future__ import annotations

import json
import re

import pytest

from zorgtafel.pseudonymise.annotators import Found
from zorgtafel.pseudonymise.engine import (
    KnownPersons,
    KnownPersonsError,
    Pseudonymiser,
    Result,
    Span,
)

SANNE = KnownPersons.create(
    first_names=["Sanne"],
    surname="van der Berg",
    aliases=["Sannie"],
    relatives={"moeder": ["Petra"], "broer": ["Kevin", "Dylan"], "stiefvader": ["Ronald Smit"]},
)


@pytest.mark.parametrize(
    "form",
    [
        "Sanne",
        "SANNE",
        "sanne",
        "Sanne's",
        "Sanne’s",
        "Van der Berg",
        "van der Berg",
        "VAN DER BERG",
        "Berg",
        "S. van der Berg",
        "Sanne van der Berg",
        "Sanne\nvan der Berg",
        "Sannie",
    ],
)
def test_known_subject_in_every_form(annotators_only: Pseudonymiser, form: str) -> None:
    result = annotators_only.pseudonymise(f"Gesprek met {form} gehad.", SANNE)
    assert result.text == "Gesprek met [BETROKKENE] gehad."


def test_surname_core_only_capitalised(annotators_only: Pseudonymiser) -> None:
    text = "Ze liep de berg op met Berg."
    assert annotators_only.pseudonymise(text, SANNE).text == "Ze liep de berg op met [BETROKKENE]."


def test_relatives_become_role_tokens(annotators_only: Pseudonymiser) -> None:
    text = (
        "Petra van der Berg belde. Kevin en Dylan waren thuis, stiefvader Ronald Smit niet; "
        "meneer Smit zegt dat Sanne's broer Kevin het wist."
    )
    assert annotators_only.pseudonymise(text, SANNE).text == (
        "[MOEDER] belde. [BROER-1] en [BROER-2] waren thuis, stiefvader [STIEFVADER] niet; "
        "meneer [STIEFVADER] zegt dat [BETROKKENE] broer [BROER-1] het wist."
    )


def test_no_partial_words(annotators_only: Pseudonymiser) -> None:
    known = KnownPersons.create(first_names=["Ann"], surname="Bos")
    text = "Anne en Annabel liepen door het bos naar Bosch."
    # "naar Bosch" is a place to the place annotator (issue 13); no known name matched inside
    result = annotators_only.pseudonymise(text, known)
    assert result.text.startswith("Anne en Annabel liepen door het bos naar ")
    assert "[BETROKKENE]" not in result.text
    assert annotators_only.pseudonymise("ANN BOS, ann, Bos", known).text == (
        "[BETROKKENE], [BETROKKENE], [BETROKKENE]"
    )


def test_same_surface_same_token_and_spans_point_into_original(
    annotators_only: Pseudonymiser,
) -> None:
    text = "Bel 06-12345678, niet 06-87654321. Nogmaals: 06-12345678."
    result = annotators_only.pseudonymise(text)
    assert result.text == "Bel [TELEFOON-1], niet [TELEFOON-2]. Nogmaals: [TELEFOON-1]."
    assert result.spans[0] == Span(4, 15, "TELEFOON", "[TELEFOON-1]")
    surfaces = [text[s.start : s.end] for s in result.spans]
    assert surfaces == ["06-12345678", "06-87654321", "06-12345678"]


def test_marked_words_get_manual_tokens(annotators_only: Pseudonymiser) -> None:
    text = "Ze hangt rond bij de Blauwe Brug en bij Kwakkel, zegt Kwakkel."
    result = annotators_only.pseudonymise(text, None, ["blauwe brug", ("Kwakkel", "PERSOON")])
    assert result.text == "Ze hangt rond bij de [HANDMATIG-1] en bij [PERSOON-1], zegt [PERSOON-1]."


def test_marked_word_kind_must_be_a_token_name(annotators_only: Pseudonymiser) -> None:
    with pytest.raises(ValueError, match="hoofdletters"):
        annotators_only.pseudonymise("tekst", None, [("tekst", "x]<script>")])


def test_keep_terms_stay_and_trim_detector_spans() -> None:
    engine = Pseudonymiser(
        detector=lambda text: [], keep_terms=["Stichting Lindeveld"]
    )  # a partner of the convenant
    text = "Stichting Lindeveld en Veilig Thuis overleggen; GGZ Rivierhoeve behandelt."
    assert engine.pseudonymise(text).text == (
        "Stichting Lindeveld en Veilig Thuis overleggen; GGZ [INSTELLING-1] behandelt."
    )


def test_known_persons_from_json_is_strict() -> None:
    assert KnownPersons.from_dict(None) == KnownPersons()
    known = KnownPersons.from_dict(
        {"first_names": ["Sanne"], "surname": None, "relatives": {"moeder": ["Petra"]}}
    )
    assert known.relatives == (("moeder", ("Petra",)),)
    for bad, field in [
        ({"firstnames": ["Sanne"]}, "firstnames"),
        ({"first_names": "Sanne", "surname": 3}, "surname"),
        ({"aliases": [1]}, "aliases"),
        ({"relatives": ["Petra"]}, "relatives"),
        ("Sanne", "object"),
    ]:
        with pytest.raises(KnownPersonsError, match=field):
            KnownPersons.from_dict(bad)


def test_repr_shows_no_names(annotators_only: Pseudonymiser) -> None:
    result = annotators_only.pseudonymise("Sanne belde.", SANNE)
    assert "Sanne" not in repr(SANNE) + repr(result)


def test_empty_text(annotators_only: Pseudonymiser) -> None:
    assert annotators_only.pseudonymise("").text == ""


def test_with_deduce(engine: Pseudonymiser) -> None:
    text = (
        "Op 12 maart 2024 sprak mevrouw Jansen met Sanne over haar vriend Jamal Bakkali uit "
        "Utrecht; e-mail jamal.b@example.nl, site www.jamal-b.nl. De moeder belde de school "
        "en Veilig Thuis."
    )
    result = engine.pseudonymise(text, SANNE)
    assert result.text == (
        "Op [DATUM-1] sprak mevrouw [PERSOON-1] met [BETROKKENE] over haar vriend [PERSOON-2] uit "
        "[LOCATIE-1]; e-mail [EMAIL-1], site [URL-1]. De moeder belde de school "
        "en Veilig Thuis."
    )


def test_shorter_name_reuses_the_full_names_token(engine: Pseudonymiser) -> None:
    text = "Haar vriend Jamal Bakkali haalt haar op. Jamal rijdt."
    assert engine.pseudonymise(text).text == (
        "Haar vriend [PERSOON-1] haalt haar op. [PERSOON-1] rijdt."
    )


# --- issue 13: the crash, meaning kept, punctuation kept ------------------------------------------


@pytest.mark.parametrize("text", ["Piet bij de Kerkstraat 5.", "Lotte bij de Kalverstraat 12."])
def test_a_name_bij_de_a_street_serialises_and_keeps_its_words(
    engine: Pseudonymiser, text: str
) -> None:
    result = engine.pseudonymise(text)
    json.dumps(result.to_dict())  # deduce handed out numpy integers here
    assert all(type(value) is int for span in result.spans for value in span[:2])
    assert result.text == "[PERSOON-1] bij de [LOCATIE-1]."


def test_results_serialise_whatever_the_detector_hands_in() -> None:
    numpy = pytest.importorskip("numpy")
    result = Result("[X-1]", (Span(numpy.int64(0), numpy.int64(3), "X", "[X-1]"),))
    assert json.loads(json.dumps(result.to_dict())) == {
        "text": "[X-1]",
        "spans": [[0, 3, "X", "[X-1]"]],
    }


def _detects(*names: str):  # type: ignore[no-untyped-def]
    """A stand-in detector that finds each of ``names`` as one person."""

    def detect(text: str) -> list[Found]:
        return [Found(text.index(n), text.index(n) + len(n), "PERSOON") for n in names if n in text]

    return detect


def test_a_detected_name_next_to_a_known_name_keeps_its_own_tag() -> None:
    engine = Pseudonymiser(detector=_detects("Jansen Lotte"))  # as deduce finds it
    known = KnownPersons.create(["Lotte"], "Hoekman")
    assert engine.pseudonymise("zag agent Jansen Lotte", known).text == (
        "zag agent [PERSOON-1] [BETROKKENE]"
    )


def test_with_deduce_the_officer_and_the_subject_stay_apart(engine: Pseudonymiser) -> None:
    known = KnownPersons.create(["Lotte"], "Hoekman")
    result = engine.pseudonymise("Een buurtbewoner zag agent Jansen Lotte bij het station.", known)
    assert result.text == "Een buurtbewoner zag agent [PERSOON-1] [BETROKKENE] bij het station."


@pytest.mark.parametrize(
    ("text", "marked", "expected"),
    [
        ("Ze werkt voor 'de Kapper'.", ["de Kapper"], "Ze werkt voor '[HANDMATIG-1]'."),
        (
            "Ze werkt voor \u201cde Kapper\u201d!",
            ["de Kapper"],
            "Ze werkt voor \u201c[HANDMATIG-1]\u201d!",
        ),
        ("Ze noemt zich 'Sannie'.", [], "Ze noemt zich '[BETROKKENE]'."),
        ("Dat is Kees' fiets.", ["Kees"], "Dat is [HANDMATIG-1] fiets."),
        ("(Sannie), zei ze.", [], "([BETROKKENE]), zei ze."),
    ],
)
def test_punctuation_around_a_replacement_stays(
    annotators_only: Pseudonymiser, text: str, marked: list[str], expected: str
) -> None:
    assert annotators_only.pseudonymise(text, SANNE, marked).text == expected


def test_a_detectors_span_loses_the_quotes_and_brackets_around_it() -> None:
    engine = Pseudonymiser(detector=_detects("'Jamal Bakkali',", "(Lelystad)"))
    text = "Haar vriend 'Jamal Bakkali', uit (Lelystad) belde."
    result = engine.pseudonymise(text).text
    assert re.fullmatch(r"Haar vriend '\[[A-Z]+-1\]', uit \(\[[A-Z]+-\d\]\) belde\.", result), (
        result
    )


KUIPERS = KnownPersons.create(
    ["Bo"], "Kuipers", relatives={"moeder": ["Sandra"], "oom": ["Dennis Kuipers"]}
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gesprek met moeder Kuipers.", "Gesprek met moeder [MOEDER]."),
        (
            "Mevrouw Kuipers vertelt dat Bo weg is.",
            "Mevrouw [MOEDER] vertelt dat [BETROKKENE] weg is.",
        ),
        ("Bel mevr. S. Kuipers.", "Bel mevr. [MOEDER]."),
        ("Oom Kuipers stuurde hem weg.", "Oom [OOM] stuurde hem weg."),
        ("Meneer Kuipers belde.", "Meneer [OOM] belde."),
        ("Bo Kuipers (14) en Sandra Kuipers.", "[BETROKKENE] ([LEEFTIJD-1]) en [MOEDER]."),
        ("Het gezin Kuipers.", "Het gezin [BETROKKENE]."),
        ("Vader R. Kuipers belde.", "Vader [VADER] belde."),
        ("Een zekere R. Kuipers belde.", "Een zekere [PERSOON-1] belde."),
    ],
)
def test_a_relative_sharing_the_subjects_surname_keeps_their_own_role(
    annotators_only: Pseudonymiser, text: str, expected: str
) -> None:
    assert annotators_only.pseudonymise(text, KUIPERS).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fenna, geb. 2009, woont hier.", "Fenna, geb. [DATUM-1], woont hier."),
        ("Zij is geboren in 2010.", "Zij is geboren in [DATUM-1]."),
        (
            "Op Snapchat heet ze lotje2010 en insta lotje.xx.",
            "Op Snapchat heet ze [HANDLE-1] en insta [HANDLE-2].",
        ),
        ("Zijn account is sosa_rdam010.", "Zijn account is [HANDLE-1]."),
        ("Ze woont in Ondiep bij haar tante.", "Ze woont in [LOCATIE-1] bij haar tante."),
        ("Het wijkteam Transvaal belde.", "Het wijkteam [LOCATIE-1] belde."),
        ("Gezien in de Indische Buurt.", "Gezien in de [WIJK-1]."),
        ("Ze zit op De Klimop, groep 8.", "Ze zit op [SCHOOL-1], groep 8."),
        ("Ze zit op Het Nieuwe Vakcollege.", "Ze zit op [SCHOOL-1]."),
        (
            "Hij noemt haar 'mijn koningin' en 'habibi'.",
            "Hij noemt haar 'mijn koningin' en 'habibi'.",
        ),
        ("Ze noemt hem 'lieverd'.", "Ze noemt hem 'lieverd'."),
        (
            "Ze werkt voor een man die ze 'de Kapper' noemt.",
            "Ze werkt voor een man die ze '[BIJNAAM-1]' noemt.",
        ),
    ],
)
def test_the_kinds_a_held_out_set_found(
    annotators_only: Pseudonymiser, text: str, expected: str
) -> None:
    assert annotators_only.pseudonymise(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zedenrechercheur Lotte van Buuren meldt het.", "Zedenrechercheur [PERSOON-1] meldt het."),
        ("Klasgenoot Demi zegt dat.", "Klasgenoot [PERSOON-1] zegt dat."),
        ("Juf Ilse heeft overlegd.", "Juf [PERSOON-1] heeft overlegd."),
        ("met een grijze Seat Leon gezien", "met een grijze Seat Leon gezien"),
    ],
)
def test_a_job_title_in_front_of_a_name_stays(
    engine: Pseudonymiser, text: str, expected: str
) -> None:
    assert engine.pseudonymise(text).text == expected
