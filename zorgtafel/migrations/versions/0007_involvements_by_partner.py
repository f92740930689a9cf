"""involvements by partner: a partner's case list looks its need-to-know up by organisation

Revision ID: 0007_involvements_by_partner
Revises: 0006_audit_queue
Create Date: 2026-12-02 01:30:00

``ix_involvements_case_partner`` (case, partner) serves "which organisations know this case";
a partner's list asks the other way round ("which cases does this organisation know"), which
without this index reads every involvement of every case.
"""

from __future__ import annotations

from alembic import op

revision = "0007_involvements_by_partner"
down_revision = "0006_audit_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_involvements_partner_case", "involvements", ["partner_code", "case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_involvements_partner_case", table_name="involvements")
