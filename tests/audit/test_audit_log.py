"""The audit log: NEN 7513 fields, append-only in the database, every kind of tampering caught."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.fixtures.app import in_app
from zorgtafel.audit import chain
from zorgtafel.audit.log import head, verify_log
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.operations import Actor, record
from zorgtafel.audit.vocabulary import AuditAction, Basis, Level, ObjectType, Outcome, Purpose
from zorgtafel.cli import cli

EVENTS = 10


def append(app: Flask, count: int = EVENTS) -> None:
    with in_app(app):
        for number in range(count):
            record(
                AuditAction.read,
                actor=Actor(7, "politie", "partner"),
                object_type=ObjectType.case,
                object_id=f"ZT-2026-{number:04d}",
                level=Level.content,
                categories=("signalen",),
                purpose=Purpose.case_conference,
            )


def test_an_event_holds_the_nen_7513_fields_and_no_content(app: Flask) -> None:
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "198.51.100.4"}):
        record(
            AuditAction.read,
            actor=Actor(3, "veilig-thuis", "partner"),
            object_type=ObjectType.case,
            object_id="ZT-2026-0042",
            level=Level.content,
            categories=("signalen", "gezondheid", "signalen"),
            article="art. 7.2",
            purpose=Purpose.case_conference,
            reason=Basis.coordinator,
        )
        db_session().commit()
        event = db_session().scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert event is not None
        assert event.occurred_at.tzinfo is not None
        assert (event.actor_user_id, event.actor_org, event.actor_role) == (
            3,
            "veilig-thuis",
            "partner",
        )
        assert (event.action, event.outcome, event.object_id) == ("read", "allowed", "ZT-2026-0042")
        assert event.categories == "gezondheid,signalen"
        assert event.client_address == "198.51.100.4"
        assert event.request_id
        assert event.hash == chain.event_hash([getattr(event, f) for f in chain.FIELDS])
        assert head(db_session().connection()).head_hash == event.hash


def db_session() -> Session:
    from zorgtafel.core.db import db

    return db.session


@pytest.mark.parametrize("field", ["purpose", "reason", "object_type", "object_id"])
def test_free_text_is_refused(app: Flask, field: str) -> None:
    with app.app_context(), pytest.raises((TypeError, ValueError), match=r"code|pseudonym") as info:
        record(AuditAction.read, **{field: "Jan de Vries las het dossier"})
    assert "Jan" not in str(info.value)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET object_id = 'ZT-2026-9999' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 2",
        "DELETE FROM audit_events",
        "UPDATE audit_head SET seq = 1",
        "UPDATE audit_head SET seq = seq + 1",
        "UPDATE audit_head SET hash = 'f'",
        "DELETE FROM audit_head",
        "UPDATE audit_queue SET object_id = 'ZT-2026-9999'",
    ],
)
def test_the_database_refuses_to_change_the_log(app: Flask, statement: str) -> None:
    append(app, 3)
    refused = r"append-only|only moves forward|cannot be deleted|UPDATE refused"
    with in_app(app) as session:
        queue_one(session)
        with pytest.raises(DBAPIError, match=refused), session.begin_nested():
            session.execute(text(statement))
        assert verify_log(session.connection()).ok


def queue_one(session: Session) -> None:
    """Put one event in the queue, as a disclosing transaction on PostgreSQL does."""
    from zorgtafel.audit.operations import CLI_ACTOR, event
    from zorgtafel.audit.sequencer import enqueue

    enqueue(
        session.connection(),
        [event(AuditAction.read, actor=CLI_ACTOR, object_type=ObjectType.case)],
    )


@pytest.mark.parametrize("table", ["audit_events", "audit_queue"])
def test_truncate_is_refused_on_postgresql(app: Flask, backend: str, table: str) -> None:
    if backend != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL (on SQLite DELETE is refused above)")
    append(app, 2)
    with in_app(app) as session:
        queue_one(session)
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(f"TRUNCATE {table}"))


# --- tampering, by someone who dropped the triggers ----------------------------------------


def drop_triggers(session: Session) -> None:
    if session.bind.dialect.name == "sqlite":  # type: ignore[union-attr]
        for name in ("audit_events_no_update", "audit_events_no_delete", "audit_head_forward_only"):
            session.execute(text(f"DROP TRIGGER {name}"))
    else:
        session.execute(text("DROP TRIGGER audit_events_no_update ON audit_events"))
        session.execute(text("DROP TRIGGER audit_events_pruned_only ON audit_events"))
        session.execute(text("DROP TRIGGER audit_head_forward_only ON audit_head"))


def rows(session: Session) -> list[dict[str, Any]]:
    table = AuditEvent.__table__
    return [dict(r._mapping) for r in session.execute(select(table).order_by(table.c.seq))]


def rehash(row: dict[str, Any]) -> str:
    return chain.event_hash([row[name] for name in chain.FIELDS])


def put(session: Session, row: dict[str, Any], old_seq: int | None = None) -> None:
    """Write ``row`` over the event now at ``old_seq`` (default: its own seq)."""
    values = {k: v for k, v in row.items()}
    session.execute(
        AuditEvent.__table__.update()
        .where(AuditEvent.__table__.c.seq == (old_seq if old_seq is not None else row["seq"]))
        .values(**values)
    )


def set_head(session: Session, seq: int, hash_: str) -> None:
    statement = text("UPDATE audit_head SET seq = :seq, hash = :hash")
    session.execute(statement, {"seq": seq, "hash": hash_})


def delete_from(session: Session, seq: int) -> None:
    session.execute(text("DELETE FROM audit_events WHERE seq >= :seq"), {"seq": seq})


def shift(session: Session, from_seq: int, by: int) -> None:
    """Renumber events from ``from_seq`` on by ``by`` (one by one, keeping the key unique)."""
    numbers = [r["seq"] for r in rows(session) if r["seq"] >= from_seq]
    for seq in sorted(numbers, reverse=by > 0):
        statement = text("UPDATE audit_events SET seq = :new WHERE seq = :old")
        session.execute(statement, {"new": seq + by, "old": seq})


def alter(session: Session) -> None:
    session.execute(text("UPDATE audit_events SET object_id = 'ZT-2026-6666' WHERE seq = 5"))


def alter_and_rehash(session: Session) -> None:
    row = rows(session)[4]
    row["outcome"] = "refused"
    row["hash"] = rehash(row)
    put(session, row)


def remove(session: Session) -> None:
    session.execute(text("DELETE FROM audit_events WHERE seq = 5"))


def remove_and_renumber(session: Session) -> None:
    remove(session)
    shift(session, 6, -1)


def remove_last(session: Session) -> None:
    delete_from(session, EVENTS)


def insert_and_renumber(session: Session) -> None:
    before = rows(session)[3]
    shift(session, 5, +1)
    forged = {**before, "seq": 5, "object_id": "ZT-2026-7777", "prev_hash": before["hash"]}
    forged["hash"] = rehash(forged)
    session.execute(AuditEvent.__table__.insert().values(**forged))


def reorder(session: Session) -> None:
    session.execute(text("UPDATE audit_events SET seq = -1 WHERE seq = 5"))
    session.execute(text("UPDATE audit_events SET seq = 5 WHERE seq = 6"))
    session.execute(text("UPDATE audit_events SET seq = 6 WHERE seq = -1"))


def insert_with_a_forged_link(session: Session) -> None:
    last = rows(session)[-1]
    forged = {**last, "seq": EVENTS + 1, "prev_hash": "f" * 64}
    forged["hash"] = rehash(forged)
    session.execute(AuditEvent.__table__.insert().values(**forged))
    set_head(session, EVENTS + 1, forged["hash"])


TAMPERING: list[tuple[Callable[[Session], None], int, chain.Tampering]] = [
    (alter, 5, chain.Tampering.altered),
    (alter_and_rehash, 5, chain.Tampering.altered),
    (remove, 5, chain.Tampering.removed),
    (remove_and_renumber, 5, chain.Tampering.removed),
    (remove_last, EVENTS, chain.Tampering.removed),
    (insert_and_renumber, 5, chain.Tampering.inserted),
    (reorder, 5, chain.Tampering.reordered),
    (insert_with_a_forged_link, EVENTS, chain.Tampering.altered),
]


@pytest.mark.parametrize(
    ("tamper", "seq", "kind"), TAMPERING, ids=[t[0].__name__ for t in TAMPERING]
)
def test_verify_names_the_first_bad_event_and_what_happened(
    app: Flask, tamper: Callable[[Session], None], seq: int, kind: chain.Tampering
) -> None:
    append(app)
    with in_app(app) as session:
        assert verify_log(session.connection()).count == EVENTS
        drop_triggers(session)
        tamper(session)
        result = verify_log(session.connection())
    assert result.problem is not None
    assert (result.problem.seq, result.problem.kind) == (seq, kind), result.problem
    verified = app.test_cli_runner().invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 1
    assert f"volgnummer {seq}: {chain.TAMPERING_NL[kind]}" in verified.output


def test_verify_reports_count_and_head_hash(app: Flask) -> None:
    append(app)
    result = app.test_cli_runner().invoke(cli, ["audit", "verify"])
    with in_app(app) as session:
        anchor = head(session.connection())
    assert result.exit_code == 0
    first, begins = result.output.splitlines()
    assert first == f"auditlog intact: {anchor.size} gebeurtenissen, kop {anchor.head_hash}"
    assert begins.strip().startswith("geverifieerde keten begint bij volgnummer 1")


# --- checkpoints ---------------------------------------------------------------------------


def checkpoint(app: Flask, folder: Path) -> Path:
    out = folder / "checkpoint.txt"
    result = app.test_cli_runner().invoke(cli, ["audit", "checkpoint", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def verify_against(app: Flask, note: Path, *extra: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(cli, ["audit", "verify", "--checkpoint", str(note), *extra])


def test_checkpoint_is_a_signed_note(app: Flask, signing_key: Path, tmp_path: Path) -> None:
    append(app)
    note = checkpoint(app, tmp_path).read_text(encoding="utf-8")
    lines = note.split("\n")
    origin = app.extensions["zorgtafel.settings"]["audit.origin"]
    with in_app(app) as session:
        size = head(session.connection()).size
    assert lines[:2] == [origin, str(size)]
    assert lines[3] == ""
    assert lines[4].startswith(f"\u2014 {origin} ")
    assert note.endswith("\n")
    assert verify_against(app, tmp_path / "checkpoint.txt").exit_code == 0


def test_a_log_cut_back_below_a_checkpoint_is_caught(
    app: Flask, signing_key: Path, tmp_path: Path
) -> None:
    append(app)
    note = checkpoint(app, tmp_path)
    with in_app(app) as session:
        drop_triggers(session)
        size = head(session.connection()).size
        delete_from(session, size - 1)
        last = rows(session)[-1]
        set_head(session, last["seq"], last["hash"])
    assert app.test_cli_runner().invoke(cli, ["audit", "verify"]).exit_code == 0  # looks fine
    result = verify_against(app, note)
    assert result.exit_code == 1
    assert f"volgnummer {size - 1}: verwijderd" in result.output


def test_a_rehashed_chain_is_caught_by_a_checkpoint(
    app: Flask, signing_key: Path, tmp_path: Path
) -> None:
    append(app)
    note = checkpoint(app, tmp_path)
    with in_app(app) as session:
        drop_triggers(session)
        events = rows(session)
        start = len(events) - EVENTS + 2
        prev = events[start - 1]["hash"]
        for row in events[start:]:
            row["object_id"] = "ZT-2026-0000" if row is events[start] else row["object_id"]
            row["prev_hash"] = prev
            row["hash"] = prev = rehash(row)
            put(session, row)
        set_head(session, events[-1]["seq"], prev)
    assert app.test_cli_runner().invoke(cli, ["audit", "verify"]).exit_code == 0
    result = verify_against(app, note)
    assert result.exit_code == 1
    assert "gewijzigd" in result.output


def test_a_checkpoint_older_than_the_head_is_compared_at_its_own_size(
    app: Flask, signing_key: Path, tmp_path: Path
) -> None:
    """The log grew after the checkpoint: it still holds, and a chain re-hashed from below
    the checkpoint's size is caught by the hash stored at that size, not the head's."""
    append(app)
    note = checkpoint(app, tmp_path)
    with in_app(app) as session:
        size = head(session.connection()).size
    append(app)
    result = verify_against(app, note)
    assert result.exit_code == 0, result.output
    with in_app(app) as session:
        drop_triggers(session)
        events = rows(session)
        assert len(events) == size + EVENTS
        start = size - 3  # rewritten from three events below the checkpoint to the end
        prev = events[start - 1]["hash"]
        for row in events[start:]:
            row["object_id"] = "ZT-2026-0000" if row is events[start] else row["object_id"]
            row["prev_hash"] = prev
            row["hash"] = prev = rehash(row)
            put(session, row)
        set_head(session, events[-1]["seq"], prev)
    assert app.test_cli_runner().invoke(cli, ["audit", "verify"]).exit_code == 0  # looks fine
    result = verify_against(app, note)
    assert result.exit_code == 1
    assert f"volgnummer {size}: gewijzigd" in result.output


def test_a_forged_or_foreign_checkpoint_is_refused(
    app: Flask, signing_key: Path, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from zorgtafel.audit.checkpoint import verifier_key

    append(app)
    note = checkpoint(app, tmp_path)
    forged = tmp_path / "forged.txt"
    lines = note.read_text(encoding="utf-8").split("\n")
    lines[1] = str(int(lines[1]) + 5)
    forged.write_text("\n".join(lines), encoding="utf-8")
    result = verify_against(app, forged)
    assert result.exit_code == 1
    assert "handtekening" in result.output
    origin = app.extensions["zorgtafel.settings"]["audit.origin"]
    stranger = verifier_key(origin, Ed25519PrivateKey.generate())
    result = verify_against(app, note, "--vkey", stranger)
    assert result.exit_code == 1
    assert "niet ondertekend" in result.output


def test_the_vkey_command_prints_a_verifier_key(app: Flask, signing_key: Path) -> None:
    result = app.test_cli_runner().invoke(cli, ["audit", "vkey"])
    origin = app.extensions["zorgtafel.settings"]["audit.origin"]
    assert result.exit_code == 0
    assert result.output.startswith(f"{origin}+")


def test_outcome_codes_are_what_is_stored() -> None:
    assert {o.value for o in Outcome} == {"allowed", "refused"}


def test_several_events_appended_at_once_chain_like_single_ones(app: Flask) -> None:
    from zorgtafel.audit.operations import event, record_all

    append(app, 2)
    codes = [f"ZT-2026-000{n}" for n in range(4)]
    with in_app(app) as session:
        before = head(session.connection()).size
        record_all(
            [event(AuditAction.read, object_type=ObjectType.case, object_id=code) for code in codes]
        )
    with in_app(app) as session:
        anchor = head(session.connection())
        last = session.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
        assert [e.object_id for e in last] == codes
        assert [e.seq for e in last] == list(range(before + 1, before + 5))
        assert (anchor.size, anchor.head_hash) == (last[-1].seq, last[-1].hash)
        assert verify_log(session.connection()).ok
