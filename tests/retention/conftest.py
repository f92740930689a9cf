"""A closed case past its term, with identity, lookups, a contribution, minutes, a decision and
an action, read by a partner: everything an erasure must remove. All data fictitious."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.fixtures.app import dispose, in_app, make_instance, own_app
from tests.fixtures.auth import Factories, UserRecord
from tests.fixtures.cases import CaseFactory, example_convenant, read_contents
from tests.fixtures.meetings import MeetingFactory
from zorgtafel.auth.models import Role, User
from zorgtafel.cases import operations as case_operations
from zorgtafel.cases.models import Case, Stage, StageReason
from zorgtafel.core.clock import utcnow
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes import operations as minutes_operations
from zorgtafel.minutes.models import MinutesPart
from zorgtafel.privacy import vault
from zorgtafel.privacy.lookup import lookups_for

#: fictitious texts, each unique enough to be found in the database's bytes
IDENTITY = "Fictief: Quirinus Zwaluwstaart, Verzinsellaan 77, Voorbeeldland"
CONTRIBUTION = "Fictief: kwartelkoning vijfentwintig gezien bij het station."
MINUTES = "Fictief: ijsvogel zevenendertig besproken aan tafel."
DECISION = "Fictief: besluit roerdomp achtenveertig."
ACTION = "Fictief: actie grutto negenenvijftig uitvoeren."


@dataclass
class Scenario:
    case_id: int
    code: str
    item_id: int
    chair: UserRecord
    privacy: UserRecord
    partner: UserRecord
    plaintexts: tuple[str, ...] = (IDENTITY, CONTRIBUTION, MINUTES, DECISION, ACTION)


def no_deduce(app: Flask) -> None:
    from zorgtafel.pseudonymise import Pseudonymiser, use_pseudonymiser

    use_pseudonymiser(app, Pseudonymiser(detector=lambda text: ()))


def build_scenario(app: Flask, factories: Factories, *, closed_years_ago: int = 3) -> Scenario:
    factories.example_convenant()
    chair = factories.user(Role.chair, "gemeente")
    privacy = factories.user(Role.privacy, "gemeente")
    partner = factories.user(Role.partner, "politie")
    record = CaseFactory(app).create(coordinator="politie")
    with in_app(app) as session:
        case = session.get(Case, record.id)
        key = vault.data_key(vault.case_key_for(session, case.id))  # type: ignore[arg-type]
        case.identity = vault.seal(key, IDENTITY, table="cases", row_id=case.id, column="identity")
        lookups = lookups_for("111222333", ("Quirinus",), "Zwaluwstaart", None)
        case.bsn_lookup, case.name_lookup = lookups.bsn, "f" * 64
    CaseFactory(app).contribute(record, partner.id, "signalen", CONTRIBUTION)
    meeting = MeetingFactory(app, factories).create([(record.id, ["politie"])], chair_id=chair.id)
    item_id = meeting.item_ids[0]
    with in_app(app) as session:
        user = session.get(User, chair.id)
        item = session.get(AgendaItem, item_id)
        paragraph = minutes_operations.Paragraph(MinutesPart.conclusion, "signalen", MINUTES)
        minutes_operations.save_draft(
            user, item, [paragraph], based_on=0, convenant=example_convenant()
        )
    _outcomes(app, chair.id, item_id)
    read_contents(app, partner.id, [record.id])  # politie received the case's data
    with in_app(app) as session:
        case = session.get(Case, record.id)
        case_operations.change_stage(
            session.get(User, chair.id), case, Stage.afgesloten, StageReason.goals_reached
        )
        case.closed_at = utcnow() - timedelta(days=365 * closed_years_ago + 2)
    return Scenario(record.id, record.code, item_id, chair, privacy, partner)


def _outcomes(app: Flask, chair_id: int, item_id: int) -> None:
    from zorgtafel.minutes import outcomes

    with in_app(app) as session:
        user = session.get(User, chair_id)
        item = session.get(AgendaItem, item_id)
        outcomes.add_decision(user, item, DECISION, convenant=example_convenant())
        outcomes.add_action(
            user, item, "politie", utcnow().date() + timedelta(days=7), ACTION,
            convenant=example_convenant(),
        )  # fmt: skip


@pytest.fixture
def scenario(app: Flask, factories: Factories, pseudonymiser_without_deduce) -> Scenario:  # type: ignore[no-untyped-def]
    return build_scenario(app, factories)


@pytest.fixture
def live(own_database: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own database (real commits, for VACUUM and the byte scan)."""
    app = own_app(own_database, make_instance(tmp_path / "instance"))
    no_deduce(app)
    yield app
    dispose(app)
