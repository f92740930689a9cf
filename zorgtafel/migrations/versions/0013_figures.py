"""figures: a case's coded profile (what the figures count) and the ledger of released tables

Revision ID: 0013_figures
Revises: 0012_audit_browsing
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_figures"
down_revision = "0012_audit_browsing"
branch_labels = None
depends_on = None

AGE_BANDS = ("under_12", "12_15", "16_17", "18_22", "23_plus")
GENDERS = ("female", "male", "other")
FORMS = ("sexual", "criminal", "labour", "other")
SOURCES = (
    "police", "school", "youth_care", "health_care", "veilig_thuis", "neighbourhood_team",
    "family", "young_person", "other",
)  # fmt: skip
REASONS = (
    "no_consent", "privacy_doubt", "not_confirmed", "reported_elsewhere", "not_yet", "other",
)  # fmt: skip


def _code(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=30)


def upgrade() -> None:
    op.create_table(
        "case_profiles",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=6), nullable=True),
        sa.Column("age_band", _code(AGE_BANDS, "ageband"), nullable=True),
        sa.Column("gender", _code(GENDERS, "gender"), nullable=True),
        sa.Column("exploitation", _code(FORMS, "exploitation"), nullable=True),
        sa.Column("signal_source", _code(SOURCES, "signalsource"), nullable=True),
        sa.Column("comensha_reason", _code(REASONS, "notregisteredreason"), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_case_profiles_municipality", "case_profiles", ["municipality"])
    op.create_table(
        "figure_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("medium", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("rounding", sa.Integer(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_figure_releases_released_at", "figure_releases", ["released_at"])


def downgrade() -> None:
    op.drop_index("ix_figure_releases_released_at", table_name="figure_releases")
    op.drop_table("figure_releases")
    op.drop_index("ix_case_profiles_municipality", table_name="case_profiles")
    op.drop_table("case_profiles")
