"""convenant versions

Revision ID: 0002_convenant
Revises: 0001_accounts
Create Date: 2026-11-23 06:11:32.447220
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_convenant"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "convenant_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convenant_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_until", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_convenant_versions")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_convenant_versions_content_hash")),
        sa.UniqueConstraint(
            "convenant_id", "version", name=op.f("uq_convenant_versions_convenant_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("convenant_versions")
