"""contribution saves: each preview's (and preparation form's) save works once

Revision ID: 0009_contribution_saves
Revises: 0008_login_state
Create Date: 2026-12-02 06:20:00

A save claims its form's random nonce (the primary key) before it stores; a second submit of
the same form finds the claim and shows the contribution it made.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_contribution_saves"
down_revision = "0008_login_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contribution_saves",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_contribution_saves_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_contribution_saves_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_contribution_saves_contribution_id_contributions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_contribution_saves")),
    )


def downgrade() -> None:
    op.drop_table("contribution_saves")
