"""Policy decisions, checked cell by cell against the example file itself."""

import tomllib
from pathlib import Path
from typing import Any

import pytest

from zorgtafel.audit.vocabulary import Refusal
from zorgtafel.convenant.document import Convenant, Direction
from zorgtafel.convenant.loader import load_convenant
from zorgtafel.convenant.rights import (
    Decision,
    decide,
    may_provide,
    may_receive,
    needs_consent,
    providable_categories,
    receivable_categories,
)


def read_raw(path: Path) -> dict[str, Any]:
    """The file as plain TOML, independent of the loader under test."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def every_cell(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (p["code"], c["code"], d)
        for p in raw["partners"]
        for c in raw["categories"]
        for d in ("provide", "receive")
    ]


def test_every_cell_of_the_matrix_matches_the_file(example_path: Path) -> None:
    raw = read_raw(example_path)
    convenant = load_convenant(example_path)
    granted = {
        (r["partner"], code, r["direction"]): r["article"]
        for r in raw["rules"]
        for code in r["categories"]
    }
    consent = {
        (who, code): c["article"]
        for c in raw.get("consent", [])
        for who in c["recipients"]
        for code in c["categories"]
    }
    cells = every_cell(raw)
    assert len(cells) == 2 * len(raw["partners"]) * len(raw["categories"])
    for partner, category, direction in cells:
        with_consent = decide(convenant, direction, partner, category, consent_recorded=True)
        without = decide(convenant, direction, partner, category)
        expected = granted.get((partner, category, direction))
        cell = (partner, category, direction)
        assert with_consent.allowed is (expected is not None), cell
        assert with_consent.rule == expected, cell
        assert with_consent.convenant_version == raw["convenant"]["version"]
        needs = direction == "receive" and (partner, category) in consent
        if needs:
            assert (without.allowed, without.refusal) == (False, Refusal.consent_required), cell
            assert without.rule == consent[partner, category], cell
        else:
            assert without == with_consent, cell
        assert needs_consent(convenant, partner, category).required is (
            (partner, category) in consent
        )


def test_special_categories_always_carry_their_special_ground(example: Convenant) -> None:
    for right in example.rights:
        special = example.category(right.category).is_special
        assert (right.special_ground is not None) is special, right
        decision = decide(
            example, right.direction, right.partner, right.category, consent_recorded=True
        )
        assert decision.special_ground == right.special_ground


def test_the_police_do_not_receive_health_data(example: Convenant, example_next: Convenant) -> None:
    for convenant in (example, example_next):
        refused = may_receive(convenant, "politie", "gezondheid", consent_recorded=True)
        assert not refused
        assert refused.refusal is Refusal.no_rule
        assert refused.rule is None
        assert not may_provide(convenant, "politie", "gezondheid")
        assert (
            may_receive(convenant, "om", "gezondheid", consent_recorded=True).refusal
            is Refusal.no_rule
        )
        assert may_receive(convenant, "politie", "dader")
        assert may_receive(convenant, "politie", "seksuele-uitbuiting")


def test_comensha_receives_what_a_melding_needs_and_nothing_more(example: Convenant) -> None:
    assert receivable_categories(example, "comensha") == (
        "identiteit",
        "signalen",
        "seksuele-uitbuiting",
    )
    assert providable_categories(example, "comensha") == ()
    # The model consent form: identity and the exploitation only with recorded consent.
    for category in ("identiteit", "seksuele-uitbuiting"):
        assert needs_consent(example, "comensha", category).rule == "art. 8.2"
        assert may_receive(example, "comensha", category).refusal is Refusal.consent_required
        assert may_receive(example, "comensha", category, consent_recorded=True)
    assert may_receive(example, "comensha", "signalen")
    for category in ("gezondheid", "dader", "justitie", "gezin-netwerk"):
        assert not may_receive(example, "comensha", category, consent_recorded=True)


def test_health_data_to_non_care_partners_needs_consent(example: Convenant) -> None:
    for partner in ("gemeente", "wijkteam"):
        assert needs_consent(example, partner, "gezondheid")
        decision = may_receive(example, partner, "gezondheid")
        assert (decision.allowed, decision.refusal, decision.rule) == (
            False,
            Refusal.consent_required,
            "art. 8.1",
        )
    assert not needs_consent(example, "jeugd-ggz", "gezondheid")
    assert may_receive(example, "jeugd-ggz", "gezondheid").rule == "art. 7.13"


def test_allowed_decision_names_version_and_rule(example: Convenant) -> None:
    decision = may_provide(example, "politie", "dader")
    assert decision == Decision(
        allowed=True,
        refusal=None,
        convenant_id="zorgtafel-jpmh-voorbeeldland",
        convenant_version="1.0",
        rule="art. 7.3",
        legal_ground="Wet politiegegevens art. 20 jo. Besluit politiegegevens art. 4:3",
        special_ground=example.right("politie", "dader", Direction.PROVIDE).special_ground,
    )
    assert bool(decision) is True


@pytest.mark.parametrize(
    ("partner", "category", "reason"),
    [
        ("onbekend", "identiteit", Refusal.unknown_partner),
        ("politie", "onbekend", Refusal.unknown_category),
        ("", "", Refusal.unknown_partner),
        ("comensha", "plan-acties", Refusal.no_rule),
    ],
)
def test_unknown_or_unlisted_is_refused(
    example: Convenant, partner: str, category: str, reason: Refusal
) -> None:
    for decision in (
        may_provide(example, partner, category),
        may_receive(example, partner, category, consent_recorded=True),
    ):
        assert not decision
        assert decision.refusal is reason
        assert decision.rule is None
        assert decision.legal_ground is None
    consent = needs_consent(example, partner, category)
    assert not consent
    assert consent.reason in {"unknown-partner", "unknown-category", "no-consent-rule"}


def test_unknown_direction_raises(example: Convenant) -> None:
    with pytest.raises(ValueError, match="unknown direction 'send'"):
        decide(example, "send", "politie", "identiteit")


def test_providable_and_receivable_follow_category_order(example: Convenant) -> None:
    order = [c.code for c in example.categories]
    for partner in example.partners:
        for listed in (
            providable_categories(example, partner.code),
            receivable_categories(example, partner.code),
        ):
            assert list(listed) == sorted(listed, key=order.index)
    assert providable_categories(example, "onbekend") == ()
    assert receivable_categories(example, "leerplicht") == ("identiteit", "school", "plan-acties")
