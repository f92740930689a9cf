"""access requests (AVG art. 15): the cases a request concerns and partners' partial refusals;
an action's optional named user

Revision ID: 0019_access_requests
Revises: 0016_audit_archive
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_access_requests"
down_revision = "0016_audit_archive"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_access_requests_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_requests")),
    )
    op.create_table(
        "access_request_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["access_requests.id"],
            name=op.f("fk_access_request_cases_request_id_access_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_access_request_cases_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request_cases")),
        sa.UniqueConstraint(
            "request_id", "case_id", name=op.f("uq_access_request_cases_request_id")
        ),
    )
    op.create_table(
        "access_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("ground", sa.String(length=20), nullable=False),
        sa.Column("explanation", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["access_requests.id"],
            name=op.f("fk_access_refusals_request_id_access_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_access_refusals_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_access_refusals_recorded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_refusals")),
        sa.UniqueConstraint(
            "request_id",
            "case_id",
            "partner_code",
            "category_code",
            name=op.f("uq_access_refusals_request_id"),
        ),
    )

    # issue 14 point 4: an action's optional named user of the owner organisation
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("assignee_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_action_items_assignee_user_id_users"),
            "users",
            ["assignee_user_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("action_items") as batch:
        batch.drop_constraint(op.f("fk_action_items_assignee_user_id_users"), type_="foreignkey")
        batch.drop_column("assignee_user_id")
    op.drop_table("access_refusals")
    op.drop_table("access_request_cases")
    op.drop_table("access_requests")
