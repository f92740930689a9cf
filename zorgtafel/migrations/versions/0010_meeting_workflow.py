"""meeting workflow: when a meeting was closed (the chair may reopen it that day); who
recorded the withdrawal of a consent

Revision ID: 0010_meeting_workflow
Revises: 0007_involvements_by_partner
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_meeting_workflow"
down_revision = "0007_involvements_by_partner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("case_consents") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_consents_withdrawn_by_user_id_users"),
            "users",
            ["withdrawn_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("case_consents") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_consents_withdrawn_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("withdrawn_by_user_id")
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_column("closed_at")
