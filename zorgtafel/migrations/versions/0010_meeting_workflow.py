"""meeting workflow: when a meeting was closed (the chair may reopen it that day); who
recorded the withdrawal of a consent; the changes to published agendas, per partner concerned

Revision ID: 0010_meeting_workflow
Revises: 0009_contribution_saves
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_meeting_workflow"
down_revision = "0009_contribution_saves"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agenda_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "item_added",
                "item_removed",
                "seated",
                "unseated",
                name="changekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("changed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_agenda_changes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"],
            ["users.id"],
            name=op.f("fk_agenda_changes_changed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_changes")),
    )
    op.create_index(
        op.f("ix_agenda_changes_meeting_id"), "agenda_changes", ["meeting_id"], unique=False
    )
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
    op.drop_index(op.f("ix_agenda_changes_meeting_id"), table_name="agenda_changes")
    op.drop_table("agenda_changes")
    with op.batch_alter_table("case_consents") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_consents_withdrawn_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("withdrawn_by_user_id")
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_column("closed_at")
