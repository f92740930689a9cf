"""minutes: an agenda item's minutes (draft versions, sealed paragraphs), decisions, actions

Revision ID: 0011_minutes
Revises: 0010_meeting_workflow
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_minutes"
down_revision = "0010_meeting_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "final", name="minutesstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalised_by_user_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_minutes_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["finalised_by_user_id"],
            ["users.id"],
            name=op.f("fk_minutes_finalised_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes")),
        sa.UniqueConstraint("agenda_item_id", name=op.f("uq_minutes_agenda_item_id")),
    )
    op.create_table(
        "minutes_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("saved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("is_addendum", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["minutes.id"],
            name=op.f("fk_minutes_versions_minutes_id_minutes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_user_id"],
            ["users.id"],
            name=op.f("fk_minutes_versions_saved_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_versions")),
        sa.UniqueConstraint("minutes_id", "number", name=op.f("uq_minutes_versions_minutes_id")),
    )
    op.create_table(
        "minutes_paragraphs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "part",
            sa.Enum(
                "discussion",
                "assessment",
                "conclusion",
                name="minutespart",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["minutes_versions.id"],
            name=op.f("fk_minutes_paragraphs_version_id_minutes_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_paragraphs")),
    )
    with op.batch_alter_table("minutes_paragraphs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_paragraphs_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"],
            name=op.f("fk_decisions_agenda_item_id_agenda_items"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_decisions_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"],
            name=op.f("fk_decisions_created_by_user_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_decisions_case_id")),
    )  # fmt: skip
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_agenda_item_id"), ["agenda_item_id"], unique=False
        )
    statuses = ("open", "done", "not_possible", "not_done", "lapsed")
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("owner_partner_code", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*statuses, name="actionstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("description", sa.LargeBinary(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"],
            name=op.f("fk_action_items_agenda_item_id_agenda_items"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_action_items_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"],
            name=op.f("fk_action_items_created_by_user_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )  # fmt: skip
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_items_owner",
            ["owner_partner_code", "status", "due_on", "id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_action_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_items_agenda_item_id"), ["agenda_item_id"], unique=False
        )
    op.create_table(
        "action_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(*statuses, name="actionstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(*statuses, name="actionstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("review_item_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("changed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action_items.id"],
            name=op.f("fk_action_changes_action_id_action_items"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"], ["users.id"],
            name=op.f("fk_action_changes_changed_by_user_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_item_id"], ["agenda_items.id"],
            name=op.f("fk_action_changes_review_item_id_agenda_items"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_changes")),
    )  # fmt: skip
    with op.batch_alter_table("action_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_changes_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_changes_review_item_id"), ["review_item_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("action_changes")
    op.drop_table("action_items")
    op.drop_table("decisions")
    with op.batch_alter_table("minutes_paragraphs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_paragraphs_version_id"))
    op.drop_table("minutes_paragraphs")
    op.drop_table("minutes_versions")
    op.drop_table("minutes")
