"""figures index: the year's contact moments counted from an index, not the table

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:00:00.000000

One year's figures count contact moments by channel, party and their case's line
(services/figures/counting.py). With an index on `at` alone, every moment of the
year was looked up in the contacts table (decrypted page by page in SQLCipher);
this index holds what the count reads (at, channel, party, case_id), so the first
call after opening reads the year's slice of the index only (issue #16, point 3).
It replaces ix_contacts_at, whose queries it serves too (same first column).

An index changes no grant or row-level policy on the office server: a manager
counts through the same tables as before.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contacts_at_cover", "contacts", ["at", "channel", "party", "case_id"])
    op.drop_index("ix_contacts_at", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_at", "contacts", ["at"])
    op.drop_index("ix_contacts_at_cover", table_name="contacts")
