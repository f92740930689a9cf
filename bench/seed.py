"""Seeds shared by the benchmarks' child processes: convenants, logins, bulk-inserted cases,
a published agenda, and the planner's statistics after a bulk load. Fictitious data only.

Every function runs inside an app context (the child's), on the instance's database.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, text

#: rows per INSERT statement of a bulk load
BATCH = 5000


def convenants() -> None:
    """Every convenant version in ``convenants/``."""
    from zorgtafel import ROOT
    from zorgtafel.convenant.operations import load_version

    for path in sorted((ROOT / "convenants").glob("*.toml")):
        load_version(path)


def login(email: str, organisation: str, role: Any, *, new_organisation: bool = True) -> Any:
    """A user with a confirmed code; returns (user, (email, password, totp secret))."""
    from zorgtafel.auth import operations as accounts
    from zorgtafel.core.clock import utcnow

    if new_organisation:
        accounts.create_organisation(organisation, f"{organisation} (fictief)")
    password = secrets.token_urlsafe(16)  # a throw-away instance: any password will do
    user = accounts.create_user(email, "Bench", organisation, role, password)
    user.totp_confirmed_at = utcnow()
    return user, (user.email, password, user.totp_secret.reveal())


#: the organisation of the account whose start page is the trivial page (``web.trivial_page``)
IDLE_ORGANISATION = "bench-zonder-werk"


def idle_login() -> tuple[str, str, str]:
    """The account whose start page is the trivial page: a partner whose organisation sits at
    no table and owns no action, so its start page lists nothing (since the start pages list
    the day's work, issue 14.7, a busy user's start page is no baseline). (email, password,
    TOTP secret)."""
    from zorgtafel.auth.models import Role

    return login("zonder-werk@bench.test", IDLE_ORGANISATION, Role.partner)[1]  # type: ignore[no-any-return]


def bulk_insert(model: type, rows: Iterable[dict[str, object]]) -> None:
    """INSERT ``rows`` into ``model``'s table, BATCH rows per statement (no ORM objects)."""
    from zorgtafel.core.db import db

    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(insert(model), batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)


def bulk_cases(rows: Sequence[dict[str, object]]) -> dict[str, int]:
    """Insert the case rows (each with at least ``code`` and ``stage``); returns code → id."""
    from zorgtafel.cases.models import Case
    from zorgtafel.core.clock import utcnow

    now = utcnow()
    bulk_insert(Case, ({"created_at": now, "updated_at": now, **row} for row in rows))
    from zorgtafel.core.db import db

    return dict(db.session.execute(select(Case.code, Case.id)).all())  # type: ignore[arg-type]


def involve(case_ids: Iterable[int], partner: str) -> None:
    """Give ``partner`` need-to-know (invited) for each case."""
    from zorgtafel.cases.models import Involvement, InvolvementReason
    from zorgtafel.core.clock import utcnow

    now = utcnow()
    bulk_insert(
        Involvement,
        (
            {
                "case_id": case_id,
                "partner_code": partner,
                "reason": InvolvementReason.invited,
                "valid_from": now,
                "created_at": now,
            }
            for case_id in case_ids
        ),
    )


def analyze() -> None:
    """Commit, then the planner's statistics, as autovacuum (PostgreSQL) or a maintained
    database (SQLite) has them: right after a bulk load PostgreSQL thinks a table of 100,000
    rows has a handful, and picks plans for that."""
    from zorgtafel.core.db import db

    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def agenda(chair: Any, partners: Sequence[str], items: int, measured: str) -> Any:
    """A published meeting tomorrow: ``items`` new cases, each with three of ``partners[1:]``
    at the table (rotating) and ``measured`` at every other item; returns the meeting."""
    from zorgtafel.cases.operations import create_case
    from zorgtafel.core.clock import utcnow
    from zorgtafel.meetings import operations

    meeting = operations.create_meeting(chair, utcnow() + timedelta(days=1), "Zaal (fictief)")
    others = [code for code in partners if code != measured]
    for n in range(items):
        case = create_case(chair, coordinator_code=partners[n % len(partners)])
        item = operations.add_item(chair, meeting, case)
        seats = {others[(n + k) % len(others)] for k in range(3)}
        seats |= {measured} if n % 2 == 0 else set()
        operations.update_item(chair, item, minutes=10, kind=item.kind, partner_codes=sorted(seats))
    operations.publish(chair, meeting)
    return meeting


def in_child(body: Callable[[], dict[str, object]]) -> None:  # pragma: no cover - child process
    """Run ``body`` in an app on the instance (``ZORGTAFEL_INSTANCE``) and print its JSON."""
    import json

    from zorgtafel import create_app

    with create_app().app_context():
        print(json.dumps(body()))
