"""The anomaly rules: patterns in the audit log that the privacy officer should look at.

A run reads only the events after the cursor (where the last run stopped), asks each rule what
they show, stores a signal per rule and key (a user and a day, say) or updates the one already
there, and moves the cursor. Rules that need context before the cursor (a day's count, a
sliding window) ask the log for it through its indexes, never by rescanning it. Every rule sees
codes only: the log holds no content.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Outcome, Purpose
from zorgtafel.cases.models import Case, Stage, StageChange
from zorgtafel.config import Settings
from zorgtafel.core.clock import AMSTERDAM, utcnow
from zorgtafel.core.db import begin_write
from zorgtafel.oversight.models import AnomalyCursor, AnomalyRule, Signal

#: what counts as opening a case (lists are left out: a list shows fifty at once)
OPENING = frozenset(
    a.value
    for a in (AuditAction.read, AuditAction.export, AuditAction.print, AuditAction.reveal_identity)
)
#: the privacy officer's own reads, and retention, are no use of a case
NOT_USE = frozenset(p.value for p in (Purpose.oversight, Purpose.access_request, Purpose.retention))


@dataclass(frozen=True)
class Parameters:
    """The rules' thresholds (``[anomalies]`` in the configuration)."""

    refusals_per_user_day: int = 10
    reveals_minimum: int = 5
    reveals_factor: int = 3
    reveals_baseline_days: int = 30
    office_start_hour: int = 7
    office_end_hour: int = 19
    many_cases: int = 20
    many_cases_minutes: int = 10
    failed_logins: int = 10
    failed_logins_minutes: int = 5

    @classmethod
    def of(cls, settings: Settings) -> Parameters:
        return cls(**{name: settings[f"anomalies.{name}"] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Finding:
    rule: AnomalyRule
    key: str
    count: int
    first_seq: int
    last_seq: int
    occurred_at: datetime
    user_id: int | None = None
    organisation: str | None = None
    object_id: str | None = None
    #: ``count`` adds to a stored signal's (new events only) instead of replacing it
    additive: bool = False


Rule = Callable[[Session, Sequence[AuditEvent], int, Parameters], Iterable[Finding]]


def run(session: Session, parameters: Parameters) -> list[Signal]:
    """Read the events after the cursor, store what the rules find, move the cursor; returns
    the signals created or updated."""
    begin_write(session)
    cursor = session.get(AnomalyCursor, 1)
    after = cursor.seq if cursor is not None else 0
    events = list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq))
    )
    signals = [
        _store(session, finding)
        for rule in RULES
        for finding in rule(session, events, after, parameters)
    ]
    last = events[-1].seq if events else after
    if cursor is None:
        session.add(AnomalyCursor(id=1, seq=last, ran_at=utcnow()))
    else:
        cursor.seq, cursor.ran_at = last, utcnow()
    session.flush()
    return signals


def _store(session: Session, finding: Finding) -> Signal:
    signal = session.scalar(
        select(Signal).where(Signal.rule == finding.rule.value, Signal.key == finding.key)
    )
    if signal is None:
        signal = Signal(
            rule=finding.rule.value, key=finding.key, user_id=finding.user_id,
            organisation=finding.organisation, object_id=finding.object_id,
            count=finding.count, first_seq=finding.first_seq, last_seq=finding.last_seq,
            occurred_at=finding.occurred_at,
        )  # fmt: skip
        session.add(signal)
        return signal
    signal.count = signal.count + finding.count if finding.additive else finding.count
    signal.last_seq = max(signal.last_seq, finding.last_seq)
    return signal


# --- helpers ------------------------------------------------------------------------------


def local_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), AMSTERDAM)
    return start, datetime.combine(day + timedelta(days=1), time(), AMSTERDAM)


def _opened(events: Iterable[AuditEvent]) -> Iterator[AuditEvent]:
    """A person's allowed opening of a case, for a use of it (not oversight)."""
    for e in events:
        if (
            e.actor_user_id is not None
            and e.object_type == ObjectType.case.value
            and e.action in OPENING
            and e.outcome == Outcome.allowed.value
            and e.purpose not in NOT_USE
        ):
            yield e


