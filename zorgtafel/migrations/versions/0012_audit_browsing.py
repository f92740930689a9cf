"""audit browsing: indexes for the privacy officer's filters on the chained log; the anomaly
rules' triage queue (signals) and how far the rules have read the log (cursor); the privacy
officer's log reviews and the recorded outcomes of scheduled chain checks

Revision ID: 0012_audit_browsing
Revises: 0011_minutes
Create Date: 2026-12-02 06:00:00

The audit browser pages by ``seq`` (keyset); filtered by case, user or organisation it walks
one of these indexes in ``seq`` order and stops after a page, however deep the page. The period
filter and the release matrix use ``occurred_at``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_audit_browsing"
down_revision = "0011_minutes"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_events_object": ["object_id", "seq"],
    "ix_audit_events_actor_user": ["actor_user_id", "seq"],
    "ix_audit_events_actor_org": ["actor_org", "seq"],
    "ix_audit_events_occurred_at": ["occurred_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_events", columns, unique=False)
    op.create_table(
        "anomaly_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomaly_signals")),
        sa.UniqueConstraint("rule", "key", name=op.f("uq_anomaly_signals_rule")),
    )
    op.create_table(
        "anomaly_cursor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_anomaly_cursor_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomaly_cursor")),
    )

    op.create_table(
        "log_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("sample", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_reviews")),
    )
    op.create_table(
        "audit_chain_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("problem", sa.String(length=300), nullable=True),
        sa.Column("checkpoint_size", sa.BigInteger(), nullable=True),
        sa.Column("checkpoint_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_checks")),
    )


def downgrade() -> None:
    op.drop_table("audit_chain_checks")
    op.drop_table("log_reviews")
    op.drop_table("anomaly_cursor")
    op.drop_table("anomaly_signals")
    for name in INDEXES:
        op.drop_index(name, table_name="audit_events")
