"""approvals: four eyes on the dangerous actions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 12:00:00.000000

A retention run, a bulk export, lifting a wall and deleting a user need a
second administrator's approval at the moment of the action (issue #18,
point 4). Each approval is a row: on the office server only the functions
of sql/approvals.sql write it, and the acting session's functions take one
unused approval by another administrator that is at most five minutes old.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("approver", sa.String(64), nullable=False),
        sa.Column("for_user", sa.String(64), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=False),
        sa.Column("consumed_at", sa.DateTime(), nullable=True),
        sa.Column("consumed_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_approvals_action", "approvals", ["action", "consumed_at"])


def downgrade() -> None:
    op.drop_index("ix_approvals_action", table_name="approvals")
    op.drop_table("approvals")