def _count_day(session: Session, user_id: int, day: date, *conditions) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    start, end = _day_bounds(day)
    found = session.execute(
        select(func.count(), func.min(AuditEvent.seq), func.max(AuditEvent.seq)).where(
            AuditEvent.actor_user_id == user_id,
            AuditEvent.occurred_at >= start,
            AuditEvent.occurred_at < end,
            *conditions,
        )
    ).one()
    return int(found[0]), int(found[1] or 0), int(found[2] or 0)


def _widest_window(
    series: Sequence[tuple[int, datetime, str]], minutes: int
) -> tuple[int, int, int, datetime] | None:
    """The window of ``minutes`` holding the most distinct keys: (count, first seq, last seq,
    its end), over (seq, moment, key) in time order."""
    window: deque[tuple[int, datetime, str]] = deque()
    keys: Counter[str] = Counter()
    best: tuple[int, int, int, datetime] | None = None
    span = timedelta(minutes=minutes)
    for item in series:
        window.append(item)
        keys[item[2]] += 1
        while item[1] - window[0][1] > span:
            old = window.popleft()
            keys[old[2]] -= 1
            if not keys[old[2]]:
                del keys[old[2]]
        if best is None or len(keys) > best[0]:
            best = (len(keys), window[0][0], item[0], item[1])
    return best


# --- the rules ----------------------------------------------------------------------------


def refusals(
    session: Session, events: Sequence[AuditEvent], _after: int, p: Parameters
) -> Iterator[Finding]:
    """Refused reads of one user on one day above the threshold."""
    touched = {
        (e.actor_user_id, local_day(e.occurred_at)): e.actor_org
        for e in events
        if e.actor_user_id is not None
        and e.outcome == Outcome.refused.value
        and e.action != AuditAction.login_failed.value
    }
    for (user_id, day), org in touched.items():
        count, first, last = _count_day(
            session, user_id, day,
            AuditEvent.outcome == Outcome.refused.value,
            AuditEvent.action != AuditAction.login_failed.value,
        )  # fmt: skip
        if count > p.refusals_per_user_day:
            yield Finding(
                AnomalyRule.refusals, f"{user_id}:{day}", count, first, last,
                _day_bounds(day)[0], user_id, org,
            )  # fmt: skip


def read_after_closure(
    session: Session, events: Sequence[AuditEvent], _after: int, _p: Parameters
) -> Iterator[Finding]:
    """A case opened after it was closed (and while it still is)."""
    opened = list(_opened(events))
    codes = {e.object_id for e in opened}
    if not codes:
        return
    closed = dict(
        session.execute(
            select(Case.code, func.max(StageChange.changed_at))
            .join(StageChange, StageChange.case_id == Case.id)
            .where(
                Case.code.in_(codes),
                Case.stage == Stage.afgesloten,
                StageChange.to_stage == Stage.afgesloten,
            )
            .group_by(Case.code)
        ).all()
    )
    groups: dict[tuple[str, int, date], list[AuditEvent]] = defaultdict(list)
    for e in opened:
        closed_at = closed.get(e.object_id)
        if closed_at is not None and e.occurred_at > closed_at:
            groups[(e.object_id, e.actor_user_id, local_day(e.occurred_at))].append(e)  # type: ignore[index]
    for (code, user_id, day), found in groups.items():
        yield Finding(
            AnomalyRule.read_after_closure, f"{code}:{user_id}:{day}", len(found),
            found[0].seq, found[-1].seq, found[0].occurred_at, user_id, found[0].actor_org,
            code, additive=True,
        )  # fmt: skip


def reveals_above_usual(
    session: Session, events: Sequence[AuditEvent], _after: int, p: Parameters
) -> Iterator[Finding]:
    """More identity reveals by one user on one day than max(minimum, factor x the user's daily
    mean over the baseline days before)."""
    reveal = AuditAction.reveal_identity.value
    touched = {
        (e.actor_user_id, local_day(e.occurred_at)): e.actor_org
        for e in events
        if e.actor_user_id is not None and e.action == reveal and e.outcome == "allowed"
    }
    for (user_id, day), org in touched.items():
        condition = (AuditEvent.action == reveal, AuditEvent.outcome == Outcome.allowed.value)
        count, first, last = _count_day(session, user_id, day, *condition)
        start = _day_bounds(day - timedelta(days=p.reveals_baseline_days))[0]
        before = session.scalar(
            select(func.count()).where(
                AuditEvent.actor_user_id == user_id,
                AuditEvent.occurred_at >= start,
                AuditEvent.occurred_at < _day_bounds(day)[0],
                *condition,
            )
        )
        usual = (before or 0) / max(p.reveals_baseline_days, 1)
        if count > max(p.reveals_minimum, p.reveals_factor * usual):
            yield Finding(
                AnomalyRule.reveals_above_usual, f"{user_id}:{day}", count, first, last,
                _day_bounds(day)[0], user_id, org,
            )  # fmt: skip


