"""Audit events in words: every code of an event as the vocabulary says it, in the request's
language, with the names of organisations, users and categories. One shape for the page, the
CSV and the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import COLUMNS, Outcome, describe
from zorgtafel.auth.models import Organisation, Role, User
from zorgtafel.cases.models import Stage, StageReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import local_time
from zorgtafel.core.db import db
from zorgtafel.core.navigation import role_label
from zorgtafel.oversight.models import AnomalyRule, Signal, SignalStatus

#: reasons written as two codes (a stage change: the new stage and why)
QUALIFIED = ((Stage, StageReason),)


@dataclass(frozen=True)
class EventLine:
    """One event, every field in words."""

    seq: int
    when: str
    organisation: str
    user: str
    role: str
    action: str
    object_type: str
    object_id: str
    level: str
    categories: str
    convenant: str
    article: str
    purpose: str
    outcome: str
    reason: str
    address: str
    #: not a column: whether the outcome was allowed (for marking refusals)
    allowed: bool

    def row(self, fields: Sequence[str]) -> list[object]:
        values = dict(zip(_FIELDS, astuple(self), strict=True))
        return [values[name] for name in fields]


_FIELDS = tuple(EventLine.__dataclass_fields__)

#: the audit browser's columns, in order (field, heading)
LOG_COLUMNS = (
    ("seq", _l("Nr.")),
    ("when", _l("Tijdstip")),
    ("organisation", _l("Organisatie")),
    ("user", _l("Gebruiker")),
    ("role", _l("Rol")),
    ("action", _l("Handeling")),
    ("object_type", _l("Soort object")),
    ("object_id", _l("Object")),
    ("level", _l("Niveau")),
    ("categories", _l("Categorieën")),
    ("convenant", _l("Convenantversie")),
    ("article", _l("Artikel")),
    ("purpose", _l("Doel")),
    ("outcome", _l("Uitkomst")),
    ("reason", _l("Grond of reden")),
    ("address", _l("Adres")),
)
#: a case's disclosures: when, to whom, what, on which article and reason, allowed or not
DISCLOSURE_COLUMNS = (
    ("when", _l("Tijdstip")),
    ("organisation", _l("Organisatie")),
    ("user", _l("Gebruiker")),
    ("action", _l("Handeling")),
    ("level", _l("Niveau")),
    ("categories", _l("Categorieën")),
    ("article", _l("Artikel")),
    ("reason", _l("Grond of reden (need-to-know)")),
    ("purpose", _l("Doel")),
    ("outcome", _l("Uitkomst")),
)


def headings(columns: Sequence[tuple[str, object]]) -> list[str]:
    return [str(title) for _field, title in columns]


def fields(columns: Sequence[tuple[str, object]]) -> list[str]:
    return [name for name, _title in columns]


def lines(events: Sequence[AuditEvent], convenant: Convenant) -> list[EventLine]:
    """``events`` in words (two queries: the users and the organisations named)."""
    users = _user_names({e.actor_user_id for e in events if e.actor_user_id is not None})
    organisations = _organisation_names(convenant) if events else {}
    categories = {c.code: c.label for c in convenant.categories}
    return [_line(e, users, organisations, categories) for e in events]


def _line(
    event: AuditEvent,
    users: dict[int, str],
    organisations: dict[str, str],
    categories: dict[str, str],
) -> EventLine:
    codes = (event.categories or "").split(",") if event.categories else []
    return EventLine(
        seq=event.seq,
        when=local_time(event.occurred_at, "%d-%m-%Y %H:%M:%S"),
        organisation=organisations.get(event.actor_org or "", event.actor_org or ""),
        user=users.get(event.actor_user_id, "") if event.actor_user_id is not None else "",
        role=_role(event.actor_role),
        action=describe(event.action, COLUMNS["action"]),
        object_type=describe(event.object_type, COLUMNS["object_type"]),
        object_id=event.object_id or "",
        level=describe(event.level, COLUMNS["level"]),
        categories=", ".join(categories.get(code, code) for code in codes),
        convenant=event.convenant_version or "",
        article=event.convenant_article or "",
        purpose=describe(event.purpose, COLUMNS["purpose"]),
        outcome=describe(event.outcome, COLUMNS["outcome"]),
        reason=describe(event.reason, COLUMNS["reason"], QUALIFIED),
        address=event.client_address or "",
        allowed=event.outcome == Outcome.allowed.value,
    )


def _role(value: str | None) -> str:
    if value is None:
        return ""
    if value in Role._value2member_map_:
        return role_label(Role(value))
    return _("opdrachtregel") if value == "cli" else value


def _user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {row.id: f"{row.name} ({row.email})" for row in rows}


def _organisation_names(convenant: Convenant) -> dict[str, str]:
    names = {
        row.code: row.name
        for row in db.session.execute(select(Organisation.code, Organisation.name))
    }
    return names | {partner.code: partner.name for partner in convenant.partners}


@dataclass(frozen=True)
class SignalLine:
    """A signal of the triage queue in words."""

    id: int
    rule: str
    user: str
    organisation: str
    object_id: str
    count: int
    when: str
    status: str
    status_code: str
    note: str
    first_seq: int
    last_seq: int


def signal_lines(signals: Sequence[Signal], convenant: Convenant) -> list[SignalLine]:
    users = _user_names({s.user_id for s in signals if s.user_id is not None})
    organisations = _organisation_names(convenant) if signals else {}
    return [
        SignalLine(
            id=s.id,
            rule=AnomalyRule(s.rule).label,
            user=users.get(s.user_id, "") if s.user_id is not None else "",
            organisation=organisations.get(s.organisation or "", s.organisation or ""),
            object_id=s.object_id or "",
            count=s.count,
            when=local_time(s.occurred_at),
            status=SignalStatus(s.status).label,
            status_code=s.status,
            note=s.note or "",
            first_seq=s.first_seq,
            last_seq=s.last_seq,
        )
        for s in signals
    ]
