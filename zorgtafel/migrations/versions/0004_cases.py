"""cases: intake (sealed identity, reporter, lookup hashes, CoMensha), stage history, consent,
original contribution text

Revision ID: 0004_cases
Revises: 0003_privacy_core
Create Date: 2026-11-23 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_cases"
down_revision = "0003_privacy_core"
branch_labels = None
depends_on = None

STAGES = ("signaal", "melding", "triage", "aanpak", "nazorg", "afgesloten")
REPORTERS = ("partner", "professional", "parent", "young_person", "anonymous")
REASONS = (
    "intake",
    "signals_confirmed",
    "reported",
    "triage_done",
    "plan_agreed",
    "goals_reached",
    "no_concerns",
    "transferred",
    "relapse",
    "correction",
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column(
                "reported_by",
                sa.Enum(*REPORTERS, name="reporter", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("reporter_partner_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("identity", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("bsn_lookup", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("name_lookup", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("comensha_reported_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("comensha_reported_by", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("comensha_with_identity", sa.Boolean(), nullable=True))
        batch.create_index(batch.f("ix_cases_bsn_lookup"), ["bsn_lookup"], unique=False)
        batch.create_index(batch.f("ix_cases_name_lookup"), ["name_lookup"], unique=False)
    with op.batch_alter_table("contributions") as batch:
        batch.add_column(sa.Column("original", sa.LargeBinary(), nullable=True))
        batch.add_column(
            sa.Column("replacements", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("contributions") as batch:
        batch.alter_column("replacements", server_default=None)
    op.create_table(
        "case_stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_stage",
            sa.Enum(*STAGES, name="stage", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column(
            "to_stage",
            sa.Enum(*STAGES, name="stage", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(*REASONS, name="stagereason", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("changed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_stage_changes_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_stage_changes_changed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_stage_changes")),
    )
    op.create_index(
        op.f("ix_case_stage_changes_case_id"), "case_stage_changes", ["case_id"], unique=False
    )
    op.create_table(
        "case_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_consents_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
            name=op.f("fk_case_consents_recorded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_consents")),
    )
    op.create_index(op.f("ix_case_consents_case_id"), "case_consents", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_consents_case_id"), table_name="case_consents")
    op.drop_table("case_consents")
    op.drop_index(op.f("ix_case_stage_changes_case_id"), table_name="case_stage_changes")
    op.drop_table("case_stage_changes")
    with op.batch_alter_table("contributions") as batch:
        batch.drop_column("replacements")
        batch.drop_column("original")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index(batch.f("ix_cases_name_lookup"))
        batch.drop_index(batch.f("ix_cases_bsn_lookup"))
        for column in (
            "comensha_with_identity",
            "comensha_reported_by",
            "comensha_reported_on",
            "name_lookup",
            "bsn_lookup",
            "identity",
            "reporter_partner_code",
            "reported_by",
        ):
            batch.drop_column(column)
