"""The privacy officer's writes: run the anomaly rules, triage a signal. Each status change is
an audit event (the note stays with the signal, never in the log)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Purpose
from zorgtafel.auth.models import User
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.oversight import anomalies
from zorgtafel.oversight.models import LogReview, Signal, SignalStatus

#: the audit log's word for each status a signal is moved to
STATUS_CHANGES = {
    SignalStatus.open: Change.signal_open,
    SignalStatus.explained: Change.signal_explained,
    SignalStatus.escalated: Change.signal_escalated,
}


def run_rules() -> list[Signal]:
    """Run the anomaly rules over the events since the last run."""
    parameters = anomalies.Parameters.of(current_app.extensions["zorgtafel.settings"])
    return anomalies.run(db.session, parameters)


def triage(user: User, signal: Signal, status: SignalStatus, note: str) -> None:
    """Mark the signal open, explained or escalated, with the privacy officer's note; logged."""
    begin_write(db.session)
    signal.status = SignalStatus(status).value
    signal.note = note or None
    signal.updated_at = utcnow()
    signal.updated_by_user_id = user.id
    record(
        AuditAction.update,
        object_type=ObjectType.anomaly_signal,
        object_id=str(signal.id),
        purpose=Purpose.oversight,
        reason=STATUS_CHANGES[SignalStatus(status)],
    )


def record_review(user: User, start: date, end: date, sample: str, findings: str) -> LogReview:
    """Record a review of the log over [start, end]; logged (its text stays in the review)."""
    begin_write(db.session)
    review = LogReview(
        period_start=start, period_end=end, sample=sample, findings=findings,
        recorded_by_user_id=user.id,
    )  # fmt: skip
    db.session.add(review)
    db.session.flush()
    record(
        AuditAction.create,
        object_type=ObjectType.log_review,
        object_id=str(review.id),
        purpose=Purpose.oversight,
    )
    return review
