"""release scope: the municipality a figures release is about, and the protected whole it
was cut from

Revision ID: 0022_release_scope
Revises: 0021_minutes_texts
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_release_scope"
down_revision = "0021_minutes_texts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figure_releases") as batch:
        batch.add_column(sa.Column("municipality", sa.String(length=6), nullable=True))
        batch.add_column(sa.Column("whole", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("figure_releases") as batch:
        batch.drop_column("whole")
        batch.drop_column("municipality")
