"""audit archive: pruning the log past its term, from a signed checkpoint

Revision ID: 0016_audit_archive
Revises: 0015_retention
Create Date: 2026-12-02 13:30:00

``audit_prunes`` records each run of ``zorgtafel audit prune``: up to which event the log was
archived and removed, that event's hash and the signed checkpoint of it. The rows are
append-only, each must go further than the one before and name an event that is stored.

``audit_events`` still refuses UPDATE (and TRUNCATE), and refuses DELETE except of events at or
below the last recorded prune: the only deletion is the one that command makes, after it wrote
the archive and recorded the prune in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_audit_archive"
down_revision = "0015_retention"
branch_labels = None
depends_on = None

GUARDS = {
    "sqlite": [
        """CREATE TRIGGER audit_prunes_no_update BEFORE UPDATE ON audit_prunes
        BEGIN SELECT RAISE(ABORT, 'audit_prunes is append-only: UPDATE refused'); END""",
        """CREATE TRIGGER audit_prunes_no_delete BEFORE DELETE ON audit_prunes
        BEGIN SELECT RAISE(ABORT, 'audit_prunes is append-only: DELETE refused'); END""",
        """CREATE TRIGGER audit_prunes_forward_only BEFORE INSERT ON audit_prunes
        WHEN NEW.base_seq <= (SELECT coalesce(max(base_seq), 0) FROM audit_prunes)
            OR NOT EXISTS (
                SELECT 1 FROM audit_events WHERE seq = NEW.base_seq AND hash = NEW.base_hash
            )
        BEGIN SELECT RAISE(ABORT, 'audit_prunes only moves forward, to a stored event'); END""",
        "DROP TRIGGER audit_events_no_delete",
        """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        WHEN OLD.seq > (SELECT coalesce(max(base_seq), 0) FROM audit_prunes)
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END""",
    ],
    "postgresql": [
        """CREATE TRIGGER audit_prunes_append_only BEFORE UPDATE OR DELETE ON audit_prunes
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
        """CREATE TRIGGER audit_prunes_no_truncate BEFORE TRUNCATE ON audit_prunes
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
        """CREATE FUNCTION audit_prunes_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.base_seq <= (SELECT coalesce(max(base_seq), 0) FROM audit_prunes)
                OR NOT EXISTS (
                    SELECT 1 FROM audit_events WHERE seq = NEW.base_seq AND hash = NEW.base_hash
                ) THEN
                RAISE EXCEPTION 'audit_prunes only moves forward, to a stored event'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
        """CREATE TRIGGER audit_prunes_forward_only BEFORE INSERT ON audit_prunes
        FOR EACH ROW EXECUTE FUNCTION audit_prunes_forward_only()""",
        """CREATE FUNCTION audit_events_pruned_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.seq > (SELECT coalesce(max(base_seq), 0) FROM audit_prunes) THEN
                RAISE EXCEPTION 'audit_events is append-only: DELETE refused'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN OLD;
        END $$""",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
        """CREATE TRIGGER audit_events_pruned_only BEFORE DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_pruned_only()""",
    ],
}
PREVIOUS_GUARDS = {
    "sqlite": [
        "DROP TRIGGER audit_events_no_delete",
        """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END""",
    ],
    "postgresql": [
        "DROP TRIGGER audit_events_pruned_only ON audit_events",
        "DROP TRIGGER audit_events_no_update ON audit_events",
        """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
        "DROP FUNCTION audit_events_pruned_only()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "audit_prunes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_seq", sa.BigInteger(), nullable=False),
        sa.Column("base_hash", sa.String(length=64), nullable=False),
        sa.Column("cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed", sa.BigInteger(), nullable=False),
        sa.Column("archive_sha256", sa.String(length=64), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_prunes")),
    )
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in PREVIOUS_GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("audit_prunes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_prunes_forward_only()")
