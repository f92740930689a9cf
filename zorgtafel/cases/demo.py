"""Fictitious demo cases for ``zorgtafel demo``: every name, date and number here is made up.

Contributions are stored with their text already pseudonymised by hand (no pseudonymiser
service is needed for the demo), with the original sealed beside them as usual.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from zorgtafel.auth.models import User
from zorgtafel.cases import operations
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import Case, Reporter, Stage, StageReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db

#: (identity, reporter, coordinator, involved, stage, contributions (org, category, original,
#: pseudonymised)) - all fictitious ("Demo" in every surname)
DEMO_CASES = (
    (
        SubjectIdentity(
            first_names=("Sanne",),
            surname="Demodijk",
            aliases=("Sas",),
            birth_date=date(2010, 3, 14),
            bsn="111222333",
            address="Voorbeeldlaan 1, Voorbeeldstad (fictief)",
            school="Demo College",
            relatives=(("moeder", "Ria Demodijk"),),
        ),
        Reporter.partner,
        "veilig-thuis",
        ("politie", "jeugd-ggz"),
        Stage.triage,
        (
            (
                "politie",
                "signalen",
                "Sanne is twee keer 's nachts opgehaald door een oudere man in een witte auto.",
                "[BETROKKENE] is twee keer 's nachts opgehaald door een oudere man in een witte "
                "auto.",
            ),
            (
                "veilig-thuis",
                "gezin-netwerk",
                "Moeder Ria Demodijk maakt zich zorgen; Sas komt vaak laat thuis.",
                "Moeder [MOEDER] maakt zich zorgen; [BETROKKENE] komt vaak laat thuis.",
            ),
        ),
    ),
    (
        SubjectIdentity(
            first_names=("Noor", "Elif"),
            surname="Fictief-Demo",
            birth_date=date(2009, 9, 2),
            address="Demostraat 22, Voorbeeldstad (fictief)",
        ),
        Reporter.professional,
        "gi",
        ("politie",),
        Stage.aanpak,
        (
            (
                "gi",
                "hulpverlening",
                "Noor heeft een jeugdbeschermer; plaatsing in de opvang wordt besproken.",
                "[BETROKKENE] heeft een jeugdbeschermer; plaatsing in de opvang wordt besproken.",
            ),
        ),
    ),
    (
        SubjectIdentity(first_names=("Jesse",), surname="van Demohoven"),
        Reporter.anonymous,
        None,
        (),
        Stage.signaal,
        (),
    ),
)


def create_demo_cases(chair: User, partners: dict[str, User], convenant: Convenant) -> int:
    """Register the demo cases once (none exist yet); returns how many were created."""
    if db.session.scalar(select(func.count()).select_from(Case)):
        return 0
    for identity, reporter, coordinator, involved, stage, contributions in DEMO_CASES:
        case = operations.register_case(
            chair,
            operations.Intake(
                identity=identity, reported_by=reporter, coordinator_code=coordinator,
                reporter_partner_code="politie" if reporter is Reporter.partner else None,
                involved=involved, stage=Stage.signaal,
            ),
        )  # fmt: skip
        if stage is not Stage.signaal:
            operations.change_stage(chair, case, stage, StageReason.signals_confirmed)
        for org, category, original, pseudonymised in contributions:
            author = partners.get(org) or chair
            if author.organisation.code != org:
                continue
            operations.add_contribution(
                author, case, category, pseudonymised, convenant=convenant, original=original,
                replacements=pseudonymised.count("["),
            )  # fmt: skip
    return len(DEMO_CASES)
