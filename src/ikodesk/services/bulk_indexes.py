"""Plain indexes dropped for a bulk write and built again after it (database file only).

Rows going one by one into an index cost SQLite (and SQLCipher, which encrypts
every page it writes out of its cache) several times what building the index
once from the sorted rows does. A bulk write into a table that holds no more
rows than it brings drops the table's plain indexes first and creates them
again afterwards, with the very statements that made them (sqlite_master), all
in the caller's transaction: a failure rolls back to the indexes (and rows) it
found. Unique indexes stay, being constraints the writes must meet. The
database holds no planner statistics (no ANALYZE), so the indexes built again
are used exactly as before. Used by the import (`exchange.writing`) and the
conflict detection of an import (`conflicts.detection`); never on the office
server, whose writes go their own way.
"""

from __future__ import annotations

import re

from sqlalchemy import Table, func, literal, select, text
from sqlalchemy.orm import Session

_UNIQUE = re.compile(r"\s*CREATE\s+UNIQUE\b", re.IGNORECASE)


def worth_dropping(session: Session, table: Table, incoming: int) -> bool:
    """Whether `table` holds no more rows than the `incoming` ones (counted up to that)."""
    if incoming <= 0:
        return False
    some = select(literal(1)).select_from(table).limit(incoming + 1).subquery()
    stored = session.scalar(select(func.count()).select_from(some))
    return stored is not None and stored <= incoming


def drop_plain_indexes(session: Session, table: Table) -> list[str]:
    """Drop the non-unique indexes of `table`; the statements that build them again."""
    found = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = :t AND sql IS NOT NULL ORDER BY name"
        ),
        {"t": table.name},
    ).all()
    dropped: list[str] = []
    for name, sql in found:
        if _UNIQUE.match(sql):
            continue
        dropped.append(sql)
        session.execute(text('DROP INDEX "' + name.replace('"', '""') + '"'))
    return dropped


def create_indexes(session: Session, statements: list[str]) -> None:
    """Build the indexes `drop_plain_indexes` dropped (empties the list)."""
    while statements:
        session.execute(text(statements.pop(0)))
