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
from sqlalchemy import text

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

PERSONAL = {
    "persons": ("organisation", "first_name", "last_name", "birth_date", "phone", "email"),
    "children": ("first_name", "last_name", "birth_date"),
    "contacts": ("summary", "extra"),
    "case_notes": ("summary", "extra"),
}
_TYPE = text(
    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
    "WHERE attrelid = CAST(:t AS regclass) AND attname = :c AND NOT attisdropped"
)


def _set(target: int, drop_gathered: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    q = bind.dialect.identifier_preparer.quote
    # The ages view reads children.birth_date, and a column a view reads keeps its
    # type: the view goes while the types are set, and comes back as it was (its
    # grants with the security files, which run after the migrations).
    view = None
    if drop_gathered:
        view = bind.execute(text("SELECT pg_get_viewdef('child_ages'::regclass)")).scalar_one()
        op.execute("DROP VIEW child_ages")
    for table, columns in PERSONAL.items():
        for column in columns:
            type_ = bind.execute(_TYPE, {"t": table, "c": column}).scalar_one()
            # (names from the list above, quoted; the type as the catalogue writes it)
            alter = f"ALTER TABLE {q(table)} ALTER COLUMN {q(column)}"
            op.execute(f"{alter} SET STATISTICS {int(target)}")
            if drop_gathered:
                op.execute(f"{alter} TYPE {type_}")
    if view is not None:
        op.execute(f"CREATE VIEW child_ages AS {view}")


def upgrade() -> None:
    _set(0, drop_gathered=True)


def downgrade() -> None:
    _set(-1, drop_gathered=False)  # the default target again; ANALYZE gathers them anew
