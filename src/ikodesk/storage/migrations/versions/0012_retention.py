"""retention: periods per code, legal holds, the destruction register

Revision ID: 0012
Revises: 0011
Create Date: 2027-02-01 10:00:00.000000

Issue #18 (AVG). `retention_periods` holds the period per scope (a case code,
or "mediation") once an administrator set or confirmed it; a scope without a
row has the built-in default, shown as unconfirmed (services.retention).
`legal_holds` keeps a case's personal data past its period. `destruction_runs`
is the destruction register, `anonymised_cases`/`anonymised_mediations` what
each run anonymised: each retention run's date, who, the approver,
counts and a hash of the references (no personal data). The office server's
grants and row-level security for them are in storage/server/sql/security.sql.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_periods",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_retention_periods")),
    )
    op.create_table(
        "legal_holds",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_legal_holds_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_legal_holds")),
    )
    op.create_table(
        "destruction_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("run_by", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("mediations", sa.Integer(), nullable=False),
        sa.Column("search_terms", sa.Integer(), nullable=False),
        sa.Column("refs_hash", sa.String(length=64), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_runs")),
    )
    op.create_table(
        "anonymised_cases",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_anonymised_cases_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["destruction_runs.id"],
            name=op.f("fk_anonymised_cases_run_id_destruction_runs"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_anonymised_cases")),
    )
    op.create_table(
        "anonymised_mediations",
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["mediations.id"],
            name=op.f("fk_anonymised_mediations_mediation_id_mediations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["destruction_runs.id"],
            name=op.f("fk_anonymised_mediations_run_id_destruction_runs"),
        ),
        sa.PrimaryKeyConstraint("mediation_id", name=op.f("pk_anonymised_mediations")),
    )


def downgrade() -> None:
    op.drop_table("anonymised_mediations")
    op.drop_table("anonymised_cases")
    op.drop_table("destruction_runs")
    op.drop_table("legal_holds")
    op.drop_table("retention_periods")
