"""Masked known names (issue 13, name probing): for an author who may not receive identity, a
true name and a wrong name of the same shape give previews that cannot be told apart."""

from __future__ import annotations

import pytest

from zorgtafel.pseudonymise.engine import KnownPersons, Pseudonymiser, Result
from zorgtafel.pseudonymise.names import ordinary

SANNE = KnownPersons.create(
    ["Sanne"],
    "de Wit",
    aliases=["Dizzy", "Sannie", "Kleintje"],
    relatives={"moeder": ["Petra de Wit"], "broer": ["Kevin"]},
)

#: (the case's own name, a wrong one of the same shape)
PAIRS = [
    ("Sanne de Wit", "Lotte de Vries"),
    ("Sanne", "Lotte"),
    ("S. de Wit", "L. de Vries"),
    ("de Wit", "de Vries"),
    ("Dizzy", "Fizzy"),
    ("Sannie", "Lottie"),
    ("Petra de Wit", "Ingrid van Dam"),
    ("Kevin", "Dylan"),
    ("Sanne's", "Lotte's"),
]
#: sentences a probing author might write around the name
FRAMES = [
    "Gisteren zag ik {} bij het station met twee mannen.",
    "{} belde de mentor om half tien.",
    "Volgens haar vriendin heet het meisje '{}'.",
    "- {}: niet op school",
    "Gesprek met {} (15) op 3 maart.",
]


def shown(result: Result) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What the preview shows apart from the author's own words: the text, kinds and tokens."""
    return result.text, tuple((span.kind, span.token) for span in result.spans)


def probe(engine: Pseudonymiser, frame: str, name: str) -> tuple[object, ...]:
    return shown(engine.pseudonymise(frame.format(name), SANNE, mask_known=True))


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize(("true", "wrong"), PAIRS)
def test_a_true_and_a_wrong_name_of_the_same_shape_look_alike(
    annotators_only: Pseudonymiser, frame: str, true: str, wrong: str
) -> None:
    assert probe(annotators_only, frame, true) == probe(annotators_only, frame, wrong)


#: the case's names as an author may write them, where capitals say something and where not
WRITTEN = [
    *(name for name, _ in PAIRS),
    "SANNE DE WIT",
    "sanne de wit",
    "sanne",
    "petra de wit",
    "S. DE WIT",
]


@pytest.mark.parametrize("frame", [*FRAMES, "ik sprak {} gisteren nog", "SIGNAAL: {} WEG"])
@pytest.mark.parametrize("name", WRITTEN)
def test_with_deduce_the_preview_does_not_depend_on_what_the_case_knows(
    engine: Pseudonymiser, frame: str, name: str
) -> None:
    """The strongest form: the same text, masked, with the case's knowledge and without it.
    Whatever an author types, the preview is what it would be in a case that knows nobody."""
    text = frame.format(name)
    with_case = shown(engine.pseudonymise(text, SANNE, mask_known=True))
    without = shown(engine.pseudonymise(text, KnownPersons(), mask_known=True))
    assert with_case == without


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("name", [name for name, _ in PAIRS])
def test_without_deduce_the_preview_does_not_depend_on_what_the_case_knows(
    annotators_only: Pseudonymiser, frame: str, name: str
) -> None:
    text = frame.format(name)
    with_case = shown(annotators_only.pseudonymise(text, SANNE, mask_known=True))
    without = shown(annotators_only.pseudonymise(text, KnownPersons(), mask_known=True))
    assert with_case == without


def test_masked_known_persons_get_the_detectors_numbered_tokens(
    annotators_only: Pseudonymiser,
) -> None:
    text = "Sanne de Wit en haar moeder Petra de Wit spraken met Jamal Bakkali. Sanne huilde."
    masked = annotators_only.pseudonymise(text, SANNE, mask_known=True)
    assert masked.text == (
        "[PERSOON-1] en haar moeder [PERSOON-2] spraken met [PERSOON-3]. [PERSOON-1] huilde."
    )
    assert {span.kind for span in masked.spans} == {"PERSOON"}


def test_without_masking_the_role_tags_stay(annotators_only: Pseudonymiser) -> None:
    text = "Sanne de Wit en haar moeder Petra de Wit spraken met Dizzy's broer Kevin."
    assert annotators_only.pseudonymise(text, SANNE).text == (
        "[BETROKKENE] en haar moeder [MOEDER] spraken met [BETROKKENE] broer [BROER]."
    )


def test_masking_leaves_ordinary_words_readable(annotators_only: Pseudonymiser) -> None:
    text = (
        "Gisteren heeft de mentor met Veilig Thuis gebeld. Aan de zorgtafel: een plan voor de "
        "komende weken, schoolverzuim en jeugdbescherming. Ze kreeg nieuwe AirPods van de Lidl."
    )
    assert annotators_only.pseudonymise(text, SANNE, mask_known=True).text == text


@pytest.mark.parametrize(
    "word", ["gisteren", "jeugdbeschermingsmaatregel", "schoolplein", "e-mail"]
)
def test_ordinary_words_and_their_compounds(word: str) -> None:
    assert ordinary(word)


@pytest.mark.parametrize("word", ["dizzy", "verhoeckx", "kaylon"])
def test_names_are_no_ordinary_words(word: str) -> None:
    assert not ordinary(word)


def test_the_gap_left_a_known_name_that_is_a_word_where_capitals_say_nothing(
    engine: Pseudonymiser,
) -> None:
    """On purpose (see names.py): at a sentence's start "Kleintje" may be a word, and in lower
    case "dizzy" may be one; a wrong alias there stays while the case's own is replaced, since
    a known name is never stored. Inside a sentence, capitalised, both are replaced alike."""
    masked = [
        engine.pseudonymise(text, SANNE, mask_known=True).text
        for text in ("Kleintje belde.", "Grootje belde.", "ik zag dizzy", "ik zag fizzy")
    ]
    assert masked == ["[PERSOON-1] belde.", "Grootje belde.", "ik zag [PERSOON-1]", "ik zag fizzy"]
    inside = [
        engine.pseudonymise(f"Ze belde met {name}.", SANNE, mask_known=True).text
        for name in ("Kleintje", "Grootje", "Dizzy", "Fizzy")
    ]
    assert inside == ["Ze belde met [PERSOON-1]."] * 4
