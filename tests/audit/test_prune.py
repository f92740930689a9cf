"""The audit log's own term: events past it go to a signed archive, and what stays verifies
from the signed base; the only deletion is the prune's, below a recorded base."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests.fixtures.app import dispose, in_app, make_instance, own_app
from tests.fixtures.cases import EXAMPLE_CONVENANT
from zorgtafel.audit import checkpoint as checkpoints
from zorgtafel.audit.log import head
from zorgtafel.audit.models import AuditEvent, AuditPrune
from zorgtafel.audit.operations import Actor, event, record_all
from zorgtafel.audit.sequencer import audit_log
from zorgtafel.audit.vocabulary import AuditAction, ObjectType, Purpose
from zorgtafel.cli import cli
from zorgtafel.convenant.operations import load_version
from zorgtafel.core.clock import utcnow


@pytest.fixture
def log_app(own_database: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own (real commits), with the example convenant (5 years)."""
    app = own_app(own_database, make_instance(tmp_path / "instance"))
    with in_app(app):
        load_version(EXAMPLE_CONVENANT)
    yield app
    dispose(app)


def append(app: Flask, count: int, *, years_ago: float = 0) -> None:
    """``count`` reads of fictitious cases, as if written ``years_ago``."""
    moment = utcnow() - timedelta(days=round(365.25 * years_ago))
    with in_app(app) as session:
        events = [
            event(
                AuditAction.read,
                actor=Actor(7, "politie", "partner"),
                object_type=ObjectType.case,
                object_id=f"ZT-2019-{number:04d}",
                purpose=Purpose.case_conference,
            )
            for number in range(count)
        ]
        for values in events:
            values["occurred_at"] = moment
        record_all(events, session)
    audit_log(app).sequencer.flush()


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(cli, ["audit", *args])


def stored_seqs(app: Flask) -> list[int]:
    with in_app(app) as session:
        return list(session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))


def test_prune_archives_events_past_the_term_and_verify_begins_at_the_signed_base(
    log_app: Flask, tmp_path: Path
) -> None:
    append(log_app, 6, years_ago=6)
    append(log_app, 4)
    archive_file = tmp_path / "audit-2020.jsonl"

    pruned = run(log_app, "prune", "--out", str(archive_file))

    assert pruned.exit_code == 0, pruned.output
    assert "volgnummer 1 t/m 6 (6 gebeurtenissen" in pruned.output
    assert stored_seqs(log_app)[0] == 7
    with in_app(log_app) as session:
        assert session.scalar(select(func.count()).where(AuditEvent.seq <= 6)) == 0
        prune = session.scalars(select(AuditPrune)).one()
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (prune.base_seq, prune.removed) == (6, 6)
    assert last is not None
    assert (last.action, last.object_id, last.purpose) == ("audit_prune", "6", "retention")
    verified = run(log_app, "verify")
    assert verified.exit_code == 0, verified.output
    assert "auditlog intact: 5 gebeurtenissen" in verified.output
    assert "geverifieerde keten begint na volgnummer 6" in verified.output
    checked = run(log_app, "verify-archive", str(archive_file))
    assert checked.exit_code == 0, checked.output
    assert "volgnummer 1 t/m 6" in checked.output
    assert archive_file.stat().st_mode & 0o777 == 0o600


def test_a_log_never_pruned_says_its_chain_begins_at_the_first_event(log_app: Flask) -> None:
    append(log_app, 2)
    verified = run(log_app, "verify")
    assert verified.exit_code == 0
    assert "begint bij volgnummer 1" in verified.output


def test_a_second_prune_starts_at_the_first_ones_base_and_the_archives_chain(
    log_app: Flask, tmp_path: Path
) -> None:
    append(log_app, 3, years_ago=9)
    append(log_app, 3, years_ago=6)
    append(log_app, 2)
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    seven_years_ago = (utcnow() - timedelta(days=7 * 365)).strftime("%Y-%m-%d")

    assert run(log_app, "prune", "--out", str(first), "--before", seven_years_ago).exit_code == 0
    again = run(log_app, "prune", "--out", str(second))

    assert again.exit_code == 0, again.output
    assert "volgnummer 4 t/m 6" in again.output
    assert stored_seqs(log_app)[0] == 7
    assert "begint na volgnummer 6" in run(log_app, "verify").output
    both = run(log_app, "verify-archive", str(first), str(second))
    assert both.exit_code == 0, both.output
    assert run(log_app, "verify-archive", str(second), str(first)).exit_code == 1


