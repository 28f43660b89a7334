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
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
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


def _upgrade_postgresql() -> None:
    """On the office server: a plain table, searched by the server's search function.

    Nobody but the table owner reads it (storage/server/sql): the names in it are
    personal data, and search runs inside a SECURITY DEFINER function that returns
    only the cases the caller may see.
    """
    op.execute(
        "CREATE TABLE case_search (rowid INTEGER PRIMARY KEY "
        "REFERENCES cases (id) ON DELETE CASCADE, ref TEXT NOT NULL, names TEXT NOT NULL)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE case_search")
