"""Every domain's models, imported once so the metadata is complete (for Alembic and tests)."""

from __future__ import annotations

from zorgtafel.audit.models import AuditEvent, AuditHead, AuditPrune, ChainCheck, QueuedEvent
from zorgtafel.auth.models import (
    Organisation,
    PasswordReset,
    PendingLogin,
    Role,
    User,
    UserSession,
)
from zorgtafel.cases.models import (
    Case,
    Consent,
    Contribution,
    ContributionSave,
    Involvement,
    StageChange,
)
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.core.db import Base
from zorgtafel.core.throttle_store import RateLimitCounter, RateLimitEntry
from zorgtafel.figures.models import CaseProfile, Release
from zorgtafel.meetings.models import (
    AgendaItem,
    Attendance,
    ConfidentialityPledge,
    Meeting,
    TableSeat,
)
from zorgtafel.minutes.models import (
    ActionChange,
    ActionItem,
    Decision,
    Minutes,
    MinutesParagraph,
    MinutesVersion,
)
from zorgtafel.oversight.access_requests import AccessRefusal, AccessRequest, AccessRequestCase
from zorgtafel.oversight.models import AnomalyCursor, LogReview, Signal
from zorgtafel.privacy.models import CaseKey, MasterKeyRecord
from zorgtafel.retention.models import ErasureNotice, ErasureProposal, ErasureRecord, Hold

metadata = Base.metadata

__all__ = [
    "AccessRefusal",
    "AccessRequest",
    "AccessRequestCase",
    "ActionChange",
    "ActionItem",
    "AgendaItem",
    "AnomalyCursor",
    "Attendance",
    "AuditEvent",
    "AuditHead",
    "AuditPrune",
    "Case",
    "CaseKey",
    "CaseProfile",
    "ChainCheck",
    "ConfidentialityPledge",
    "Consent",
    "Contribution",
    "ContributionSave",
    "ConvenantVersion",
    "Decision",
    "ErasureNotice",
    "ErasureProposal",
    "ErasureRecord",
    "Hold",
    "Involvement",
    "LogReview",
    "MasterKeyRecord",
    "Meeting",
    "Minutes",
    "MinutesParagraph",
    "MinutesVersion",
    "Organisation",
    "PasswordReset",
    "PendingLogin",
    "QueuedEvent",
    "RateLimitCounter",
    "RateLimitEntry",
    "Release",
    "Role",
    "Signal",
    "StageChange",
    "TableSeat",
    "User",
    "UserSession",
    "metadata",
]