def test_a_dry_run_counts_and_removes_nothing(log_app: Flask, tmp_path: Path) -> None:
    append(log_app, 3, years_ago=6)
    dry = run(log_app, "prune", "--out", str(tmp_path / "x.jsonl"), "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.startswith("3 gebeurtenissen")
    assert stored_seqs(log_app) == [1, 2, 3]
    assert not (tmp_path / "x.jsonl").exists()


def test_nothing_within_the_term_is_pruned(log_app: Flask, tmp_path: Path) -> None:
    append(log_app, 3, years_ago=4)
    out = tmp_path / "x.jsonl"
    nothing_due = run(log_app, "prune", "--out", str(out))
    too_recent = run(log_app, "prune", "--out", str(out), "--before", f"{utcnow():%Y-%m-%d}")
    assert nothing_due.exit_code == 1
    assert "geen gebeurtenissen ouder dan de bewaartermijn" in nothing_due.output
    assert too_recent.exit_code == 1
    assert "binnen de bewaartermijn van 5 jaar" in too_recent.output
    assert stored_seqs(log_app) == [1, 2, 3]
    assert not out.exists()


def test_an_existing_archive_file_is_never_overwritten(log_app: Flask, tmp_path: Path) -> None:
    append(log_app, 2, years_ago=6)
    out = tmp_path / "kept.jsonl"
    out.write_text("an earlier archive\n")
    refused = run(log_app, "prune", "--out", str(out))
    assert refused.exit_code == 1
    assert "bestaat al" in refused.output
    assert out.read_text() == "an earlier archive\n"
    assert stored_seqs(log_app) == [1, 2]


def test_events_above_the_base_still_cannot_be_deleted(log_app: Flask, tmp_path: Path) -> None:
    append(log_app, 2, years_ago=6)
    append(log_app, 2)
    assert run(log_app, "prune", "--out", str(tmp_path / "a.jsonl")).exit_code == 0
    with in_app(log_app) as session, pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    assert 3 in stored_seqs(log_app)


def test_a_prune_record_not_signed_with_the_log_key_fails_verification(
    log_app: Flask, tmp_path: Path
) -> None:
    """Whoever inserts a prune row and deletes below it without the signing key is caught."""
    append(log_app, 4)
    forger = checkpoints.load_signing_key(_fresh_key(tmp_path))
    with in_app(log_app) as session:
        anchor = head(session.connection())
        origin = log_app.extensions["zorgtafel.settings"]["audit.origin"]
        signed = checkpoints.Checkpoint(origin, 2, _hash_of(session, 2))
        note = checkpoints.sign(signed, forger, origin)
        session.add(
            AuditPrune(
                base_seq=2,
                base_hash=_hash_of(session, 2),
                cutoff=utcnow(),
                pruned_at=utcnow(),
                removed=2,
                archive_sha256="0" * 64,
                checkpoint=note,
            )
        )
    assert anchor.size == 4
    verified = run(log_app, "verify")
    assert verified.exit_code == 1
    assert "snoeipunt 2" in verified.output


def test_a_changed_archive_file_does_not_verify(log_app: Flask, tmp_path: Path) -> None:
    append(log_app, 3, years_ago=6)
    out = tmp_path / "a.jsonl"
    assert run(log_app, "prune", "--out", str(out)).exit_code == 0
    lines = out.read_text().splitlines()
    lines[2] = lines[2].replace("ZT-2019-0001", "ZT-2019-0009")
    out.write_text("\n".join(lines) + "\n")
    checked = run(log_app, "verify-archive", str(out))
    assert checked.exit_code == 1
    assert "volgnummer 2" in checked.output
    assert run(log_app, "verify").exit_code == 0  # the whole log went: the chain goes on from it


def test_a_checkpoint_below_the_base_points_at_the_archive(log_app: Flask, tmp_path: Path) -> None:
    append(log_app, 2, years_ago=6)
    early = tmp_path / "early.checkpoint"
    assert run(log_app, "checkpoint", "--out", str(early)).exit_code == 0
    append(log_app, 1, years_ago=6)
    append(log_app, 1)
    assert run(log_app, "prune", "--out", str(tmp_path / "a.jsonl")).exit_code == 0
    verified = run(log_app, "verify", "--checkpoint", str(early))
    assert verified.exit_code == 0, verified.output
    assert "verify-archive" in verified.output


def _fresh_key(folder: Path) -> Path:
    path = folder / "forger.key"
    path.write_bytes(checkpoints.new_signing_seed())
    return path


def _hash_of(session, seq: int) -> str:  # type: ignore[no-untyped-def]
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_prunes SET base_seq = 1",
        "DELETE FROM audit_prunes",
        # not forward of the last prune
        "INSERT INTO audit_prunes (base_seq, base_hash, cutoff, pruned_at, removed,"
        " archive_sha256, checkpoint) SELECT base_seq, base_hash, cutoff, pruned_at, 0,"
        " archive_sha256, checkpoint FROM audit_prunes",
        # forward, but naming an event that is not stored with that hash
        "INSERT INTO audit_prunes (base_seq, base_hash, cutoff, pruned_at, removed,"
        " archive_sha256, checkpoint) SELECT base_seq + 1, base_hash, cutoff, pruned_at, 0,"
        " archive_sha256, checkpoint FROM audit_prunes",
    ],
    ids=["update", "delete", "not-forward", "no-such-event"],
)
def test_prune_records_are_append_only_and_only_move_forward_to_a_stored_event(
    log_app: Flask, tmp_path: Path, statement: str
) -> None:
    append(log_app, 2, years_ago=6)
    append(log_app, 2)
    assert run(log_app, "prune", "--out", str(tmp_path / "a.jsonl")).exit_code == 0
    with in_app(log_app) as session, pytest.raises(DBAPIError):
        session.execute(text(statement))
    with in_app(log_app) as session:
        assert session.scalars(select(AuditPrune.base_seq)).all() == [2]
