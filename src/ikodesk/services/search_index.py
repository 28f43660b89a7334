"""The full-text index behind case search (SQLite FTS5, trigram, diacritics folded).

One row per case (rowid = case id) with its reference and the names in it:
requester, other parent, organisation, children. It lives in the encrypted
database like everything else. Services that write people or children call
`reindex_cases`; the import calls it once for all the cases it wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from ikodesk.letters import SPECIAL_LETTERS
from ikodesk.services.backend import on_server

FTS_TABLE = "case_search"
MIN_QUERY_LENGTH = 3  # trigrams: shorter text cannot use the index

# The migrations that fill the table (0002, 0016) repeat this statement on purpose:
# migrations must not change when this module does. `ikodesk_letters` (storage.driver)
# spells out the letters SQLite's remove_diacritics leaves (Ł, Ø, ß…; ikodesk.letters).
_INSERT_SQL = """
INSERT INTO case_search (rowid, ref, names)
SELECT c.id, c.ref, ikodesk_letters(
  coalesce((SELECT group_concat(
      coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '') || ' ' ||
      coalesce(p.organisation, ''), ' ')
    FROM persons p WHERE p.case_id = c.id), '') || ' ' ||
  coalesce((SELECT group_concat(
      coalesce(ch.first_name, '') || ' ' || coalesce(ch.last_name, ''), ' ')
    FROM children ch WHERE ch.case_id = c.id), ''))
FROM cases c
"""

_CHUNK = 500


def reindex_cases(session: Session, case_ids: Sequence[int]) -> None:
    """Bring the index rows of these cases up to date (deleted cases drop out).

    The office server keeps no index: its search function reads the names itself
    (storage/server/sql/functions.sql), where no login can read them.
    """
    if on_server(session):
        return
    delete = text("DELETE FROM case_search WHERE rowid IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    insert = text(_INSERT_SQL + " WHERE c.id IN :ids").bindparams(bindparam("ids", expanding=True))
    ids = list(case_ids)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        session.execute(delete, {"ids": chunk})
        session.execute(insert, {"ids": chunk})


def index_new_cases(session: Session, first_id: int) -> None:
    """Index every case with id >= first_id (cases just created in bulk)."""
    if on_server(session):
        return
    session.execute(
        text(_INSERT_SQL + " WHERE c.id >= :first"),
        {"first": first_id},
    )


def index_all(session: Session) -> None:
    """Index every case (into an index just emptied with FTS5's 'delete-all')."""
    if on_server(session):
        return
    session.execute(text(_INSERT_SQL))


def rebuild(session: Session) -> None:
    if on_server(session):
        return
    session.execute(text("DELETE FROM case_search"))
    session.execute(text(_INSERT_SQL))


_SPACES = re.compile(r"\s+")


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed: every word must occur.

    Each word becomes a quoted string (so FTS syntax in the input is inert);
    words shorter than three characters are dropped, since trigrams cannot
    find them. None when nothing searchable is left.
    """
    spelt = query.translate(SPECIAL_LETTERS)
    words = [w for w in _SPACES.split(spelt.strip()) if len(w) >= MIN_QUERY_LENGTH]
    if not words:
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
