"""login throttle: failed login count, last failure and temporary lock per user

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

Three new columns on `users` (services.logins): existing users start with no
failures and no lock. The audit anchor needs no schema change (its last date
is a `meta` entry, its history is in the audit log).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("last_failed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'audit_last_anchor'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("last_failed_at")
        batch_op.drop_column("failed_logins")
