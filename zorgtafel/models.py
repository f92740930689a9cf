"""Every domain's models, imported once so the metadata is complete (for Alembic and tests)."""

from __future__ import annotations

from zorgtafel.audit.models import AuditEvent, AuditHead, QueuedEvent
from zorgtafel.auth.models import Organisation, Role, User, UserSession
from zorgtafel.cases.models import Case, Consent, Contribution, Involvement, StageChange
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.core.db import Base
from zorgtafel.figures.models import CaseProfile, Release
from zorgtafel.meetings.models import (
    AgendaItem,
    Attendance,
    ConfidentialityPledge,
    Meeting,
    TableSeat,
)
from zorgtafel.privacy.models import CaseKey, MasterKeyRecord

metadata = Base.metadata

__all__ = [
    "AgendaItem",
    "Attendance",
    "AuditEvent",
    "AuditHead",
    "Case",
    "CaseKey",
    "CaseProfile",
    "ConfidentialityPledge",
    "Consent",
    "Contribution",
    "ConvenantVersion",
    "Involvement",
    "MasterKeyRecord",
    "Meeting",
    "Organisation",
    "QueuedEvent",
    "Release",
    "Role",
    "StageChange",
    "TableSeat",
    "User",
    "UserSession",
    "metadata",
]
