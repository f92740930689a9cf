"""What the privacy officer's start page says of her duties: is a log review overdue, and what
did the last scheduled chain check find."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from zorgtafel.audit.models import ChainCheck
from zorgtafel.core.clock import today, utcnow
from zorgtafel.core.db import db
from zorgtafel.oversight.models import LogReview

#: MedMij: the log is reviewed at least monthly; a review's period may end this long ago
REVIEW_EVERY_DAYS = 31
#: a scheduled chain check older than this is itself a finding
CHECK_EVERY_HOURS = 48


@dataclass(frozen=True)
class WorkspaceStatus:
    last_review: LogReview | None
    review_overdue: bool
    last_check: ChainCheck | None
    check_stale: bool

    @property
    def chain_failed(self) -> bool:
        return self.last_check is not None and not self.last_check.ok

    def checkpoint_age_days(self, now: datetime | None = None) -> int | None:
        check = self.last_check
        if check is None or check.checkpoint_at is None:
            return None
        return ((now or utcnow()) - check.checkpoint_at).days


def workspace_status(day: date | None = None, now: datetime | None = None) -> WorkspaceStatus:
    """The newest review and chain check, and whether either is overdue."""
    day, now = day or today(), now or utcnow()
    review = db.session.scalar(select(LogReview).order_by(LogReview.period_end.desc()).limit(1))
    check = db.session.scalar(select(ChainCheck).order_by(ChainCheck.checked_at.desc()).limit(1))
    return WorkspaceStatus(
        last_review=review,
        review_overdue=review is None
        or review.period_end < day - timedelta(days=REVIEW_EVERY_DAYS),
        last_check=check,
        check_stale=check is None or check.checked_at < now - timedelta(hours=CHECK_EVERY_HOURS),
    )
