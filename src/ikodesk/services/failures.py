"""Failures below the services, in terms a front-end can show without knowing the driver.

The database driver reports a damaged file, a lock held by another process or a
full disk as its own exceptions; `known_failure` turns the first two into the
`IkodeskError` the user reads (DatabaseDamagedError, DatabaseBusy) and
`disk_full` recognises the third, so the front-ends import neither SQLAlchemy
nor the storage layer to tell them apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ikodesk.errors import IkodeskError
from ikodesk.storage import paths
from ikodesk.storage.damage import damage_error
from ikodesk.storage.driver import busy_error


def _operational_cause(exc: BaseException) -> tuple[bool, BaseException | None]:
    """(whether `exc` is SQLAlchemy's OperationalError, the driver's error inside it).

    Asked without importing SQLAlchemy (the desktop's first window, issue #16): before
    it is loaded, no exception can be one of its own.
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.OperationalError):
        return True, exc.orig
    return False, None


def known_failure(exc: BaseException) -> IkodeskError | None:
    """The plain error a database failure amounts to (damaged, busy); None otherwise."""
    damaged = damage_error(exc)
    if damaged is not None:
        return damaged
    operational, orig = _operational_cause(exc)
    if operational:
        return busy_error(orig)
    return None


def disk_full(exc: BaseException) -> bool:
    """Whether the database could not write because the disk is full."""
    operational, orig = _operational_cause(exc)
    return operational and "full" in str(orig)


def log_dir() -> Path:
    """Where the log files are (the crash dialog names it)."""
    return paths.log_dir()
