"""frozen figures: who froze a published figure and when, earlier versions, report texts

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-10 10:00:00.000000

Issue #14. `historical_figures` holds a year's published figures; a figure
stored by freezing the year carries `frozen_at`/`frozen_by` (imported ones
from old reports have neither). A later freeze with `--replace` moves the
earlier figures to `historical_figure_versions`. `report_texts` holds the
narrative chapters of the annual report per year (Voorwoord, ...). The
"registratie volledig vanaf" setting and the report logo are `meta` entries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("historical_figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frozen_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("frozen_by", sa.String(length=64), nullable=True))
    op.create_table(
        "historical_figure_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=True),
        sa.Column("frozen_by", sa.String(length=64), nullable=True),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historical_figure_versions")),
    )
    op.create_index(
        "ix_historical_figure_versions_year", "historical_figure_versions", ["year"], unique=False
    )
    op.create_table(
        "report_texts",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chapter", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("year", "chapter", name=op.f("pk_report_texts")),
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM meta WHERE key IN ('records_complete_from', 'report_logo', 'report_logo_type')"
    )
    op.drop_table("report_texts")
    op.drop_index("ix_historical_figure_versions_year", table_name="historical_figure_versions")
    op.drop_table("historical_figure_versions")
    with op.batch_alter_table("historical_figures", schema=None) as batch_op:
        batch_op.drop_column("frozen_by")
        batch_op.drop_column("frozen_at")
