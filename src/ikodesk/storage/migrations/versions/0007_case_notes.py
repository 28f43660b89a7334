"""case notes apart, child ages view, case version: ready for the office server

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00.000000

- `case_notes`: a case's summary and unknown exchange fields (`extra`) move out
  of `cases`, so that the facts of a case (code, dates, country, sides) and its
  free text can be protected differently on the office server (issue #13):
  anyone who counts or lists sees the facts, only who may read the dossier its text.
- `child_ages`: each case child's age at the case's opening (the birth date
  itself is personal data; the figures need only the age).
- `cases.version` and `cases.updated_by`: optimistic locking (two users saving
  the same case: the second is told who changed it, when).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Whole years between birth and opening (a birthday on 29 February counts on
# 1 March), the rule of models.age_in_years, in SQL both databases run.
_AGE_SQLITE = (
    "CAST(strftime('%Y', c.opened) AS INTEGER) - CAST(strftime('%Y', ch.birth_date) AS INTEGER)"
    " - (strftime('%m-%d', c.opened) < strftime('%m-%d', ch.birth_date))"
)
_AGE_POSTGRESQL = (
    "CAST(extract(year FROM c.opened) AS INTEGER) - CAST(extract(year FROM ch.birth_date)"
    " AS INTEGER) - CAST(to_char(c.opened, 'MM-DD') < to_char(ch.birth_date, 'MM-DD') AS INTEGER)"
)
_VIEW = (
    "CREATE VIEW child_ages AS SELECT ch.id AS child_id, ch.case_id AS case_id, "
    "CASE WHEN ch.birth_date IS NULL THEN ch.age ELSE {age} END AS age "
    "FROM children ch JOIN cases c ON c.id = ch.case_id"
)


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_notes_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_notes"),
    )
    op.execute(
        "INSERT INTO case_notes (case_id, summary, extra) SELECT id, summary, extra FROM cases "
        "WHERE summary IS NOT NULL OR extra IS NOT NULL"
    )
    # Plain ALTER TABLE statements, not Alembic's operations: those copy `cases` on
    # SQLite, and dropping the old table with foreign keys on deletes its people (CASCADE).
    op.execute("ALTER TABLE cases DROP COLUMN summary")
    op.execute("ALTER TABLE cases DROP COLUMN extra")
    op.execute("ALTER TABLE cases ADD COLUMN version INTEGER DEFAULT 1 NOT NULL")
    op.execute("ALTER TABLE cases ADD COLUMN updated_by INTEGER")
    dialect = op.get_bind().dialect.name
    op.execute(_VIEW.format(age=_AGE_POSTGRESQL if dialect == "postgresql" else _AGE_SQLITE))
    if dialect == "postgresql":
        # The office server compares cases inside its own function: each case's
        # matching profile (names already folded by the ikodesk that wrote the
        # case; services.family_match.profile_json) is kept where no login reads it.
        op.execute(
            "CREATE TABLE match_profiles (case_id INTEGER PRIMARY KEY "
            "REFERENCES cases (id) ON DELETE CASCADE, profile JSONB NOT NULL)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE match_profiles")
    op.execute("DROP VIEW child_ages")
    op.execute("ALTER TABLE cases DROP COLUMN updated_by")
    op.execute("ALTER TABLE cases DROP COLUMN version")
    op.add_column("cases", sa.Column("summary", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("extra", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE cases SET "
        "summary = (SELECT n.summary FROM case_notes n WHERE n.case_id = cases.id), "
        "extra = (SELECT n.extra FROM case_notes n WHERE n.case_id = cases.id)"
    )
    op.drop_table("case_notes")
