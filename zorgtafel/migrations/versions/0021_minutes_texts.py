"""minutes texts: single-use nonces of previewed decision, action and reason saves

Revision ID: 0021_minutes_texts
Revises: 0019_access_requests
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_minutes_texts"
down_revision = "0019_access_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcome_saves",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_outcome_saves_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_outcome_saves_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_outcome_saves")),
    )
    op.create_index(op.f("ix_outcome_saves_case_id"), "outcome_saves", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outcome_saves_case_id"), table_name="outcome_saves")
    op.drop_table("outcome_saves")
