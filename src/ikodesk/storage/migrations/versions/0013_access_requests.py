"""access requests: the one-month clock of an AVG art. 15 request

Revision ID: 0013
Revises: 0012
Create Date: 2027-02-15 10:00:00.000000

Issue #18 point 5. One row per access request whose pack was made: the date
received, the due date (a month later, art. 12(3)), who made the pack, how many
dossiers, and when it was marked answered. No name, no reference: the
Termijnen page shows the open ones to administrators. The office server's
grants are in storage/server/sql/security.sql (administrators read; access
requests are refused there, so nobody writes).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("made_by", sa.String(length=64), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_requests")),
    )


def downgrade() -> None:
    op.drop_table("access_requests")
