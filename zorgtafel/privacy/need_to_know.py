"""Need-to-know: which organisations have a reason to see a case, now.

An organisation has need-to-know for a case while one of its involvement records is active
(``Involvement.active_at``, one definition for Python and SQL). Pages ask for a batch of cases at
once: one query, however many cases the page shows.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, bindparam, select

from zorgtafel.cases.models import Involvement, InvolvementReason
from zorgtafel.core.db import db

#: involvement reasons in order of preference when several are active at once
REASON_ORDER = tuple(InvolvementReason)
_RANK = {reason: rank for rank, reason in enumerate(REASON_ORDER)}
_INVOLVEMENTS = Involvement.__table__
#: built once on the table (plain rows): every case page, list and agenda asks it
_NEED_TO_KNOW = select(_INVOLVEMENTS.c.case_id, _INVOLVEMENTS.c.reason).where(
    _INVOLVEMENTS.c.partner_code == bindparam("partner_code"),
    _INVOLVEMENTS.c.case_id.in_(bindparam("case_ids", expanding=True)),
    Involvement.active_at(bindparam("at")),
)


def strongest(reasons: Collection[InvolvementReason]) -> InvolvementReason | None:
    """The reason a decision relies on among several active ones."""
    return min(reasons, key=_RANK.__getitem__, default=None)


def need_to_know(
    partner_code: str | None, case_ids: Collection[int], at: datetime
) -> dict[int, InvolvementReason]:
    """The organisation's strongest active involvement per case, for the cases that have one."""
    if partner_code is None or not case_ids:
        return {}
    rows = db.session.execute(
        _NEED_TO_KNOW, {"partner_code": partner_code, "case_ids": list(set(case_ids)), "at": at}
    )
    found: dict[int, InvolvementReason] = {}
    for case_id, reason in rows:
        if case_id not in found or _RANK[reason] < _RANK[found[case_id]]:
            found[case_id] = reason
    return found


def involved_cases(partner_code: str, at: datetime) -> Select[tuple[int]]:
    """The ids of the cases the organisation has need-to-know for (a subquery for lists)."""
    return select(Involvement.case_id).where(
        Involvement.partner_code == partner_code, Involvement.active_at(at)
    )
