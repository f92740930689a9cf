"""The audit log's own term, from the convenant (``retention.audit_log_years``).

Of all stored convenant versions the longest audit term counts: an event names the version it
was written under, and no version's promise to keep the log that long may be broken by a newer,
shorter one (NEN 7513 practice keeps logs 5 years). The cutoff is the start of that day in the
Netherlands, that many years ago.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from zorgtafel.convenant.operations import convenant_of, versions
from zorgtafel.core.clock import AMSTERDAM, today


class TermError(Exception):
    """No term to prune by, or a cutoff the term does not allow; one line."""


def audit_log_years() -> int:
    """The longest audit-log term of the stored convenant versions."""
    terms = [convenant_of(version).retention.audit_log_years for version in versions()]
    if not terms:
        raise TermError("geen convenant geladen: de bewaartermijn van het log is onbekend")
    return max(terms)


def audit_cutoff(before: date | None = None) -> datetime:
    """The moment before which events are past the term; ``before`` may only be earlier."""
    years = audit_log_years()
    now = today()
    try:
        limit = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        limit = now.replace(year=now.year - years, day=28)
    if before is not None and before > limit:
        raise TermError(
            f"{before:%Y-%m-%d} ligt binnen de bewaartermijn van {years} jaar "
            f"(snoeien kan tot {limit:%Y-%m-%d})"
        )
    return datetime.combine(before or limit, time(), AMSTERDAM).astimezone(UTC)
