"""case search: FTS5 trigram index over references and names

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:10:00

Contentless (the names are already in persons/children), with deletes
allowed, trigram tokens with diacritics folded: "ozturk" finds "Öztürk".
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE case_search USING fts5("
        "ref, names, content='', contentless_delete=1, "
        "tokenize='trigram remove_diacritics 1')"
    )
    op.execute(
        """
        INSERT INTO case_search (rowid, ref, names)
        SELECT c.id, c.ref,
          coalesce((SELECT group_concat(
              coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '') || ' ' ||
              coalesce(p.organisation, ''), ' ')
            FROM persons p WHERE p.case_id = c.id), '') || ' ' ||
          coalesce((SELECT group_concat(
              coalesce(ch.first_name, '') || ' ' || coalesce(ch.last_name, ''), ' ')
            FROM children ch WHERE ch.case_id = c.id), '')
        FROM cases c
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE case_search")
