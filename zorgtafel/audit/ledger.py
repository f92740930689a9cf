"""The request ledger: events that must outlive the request that wrote them.

A disclosure's events (what was shown, what was refused) and a failed login's are written in
the request's transaction like every other event, and remembered here too. If the request then
fails (a 4xx, a 5xx, an exception), its writes are rolled back and :func:`keep` appends the
remembered events again, in a transaction of their own: what someone saw, or tried to see, is
never lost with the error page. A commit forgets them, since they are then stored.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from zorgtafel.audit.operations import record_all

_KEY = "zorgtafel.audit.ledger"


def append(session: Session, events: list[dict[str, object]]) -> None:
    """Write ``events`` in ``session``'s transaction and keep them should it be rolled back
    (remembered first: if this write fails, the request fails, and :func:`keep` tries again)."""
    if not events:
        return
    session.info.setdefault(_KEY, []).extend(events)
    record_all(events, session)


def pending(session: Session) -> int:
    """How many ledger events the current transaction holds (not yet committed)."""
    return len(session.info.get(_KEY, ()))


def keep(session: Session) -> int:
    """The request failed: roll back everything it wrote, then append and commit its ledger
    events in a transaction of their own. Returns how many were kept; raises if they could not
    be, and then nothing is committed."""
    events = session.info.pop(_KEY, [])
    session.rollback()
    if not events:
        return 0
    try:
        record_all(events, session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(events)


def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)


def install() -> None:
    """Forget a session's ledger events once they are committed (idempotent)."""
    if not event.contains(Session, "after_commit", _forget):
        event.listen(Session, "after_commit", _forget)
