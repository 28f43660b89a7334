"""A guard that proves no database work happens on the GUI thread.

`install(engine)` hooks SQLAlchemy's cursor events: a statement run on the
GUI thread is a bug (it would freeze the window), so it is logged, recorded
in `violations` (the UI tests assert it stays empty) and raised.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

violations: list[str] = []
_gui_thread_id: int | None = None
# The engines already guarded (weakly: a closed database's engine may go).
_guarded: weakref.WeakSet[Engine] = weakref.WeakSet()


def set_gui_thread() -> None:
    """Remember the calling thread as the GUI thread (called where QApplication is made)."""
    global _gui_thread_id
    _gui_thread_id = threading.get_ident()


def mark_worker_thread() -> None:
    threading.current_thread().name = "ikodesk-db-worker"


def on_gui_thread() -> bool:
    return _gui_thread_id is not None and threading.get_ident() == _gui_thread_id


def assert_not_gui_thread(what: str) -> None:
    if on_gui_thread():
        message = f"database work on the GUI thread: {what}"
        violations.append(message)
        log.error(message)
        raise AssertionError(message)


def install(engine: Engine) -> None:
    """Refuse statements on the GUI thread for this engine (idempotent)."""
    if engine in _guarded:
        return
    _guarded.add(engine)

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        assert_not_gui_thread(statement.split(None, 1)[0] if statement else "statement")
