"""mediation parents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:44:58.031776

The parents of a mediation request (relation, names, birth date, country of
residence): a new table, no change to existing rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mediation_parents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "relation",
            sa.Enum(
                "mother",
                "father",
                name="parentrelation",
                native_enum=False,
                create_constraint=True,
                length=14,
            ),
            nullable=False,
        ),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["country"], ["countries.iso2"], name=op.f("fk_mediation_parents_country_countries")
        ),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["mediations.id"],
            name=op.f("fk_mediation_parents_mediation_id_mediations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_parents")),
    )
    with op.batch_alter_table("mediation_parents", schema=None) as batch_op:
        batch_op.create_index("ix_mediation_parents_mediation_id", ["mediation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mediation_parents", schema=None) as batch_op:
        batch_op.drop_index("ix_mediation_parents_mediation_id")

    op.drop_table("mediation_parents")
