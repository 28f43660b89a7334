"""Making removed data unrecoverable in an SQLCipher file: secure delete, VACUUM, WAL truncation.

SQLite leaves deleted rows in freed pages and free space on pages, and WAL mode
keeps older versions of pages in the -wal file until a checkpoint. A retention
run therefore (1) deletes with `PRAGMA secure_delete = ON`, which overwrites
freed content with zeros as it goes; (2) runs VACUUM afterwards, which rebuilds
the file from its live rows only, so no freed page or stale free space is left
(the database has no auto_vacuum, so incremental vacuum would do nothing);
(3) checkpoints the WAL with TRUNCATE, which copies the newest pages into the
file and cuts the -wal file to zero bytes. Pages are encrypted on disk either
way; these steps are about what someone holding the key could still read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine


@contextlib.contextmanager
def secure_delete(engine: Engine) -> Iterator[None]:
    """`PRAGMA secure_delete = ON` on the engine's connection while the block runs."""
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        before = driver.execute("PRAGMA secure_delete").fetchone()[0]
        driver.execute("PRAGMA secure_delete = ON")
    finally:
        pooled.close()
    try:
        yield
    finally:
        pooled = engine.raw_connection()
        try:
            driver = pooled.driver_connection
            assert driver is not None
            # A PRAGMA takes no bound parameter: one of two fixed statements.
            driver.execute("PRAGMA secure_delete = ON" if before else "PRAGMA secure_delete = OFF")
        finally:
            pooled.close()


@dataclass(frozen=True)
class ScrubResult:
    vacuumed: bool
    wal_truncated: (
        bool  # False: another process was reading; its -wal is cut at its next checkpoint
    )
    wal_bytes: int


def scrub(engine: Engine, wal_path: Any = None) -> ScrubResult:
    """VACUUM the file and checkpoint the WAL with TRUNCATE (outside any transaction)."""
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        driver.execute("PRAGMA secure_delete = ON")
        driver.execute("VACUUM")
        busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        driver.execute("PRAGMA secure_delete = OFF")
    finally:
        pooled.close()
    size = 0
    if wal_path is not None:
        with contextlib.suppress(OSError):
            size = wal_path.stat().st_size
    return ScrubResult(vacuumed=True, wal_truncated=not busy and size == 0, wal_bytes=size)
