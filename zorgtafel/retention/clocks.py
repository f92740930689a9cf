"""Retention clocks: when a case's data and an item's minutes are past their term.

- A **case** clock starts when the case is closed (``closed_at``, set on reaching
  *afgesloten*); reopening clears ``closed_at``, which stops the clock, and the next closure
  starts it again from zero.
- **Minutes** run on their own clock, from the meeting's start.

The term is that of the convenant version in force when the clock started (the data was
processed under it), unless the version in force now has a shorter one: then the shorter.
A newer, longer term never keeps data longer than was promised when it was processed; a newer,
shorter term is the parties' finding that the data is no longer needed (AVG art. 5 lid 1 e).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.convenant.operations import convenant_of, versions
from zorgtafel.core.clock import AMSTERDAM

#: the article an erasure past the term is made under
ERASURE_ARTICLE = "AVG art. 5 lid 1 e"


@dataclass(frozen=True)
class Term:
    """One clock: when it started, how many years, under which version, and when it ends."""

    started_at: datetime
    years: int
    #: ``<convenant version>`` whose term counts (the start's, or today's when shorter)
    version: str
    ends_at: datetime

    def past(self, moment: datetime) -> bool:
        return moment >= self.ends_at


def add_years(moment: datetime, years: int) -> datetime:
    """``moment`` plus whole years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


class Terms:
    """The stored convenant versions, looked up once for many clocks."""

    def __init__(self, stored: list[ConvenantVersion] | None = None) -> None:
        stored = versions() if stored is None else stored
        self._versions = [(version, convenant_of(version)) for version in stored]
        #: per day (a due list asks for today once per case, and closures share days)
        self._in_force: dict[date, Convenant | None] = {}

    def in_force(self, day: date) -> Convenant | None:
        if day not in self._in_force:
            candidates = [(v, c) for v, c in self._versions if v.in_force_on(day)]
            chosen = (
                max(candidates, key=lambda pair: pair[0].effective_from)[1] if candidates else None
            )
            self._in_force[day] = chosen
        return self._in_force[day]

    def shortest_case_years(self) -> int | None:
        """The shortest case term of any stored version (None if none is stored): a case
        closed less than that many times 365 days ago cannot be past its term."""
        years = [c.retention.case_data_years_after_closure for _, c in self._versions]
        return min(years, default=None)

    def case(self, closed_at: datetime | None, now: datetime) -> Term | None:
        """The case clock, or None while the case is not closed (or no version is known)."""
        if closed_at is None:
            return None
        return self._term(closed_at, now, lambda c: c.retention.case_data_years_after_closure)

    def minutes(self, meeting_start: datetime, now: datetime) -> Term | None:
        """The minutes clock of a meeting."""
        return self._term(meeting_start, now, lambda c: c.retention.minutes_years_after_meeting)

    def _term(self, started_at: datetime, now: datetime, years_of) -> Term | None:  # type: ignore[no-untyped-def]
        then = self.in_force(started_at.astimezone(AMSTERDAM).date())
        current = self.in_force(now.astimezone(AMSTERDAM).date())
        chosen = [c for c in (then, current) if c is not None]
        if not chosen:
            return None
        # the start's version unless today's is shorter (ties: the start's)
        counting = min(chosen, key=years_of)
        years = years_of(counting)
        return Term(started_at, years, counting.version, add_years(started_at, years))
