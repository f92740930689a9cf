"""The clock: UTC moments for storage, Dutch days for people.

Every moment the app stores is timezone-aware UTC (``UTCDateTime`` refuses naive values); a day
the zorgtafel talks about (a meeting's day, a convenant version in force "on 1 January") is a
day in the Netherlands.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

#: the zorgtafel's days are Dutch days
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the Netherlands."""
    return utcnow().astimezone(AMSTERDAM).date()


def local_time(moment: datetime | None, pattern: str = "%d-%m-%Y %H:%M") -> str:
    """A UTC moment as Dutch local time (empty for None)."""
    return "" if moment is None else moment.astimezone(AMSTERDAM).strftime(pattern)
