"""The serial worker and the guard that keeps database work off the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from ikodesk.services.application import Application
from ikodesk.storage import Database
from ikodesk.ui.common import thread_guard
from ikodesk.ui.common.worker import DbWorker
from tests.ui.conftest import in_worker


def test_jobs_run_in_order_on_the_worker_and_report_on_the_gui_thread(
    qtbot: QtBot, worker: DbWorker
) -> None:
    gui = threading.get_ident()
    ran_on: list[int] = []
    results: list[tuple[int, int]] = []
    for i in range(5):
        worker.submit(
            lambda i=i: (ran_on.append(threading.get_ident()), i)[1],
            lambda r: results.append((r, threading.get_ident())),
        )
    qtbot.waitUntil(lambda: len(results) == 5)
    assert [r for r, _ in results] == [0, 1, 2, 3, 4]
    assert all(t == gui for _, t in results)
    assert len(set(ran_on)) == 1 and ran_on[0] != gui


def test_errors_go_to_the_error_callback(qtbot: QtBot, worker: DbWorker) -> None:
    errors: list[BaseException] = []
    worker.submit(lambda: 1 / 0, lambda r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)


def test_unhandled_errors_are_signalled(qtbot: QtBot, worker: DbWorker) -> None:
    with qtbot.waitSignal(worker.unhandled_error) as blocker:
        worker.submit(lambda: 1 / 0)
    assert isinstance(blocker.args[0], ZeroDivisionError)


def test_results_for_a_deleted_widget_are_dropped(qtbot: QtBot, worker: DbWorker) -> None:
    widget = QWidget()
    called: list[int] = []
    gate = threading.Event()
    worker.submit(lambda: gate.wait(5) and 1, called.append, owner=widget)
    later: list[int] = []
    worker.submit(lambda: 2, later.append)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(widget))
    gate.set()
    qtbot.waitUntil(lambda: later == [2])
    assert called == []


def test_the_guard_refuses_statements_on_the_gui_thread(
    qtbot: QtBot, worker: DbWorker, db: Database
) -> None:
    worker.adopt_app(Application(db))
    # On the worker: fine.
    assert in_worker(worker, lambda: db.session().execute(text("SELECT 1")).scalar()) == 1
    # On the GUI thread: refused, and recorded so that the fixture would fail the test.
    with pytest.raises(AssertionError, match="GUI thread"), db.session() as s:
        s.execute(text("SELECT 1"))
    assert thread_guard.violations
    thread_guard.violations.clear()  # this test caused it on purpose
