"""The engine: known names and relatives become role tokens, numbering, marked words, deduce."""

from __future__ import annotations

import pytest

from zorgtafel.pseudonymise.engine import KnownPersons, KnownPersonsError, Pseudonymiser, Span

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