def outside_office_hours(
    _session: Session, events: Sequence[AuditEvent], _after: int, p: Parameters
) -> Iterator[Finding]:
    """Cases opened before or after office hours, or at the weekend."""
    groups: dict[tuple[int, date], list[AuditEvent]] = defaultdict(list)
    for e in _opened(events):
        local = e.occurred_at.astimezone(AMSTERDAM)
        if local.weekday() >= 5 or not p.office_start_hour <= local.hour < p.office_end_hour:
            groups[(e.actor_user_id, local.date())].append(e)  # type: ignore[index]
    for (user_id, day), found in groups.items():
        yield Finding(
            AnomalyRule.outside_office_hours, f"{user_id}:{day}", len(found), found[0].seq,
            found[-1].seq, found[0].occurred_at, user_id, found[0].actor_org, additive=True,
        )  # fmt: skip


def many_cases(
    session: Session, events: Sequence[AuditEvent], after: int, p: Parameters
) -> Iterator[Finding]:
    """One user opening more distinct cases within the window than the threshold."""
    by_user: dict[int, list[AuditEvent]] = defaultdict(list)
    for e in _opened(events):
        by_user[e.actor_user_id].append(e)  # type: ignore[index]
    span = timedelta(minutes=p.many_cases_minutes)
    for user_id, found in by_user.items():
        earlier = session.execute(
            select(AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.object_id).where(
                AuditEvent.actor_user_id == user_id,
                AuditEvent.seq <= after,
                AuditEvent.occurred_at >= found[0].occurred_at - span,
                AuditEvent.object_type == ObjectType.case.value,
                AuditEvent.action.in_(OPENING),
                AuditEvent.outcome == Outcome.allowed.value,
            )
        ).all()
        series = [*map(tuple, earlier), *((e.seq, e.occurred_at, e.object_id) for e in found)]
        widest = _widest_window(series, p.many_cases_minutes)  # type: ignore[arg-type]
        if widest is not None and widest[0] > p.many_cases:
            count, first, last, end = widest
            yield Finding(
                AnomalyRule.many_cases, f"{user_id}:{local_day(end)}", count, first, last, end,
                user_id, found[0].actor_org,
            )  # fmt: skip


def failed_logins(
    session: Session, events: Sequence[AuditEvent], after: int, p: Parameters
) -> Iterator[Finding]:
    """More failed logins from one address within the window than the threshold."""
    by_address: dict[str, list[AuditEvent]] = defaultdict(list)
    for e in events:
        if e.action == AuditAction.login_failed.value:
            by_address[e.client_address or "-"].append(e)
    span = timedelta(minutes=p.failed_logins_minutes)
    for address, found in by_address.items():
        earlier = session.execute(
            select(AuditEvent.seq, AuditEvent.occurred_at).where(
                AuditEvent.seq <= after,
                AuditEvent.occurred_at >= found[0].occurred_at - span,
                AuditEvent.action == AuditAction.login_failed.value,
                AuditEvent.client_address == (None if address == "-" else address),
            )
        ).all()
        # each failure is its own key: the widest window counts them all
        series = [(s, at, str(s)) for s, at in earlier] + [
            (e.seq, e.occurred_at, str(e.seq)) for e in found
        ]
        widest = _widest_window(series, p.failed_logins_minutes)
        if widest is not None and widest[0] > p.failed_logins:
            count, first, last, end = widest
            yield Finding(
                AnomalyRule.failed_logins, f"{address}:{local_day(end)}", count, first, last,
                end, object_id=address,
            )  # fmt: skip


#: every rule, in the order a run asks them
RULES: tuple[Rule, ...] = (
    refusals,
    read_after_closure,
    reveals_above_usual,
    outside_office_hours,
    many_cases,
    failed_logins,
)
