"""minutes: an agenda item's minutes, their draft versions and sealed paragraphs

Revision ID: 0011_minutes
Revises: 0007_involvements_by_partner (re-chained by the lead when merged)
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_minutes"
down_revision = "0007_involvements_by_partner"
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


def downgrade() -> None:
    with op.batch_alter_table("minutes_paragraphs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_paragraphs_version_id"))
    op.drop_table("minutes_paragraphs")
    op.drop_table("minutes_versions")
    op.drop_table("minutes")
