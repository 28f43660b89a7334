"""Failures below the services, in terms a front-end can show without knowing the driver.

The database driver reports a damaged file, a lock held by another process or a
full disk as its own exceptions; `known_failure` turns the first two into the
`IkodeskError` the user reads (DatabaseDamagedError, DatabaseBusy) and
`disk_full` recognises the third, so the front-ends import neither SQLAlchemy
nor the storage layer to tell them apart.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import OperationalError

from ikodesk.errors import IkodeskError
from ikodesk.storage import paths
from ikodesk.storage.damage import damage_error
from ikodesk.storage.database import busy_error


def known_failure(exc: BaseException) -> IkodeskError | None:
    """The plain error a database failure amounts to (damaged, busy); None otherwise."""
    damaged = damage_error(exc)
    if damaged is not None:
        return damaged
    if isinstance(exc, OperationalError):
        return busy_error(exc.orig)
    return None


def disk_full(exc: BaseException) -> bool:
    """Whether the database could not write because the disk is full."""
    return isinstance(exc, OperationalError) and "full" in str(exc.orig)


def log_dir() -> Path:
    """Where the log files are (the crash dialog names it)."""
    return paths.log_dir()
