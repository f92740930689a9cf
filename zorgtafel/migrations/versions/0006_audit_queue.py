"""audit queue: events wait here for the sequencer; the head moves to any stored event

Revision ID: 0006_audit_queue
Revises: 0005_meetings
Create Date: 2026-11-29 14:00:00

On PostgreSQL the disclosing transaction writes its events to ``audit_queue`` and a sequencer
chains them in batches after the commit (see ``zorgtafel.audit.sequencer``). Queued rows can be
inserted and deleted (the sequencer deletes what it chained), never updated.

The head's guard changes from "forward by exactly one" (one UPDATE per event) to "forward, to
an event that is stored with that hash": a batch moves the head once, and the head can no
longer name an event that is not there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_audit_queue"
down_revision = "0005_meetings"
branch_labels = None
depends_on = None

GUARDS = {
    "sqlite": [
        """CREATE TRIGGER audit_queue_no_update BEFORE UPDATE ON audit_queue
        BEGIN SELECT RAISE(ABORT, 'audit_queue: UPDATE refused'); END""",
        "DROP TRIGGER audit_head_forward_only",
        """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
        WHEN NEW.seq <= OLD.seq OR NOT EXISTS (
            SELECT 1 FROM audit_events WHERE seq = NEW.seq AND hash = NEW.hash
        )
        BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward, to a stored event'); END""",
    ],
    "postgresql": [
        """CREATE TRIGGER audit_queue_no_update BEFORE UPDATE ON audit_queue
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
        """CREATE TRIGGER audit_queue_no_truncate BEFORE TRUNCATE ON audit_queue
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
        """CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq OR NOT EXISTS (
                SELECT 1 FROM audit_events WHERE seq = NEW.seq AND hash = NEW.hash
            ) THEN
                RAISE EXCEPTION 'audit_head only moves forward, to a stored event'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
    ],
}
PREVIOUS_HEAD_GUARD = {
    "sqlite": [
        "DROP TRIGGER audit_head_forward_only",
        """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
        WHEN NEW.seq != OLD.seq + 1
        BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward by one'); END""",
        "DROP TRIGGER audit_queue_no_update",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' OR NEW.seq <> OLD.seq + 1 THEN
                RAISE EXCEPTION 'audit_head only moves forward by one'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
        "DROP TRIGGER audit_queue_no_truncate ON audit_queue",
        "DROP TRIGGER audit_queue_no_update ON audit_queue",
    ],
}


def upgrade() -> None:
    op.create_table(
        "audit_queue",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_org", sa.String(length=40), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("object_type", sa.String(length=30), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("categories", sa.String(length=400), nullable=True),
        sa.Column("convenant_id", sa.String(length=80), nullable=True),
        sa.Column("convenant_version", sa.String(length=20), nullable=True),
        sa.Column("convenant_hash", sa.String(length=64), nullable=True),
        sa.Column("convenant_article", sa.String(length=40), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("client_address", sa.String(length=45), nullable=True),
        sa.Column("request_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_queue")),
    )
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in PREVIOUS_HEAD_GUARD[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("audit_queue")
