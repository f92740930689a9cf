"""login state on the server: pending half-logins, and the login throttle's shared store

Revision ID: 0008_login_state
Revises: 0007_involvements_by_partner
Create Date: 2026-12-02 06:10:00

``pending_logins`` holds a login whose password was accepted and whose second factor is still
to come; the cookie carries a random token whose SHA-256 is the row's key, and the row is
deleted when the second step logs in (issue 12 point 4).

``rate_limit_entries`` and ``rate_limit_counters`` are the login throttle's store, shared by
every app process (``zorgtafel.core.throttle_store``; issue 12 point 5). On SQLite the app keeps
them in a file of their own; the tables exist here too so the schema is one on both backends.

``user_sessions.confirmed_at``: when a code was last confirmed again in a session, for the
steps that need a fresh login (issue 12 point 11).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_login_state"
down_revision = "0007_involvements_by_partner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pending_logins_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_logins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_logins_token_hash")),
    )
    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_logins_user_id"), ["user_id"], unique=False)

    op.create_table(
        "rate_limit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_entries")),
    )
    with op.batch_alter_table("rate_limit_entries", schema=None) as batch_op:
        batch_op.create_index("ix_rate_limit_entries_key_at", ["key", "at"], unique=False)
        batch_op.create_index("ix_rate_limit_entries_expires_at", ["expires_at"], unique=False)
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counters")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("rate_limit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_entries_expires_at")
        batch_op.drop_index("ix_rate_limit_entries_key_at")
    op.drop_table("rate_limit_entries")
    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_logins_user_id"))
    op.drop_table("pending_logins")
