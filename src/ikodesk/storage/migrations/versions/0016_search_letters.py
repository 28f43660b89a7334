"""search letters: the file's search index spells out Ł, Ø, ß and the like

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 07:40:00.000000

SQLite's trigram tokenizer folds only the diacritics that Unicode decomposes, so
"lucja oberg" did not find "Łucja Øberg" in a file while the office server (unaccent)
and family matching did. The index now holds the names with those letters spelt out
(`ikodesk_letters`, storage.driver; ikodesk.letters), and the search spells out what
is typed alike. This rebuilds the index of an existing file once. The office server
keeps its own search table (storage/server/sql): nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_FILL = """
INSERT INTO case_search (rowid, ref, names)
SELECT c.id, c.ref, {names}(
  coalesce((SELECT group_concat(
      coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '') || ' ' ||
      coalesce(p.organisation, ''), ' ')
    FROM persons p WHERE p.case_id = c.id), '') || ' ' ||
  coalesce((SELECT group_concat(
      coalesce(ch.first_name, '') || ' ' || coalesce(ch.last_name, ''), ' ')
    FROM children ch WHERE ch.case_id = c.id), ''))
FROM cases c
"""


def _refill(names: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    op.execute("INSERT INTO case_search (case_search) VALUES ('delete-all')")
    op.execute(_FILL.format(names=names))


def upgrade() -> None:
    _refill("ikodesk_letters")


def downgrade() -> None:
    _refill("")
