"""Many rows into one table of a database file, straight through the driver (issue #16).

For the bulk writes of an import (`exchange.writing`) and of its conflict
detection (`conflicts.detection`): rows already in column order and in the form
the columns store (SQLAlchemy's conversions done by the caller), several rows per
INSERT statement. Never on the office server, whose writes go their own way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

# Rows per INSERT: SQLite runs a statement's set-up (the CHECK constraints' value
# lists among it) once per execution, and the driver's call costs per execution, so
# fewer executions cost less. Within the 999 bound parameters of old SQLite builds.
MAX_PARAMETERS = 999
MAX_ROWS = 100


def insert_rows(
    session: Session, table: Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT these rows (each a tuple of the values of `names`, as stored) in bulk.

    The values are bound as they are: the driver binds an exact int, float, str or
    None at once (storage.driver), anything else through its slow adapter look-up
    (a bool among them: give 0 or 1).
    """
    if not rows:
        return
    conn = session.connection()
    one = insert_sql(conn.dialect, table, tuple(names))
    per = max(1, min(MAX_ROWS, MAX_PARAMETERS // len(names)))
    head, _, values = one.partition(" VALUES ")
    whole = len(rows) - len(rows) % per
    if whole:
        many = f"{head} VALUES {', '.join([values] * per)}"
        conn.exec_driver_sql(
            many, [tuple(chain.from_iterable(rows[k : k + per])) for k in range(0, whole, per)]
        )
    rest = len(rows) - whole
    if rest == 1:
        conn.exec_driver_sql(one, tuple(rows[whole]))
    elif rest:
        # The last few rows in one statement too (made for their number).
        conn.exec_driver_sql(
            f"{head} VALUES {', '.join([values] * rest)}",
            tuple(chain.from_iterable(rows[whole:])),
        )


@lru_cache(maxsize=64)
def insert_sql(dialect: Any, table: Table, names: tuple[str, ...]) -> str:
    """INSERT INTO table (names) VALUES (?, ...): SQLite's own statement, names quoted
    by SQLAlchemy's preparer for the dialect (database files only)."""
    q = dialect.identifier_preparer
    columns = ", ".join(q.quote(table.c[name].name) for name in names)
    marks = ", ".join("?" * len(names))
    # (names from the table's own columns, quoted; the values are bound)
    return f"INSERT INTO {q.format_table(table)} ({columns}) VALUES ({marks})"  # noqa: S608


# SQLite's page cache for a bulk write, in KiB (the driver's default is 8 MiB). A
# write larger than the cache spills dirty pages to the write-ahead log and keeps
# reading them back (each encrypted and decrypted again): more room for the table
# ends being appended to, the index builds' sorting and the search index saves
# that. Memory only; the journaling is unchanged.
BULK_CACHE_KIB = 32 * 1024


@contextmanager
def larger_page_cache(session: Session) -> Iterator[None]:
    """The connection's page cache at `BULK_CACHE_KIB` while the block runs."""
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    if not isinstance(before, int) or before <= -BULK_CACHE_KIB:
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    except BaseException:
        # (the block's own error is what counts: a failed restore must not hide it)
        with suppress(Exception):
            conn.exec_driver_sql(f"PRAGMA cache_size = {before}")
        raise
    conn.exec_driver_sql(f"PRAGMA cache_size = {before}")
