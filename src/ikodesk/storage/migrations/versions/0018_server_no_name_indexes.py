"""server: no indexes on names and birth dates

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 15:00:00.000000

On the office server a login reads persons and children through row-level
security, but PostgreSQL evaluates a leakproof comparison (`last_name = '…'`,
`birth_date >= '…'`) inside an index scan before the row policy, and
`EXPLAIN ANALYZE` then counts the hidden rows that matched ("Rows Removed by
Filter"). With an index on a surname or a birth date, a walled jurist or a
student could spell out the other side's names and birth dates one query at a
time, without reading a single row. Without those indexes the policy and the
comparison are one filter over the rows of a scan, and the count is the same
whether a hidden row matches or not.

Nothing on the server needs them: its search has its own table (case_search,
read by ikodesk_search_ids), the family matching its keys (match_keys), and the
few reads by name or birth date go by case. A database file keeps them: whoever
opens a file holds its key and reads every row anyway.
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


DROP = (
    "DROP INDEX IF EXISTS ix_persons_last_name",
    "DROP INDEX IF EXISTS ix_persons_birth_date",
    "DROP INDEX IF EXISTS ix_children_birth_date",
)
CREATE = (
    "CREATE INDEX IF NOT EXISTS ix_persons_last_name ON persons (last_name)",
    "CREATE INDEX IF NOT EXISTS ix_persons_birth_date ON persons (birth_date)",
    "CREATE INDEX IF NOT EXISTS ix_children_birth_date ON children (birth_date)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DROP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in CREATE:
            op.execute(statement)
