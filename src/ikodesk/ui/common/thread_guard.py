"""A guard that proves no database work happens on the GUI thread.

`install(app)` has the open application run a check before every SQL statement
(services.application.Application.watch_statements): a statement run on the
GUI thread is a bug (it would freeze the window), so it is logged, recorded in
`violations` (the UI tests assert it stays empty) and raised.
"""

from __future__ import annotations

import logging
import threading

from ikodesk.services.application import Application

log = logging.getLogger(__name__)

violations: list[str] = []
_gui_thread_id: int | None = None


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


def install(app: Application) -> None:
    """Refuse statements on the GUI thread for this application's database (idempotent)."""
    app.watch_statements(assert_not_gui_thread)
