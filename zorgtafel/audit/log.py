"""Reading the audit log from the database: the head row and a streaming verification."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, select

from zorgtafel.audit.chain import FIELDS, Anchor, Verification, verify_rows
from zorgtafel.audit.models import AuditEvent, AuditHead, AuditPrune

_TABLE = AuditEvent.__table__
_COLUMNS = [_TABLE.c[name] for name in (*FIELDS, "hash")]
#: rows fetched per round trip while verifying
BATCH = 10_000


def head(connection: Connection) -> Anchor:
    """The head row: last sequence number and hash."""
    seq, hash_ = connection.execute(select(AuditHead.seq, AuditHead.hash)).one()
    return Anchor(int(seq), hash_, "kop", is_head=True)


def last_event(connection: Connection) -> tuple[int, str] | None:
    """(seq, hash) of the last stored event, read from the events themselves."""
    row = connection.execute(
        select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)
    ).first()
    return None if row is None else (int(row[0]), row[1])


def chain_rows(after: int = 0, up_to: int | None = None) -> Select[Any]:
    """The events after ``after`` (up to ``up_to``) as ``FIELDS + (hash,)``, in ``seq`` order,
    fetched in batches."""
    query = select(*_COLUMNS).where(_TABLE.c.seq > after)
    if up_to is not None:
        query = query.where(_TABLE.c.seq <= up_to)
    return query.order_by(_TABLE.c.seq).execution_options(yield_per=BATCH)


def last_prune(connection: Connection) -> AuditPrune | None:
    """The latest run of ``audit prune`` (as a row), or None if the log was never pruned."""
    table = AuditPrune.__table__
    return connection.execute(  # type: ignore[return-value]
        select(table).order_by(table.c.base_seq.desc()).limit(1)
    ).first()


def verify_log(
    connection: Connection, *, checkpoint: Anchor | None = None, start: Anchor | None = None
) -> Verification:
    """Verify the chain (from ``start``, a pruned log's signed base, or from the first event),
    the head row and (if given) a signed checkpoint.

    Run it in one read transaction (a snapshot) so appends during the run do not matter.
    """
    anchor = head(connection)
    rows = connection.execute(chain_rows(start.size if start is not None else 0))
    try:
        return verify_rows(rows, head=anchor, checkpoint=checkpoint, start=start)
    finally:
        rows.close()  # a server-side cursor, when verification stopped early
