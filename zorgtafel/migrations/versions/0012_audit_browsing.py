"""audit browsing: indexes for the privacy officer's filters on the chained log

Revision ID: 0012_audit_browsing
Revises: 0007_involvements_by_partner
Create Date: 2026-12-02 06:00:00

The audit browser pages by ``seq`` (keyset); filtered by case, user or organisation it walks
one of these indexes in ``seq`` order and stops after a page, however deep the page. The period
filter and the release matrix use ``occurred_at``.
"""

from __future__ import annotations

from alembic import op

revision = "0012_audit_browsing"
down_revision = "0007_involvements_by_partner"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_events_object": ["object_id", "seq"],
    "ix_audit_events_actor_user": ["actor_user_id", "seq"],
    "ix_audit_events_actor_org": ["actor_org", "seq"],
    "ix_audit_events_occurred_at": ["occurred_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_events", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="audit_events")
