"""server: no planner statistics of personal columns

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 15:20:00.000000

PostgreSQL's planner estimates a condition from the statistics ANALYZE gathers
(the most common values and a histogram of each column), also for a login whose
row policy hides every row, and plain `EXPLAIN` shows the estimate: a student
who reads no Line 2 dossier could bisect a hidden birth date out of a
histogram bound, or test a surname by how many rows the planner expects
(`pg_stats` itself shows such a login nothing). The personal columns of the
dossier tables get no statistics (a target of 0), and those already gathered
are dropped (altering a column to its own type drops them, without rewriting
the table). Nothing on the server plans by these columns: its search and
matching have their own tables, and its reads of people go by case.

A file needs none of this: whoever opens it reads every row.
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Whole statements (no SQL put together from names), as 0017 and 0018 have them:
# each personal column gets no statistics, and those gathered are dropped by
# altering the column to its own type (the types as the server's catalogue has
# them). The ages view reads children.birth_date, and a column a view reads keeps
# its type: the view goes while the types are set and comes back as migration 0007
# made it (its grants with the security files, which run after the migrations).
UPGRADE = (
    "DROP VIEW child_ages",
    "ALTER TABLE persons"
    " ALTER COLUMN organisation SET STATISTICS 0, ALTER COLUMN organisation TYPE varchar(200),"
    " ALTER COLUMN first_name SET STATISTICS 0, ALTER COLUMN first_name TYPE varchar(100),"
    " ALTER COLUMN last_name SET STATISTICS 0, ALTER COLUMN last_name TYPE varchar(100),"
    " ALTER COLUMN birth_date SET STATISTICS 0, ALTER COLUMN birth_date TYPE date,"
    " ALTER COLUMN phone SET STATISTICS 0, ALTER COLUMN phone TYPE varchar(50),"
    " ALTER COLUMN email SET STATISTICS 0, ALTER COLUMN email TYPE varchar(200)",
    "ALTER TABLE children"
    " ALTER COLUMN first_name SET STATISTICS 0, ALTER COLUMN first_name TYPE varchar(100),"
    " ALTER COLUMN last_name SET STATISTICS 0, ALTER COLUMN last_name TYPE varchar(100),"
    " ALTER COLUMN birth_date SET STATISTICS 0, ALTER COLUMN birth_date TYPE date",
    "ALTER TABLE contacts"
    " ALTER COLUMN summary SET STATISTICS 0, ALTER COLUMN summary TYPE text,"
    " ALTER COLUMN extra SET STATISTICS 0, ALTER COLUMN extra TYPE json",
    "ALTER TABLE case_notes"
    " ALTER COLUMN summary SET STATISTICS 0, ALTER COLUMN summary TYPE text,"
    " ALTER COLUMN extra SET STATISTICS 0, ALTER COLUMN extra TYPE json",
    "CREATE VIEW child_ages AS SELECT ch.id AS child_id, ch.case_id AS case_id, "
    "CASE WHEN ch.birth_date IS NULL THEN ch.age ELSE "
    "CAST(extract(year FROM c.opened) AS INTEGER) - CAST(extract(year FROM ch.birth_date)"
    " AS INTEGER) - CAST(to_char(c.opened, 'MM-DD') < to_char(ch.birth_date, 'MM-DD') AS INTEGER)"
    " END AS age FROM children ch JOIN cases c ON c.id = ch.case_id",
)
# The default target again; ANALYZE gathers them anew.
DOWNGRADE = (
    "ALTER TABLE persons ALTER COLUMN organisation SET STATISTICS -1,"
    " ALTER COLUMN first_name SET STATISTICS -1, ALTER COLUMN last_name SET STATISTICS -1,"
    " ALTER COLUMN birth_date SET STATISTICS -1, ALTER COLUMN phone SET STATISTICS -1,"
    " ALTER COLUMN email SET STATISTICS -1",
    "ALTER TABLE children ALTER COLUMN first_name SET STATISTICS -1,"
    " ALTER COLUMN last_name SET STATISTICS -1, ALTER COLUMN birth_date SET STATISTICS -1",
    "ALTER TABLE contacts ALTER COLUMN summary SET STATISTICS -1,"
    " ALTER COLUMN extra SET STATISTICS -1",
    "ALTER TABLE case_notes ALTER COLUMN summary SET STATISTICS -1,"
    " ALTER COLUMN extra SET STATISTICS -1",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
