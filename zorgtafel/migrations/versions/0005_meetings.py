"""meetings: meetings, agenda items, seats at the table, attendance, pledges; case follow-up date

Revision ID: 0005_meetings
Revises: 0003_privacy_core (re-chained after 0004_cases when merged)
Create Date: 2026-11-23 06:31:28.439620
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_meetings"
down_revision = "0004_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("convenant_version_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "in_session",
                "closed",
                name="meetingstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("preparation_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_position", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["convenant_version_id"],
            ["convenant_versions.id"],
            name=op.f("fk_meetings_convenant_version_id_convenant_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_meetings_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("new", "progress", "closing", name="itemkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_agenda_items_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_agenda_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint("meeting_id", "case_id", name=op.f("uq_agenda_items_meeting_id")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_items_case_id"), ["case_id"], unique=False)

    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "apologies",
                "absent",
                name="attendancestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_attendances_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_attendances_recorded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
        sa.UniqueConstraint("meeting_id", "partner_code", name=op.f("uq_attendances_meeting_id")),
    )
    op.create_table(
        "confidentiality_pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_confidentiality_pledges_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_confidentiality_pledges_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidentiality_pledges")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_confidentiality_pledges_meeting_id")
        ),
    )
    op.create_table(
        "table_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_table_seats_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_seats")),
        sa.UniqueConstraint(
            "agenda_item_id", "partner_code", name=op.f("uq_table_seats_agenda_item_id")
        ),
    )
    with op.batch_alter_table("table_seats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_table_seats_partner_code"), ["partner_code"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("follow_up_on")

    with op.batch_alter_table("table_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_seats_partner_code"))

    op.drop_table("table_seats")
    op.drop_table("confidentiality_pledges")
    op.drop_table("attendances")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_case_id"))

    op.drop_table("agenda_items")
    op.drop_table("meetings")
