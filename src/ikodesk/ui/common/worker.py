"""The one serial database worker: every database (and PDF) job runs here, in order.

The storage keeps one SQLCipher connection per process, so all database use
must come from one thread at a time; a single worker thread with a queue
makes that true by construction and keeps the GUI thread free. A job is a
plain callable; its result (or error) comes back on the GUI thread through a
queued signal and is handed to the callbacks, unless the widget that asked
(`owner`) has been deleted in the meantime.

The worker owns the open application (services.application): a job given to
`call` receives it and calls its use cases (`app.cases.detail(...)`), each one
unit of work in the services. No job sees a session or the database itself.

A job that changes data says what it changed (`changes`, ui.common.changes);
after it succeeded the worker emits `changed(OpChanges)` on the GUI thread,
also when the widget that asked is gone, and each screen refreshes itself.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from ikodesk.services.application import Application
from ikodesk.ui.common import thread_guard
from ikodesk.ui.common.changes import OpChanges

log = logging.getLogger(__name__)

# What a callback returns is ignored (show_error returns its box, for instance).
OnDone = Callable[[Any], object]
OnError = Callable[[BaseException], object]
T = TypeVar("T")
# A job that works on the open application (see DbWorker.call).
AppJob = Callable[[Application], Any]


@dataclass
class Job:
    fn: Callable[[], Any]
    on_done: OnDone | None = None
    on_error: OnError | None = None
    owner: QObject | None = None
    changes: OpChanges | None = None
    result: Any = None
    error: BaseException | None = None
    finished: threading.Event = field(default_factory=threading.Event)


class DbWorker(QThread):
    """A QThread that runs jobs from a queue, one at a time, and owns the database."""

    # Carries a job number, not the job: only plain values cross threads in a signal.
    _job_finished = Signal(int)
    # (done, total, text): progress reported by a running job, delivered on the GUI thread.
    progress = Signal(int, int, str)
    # Errors no callback handled: the application shows them (plain message or crash dialog).
    unhandled_error = Signal(object)
    # What a successful job changed (an OpChanges): screens subscribe and refresh themselves.
    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._done: dict[int, Job] = {}
        self._done_lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._app: Application | None = None
        self._job_finished.connect(self._deliver)
        self.setObjectName("ikodesk-db-worker")

    # -- the application (the open database) this worker owns ----------------------
    @property
    def app(self) -> Application:
        """The open application (services.application); only for jobs (worker thread)."""
        thread_guard.assert_not_gui_thread("DbWorker.app")
        if self._app is None:
            raise RuntimeError("no database is open")
        return self._app

    @property
    def has_db(self) -> bool:
        return self._app is not None

    def adopt_app(self, app: Application) -> None:
        """Take ownership of an open application (called from a job, or before start)."""
        thread_guard.install(app)
        self._app = app

    def close_db(self) -> None:
        """Close the database (from a job)."""
        if self._app is not None:
            self._app.close()
            self._app = None

    # -- submitting ------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[[], Any],
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        owner: QObject | None = None,
        changes: OpChanges | None = None,
    ) -> Job:
        """Queue `fn`; `on_done(result)` or `on_error(exc)` run on the GUI thread.

        `changes`: what `fn` changes; announced by `changed` after it succeeded.
        """
        job = Job(fn, on_done, on_error, owner, changes)
        self._queue.put(job)
        return job

    def call(
        self,
        fn: Callable[[Application], T],
        on_done: Callable[[T], object] | None = None,
        on_error: OnError | None = None,
        owner: QObject | None = None,
        changes: OpChanges | None = None,
    ) -> Job:
        """Queue `fn(app)`: a job calling the open application's use cases.

        Each use case is its own unit of work (committed on success, rolled back on
        error); a job that needs several in one should get one use case for it.
        """
        return self.submit(lambda: fn(self.app), on_done, on_error, owner, changes)

    def report_progress(self, done: int, total: int, text: str = "") -> None:
        """For jobs: tell the GUI how far they are (thread-safe)."""
        self.progress.emit(done, total, text)

    def stop(self, timeout_ms: int = 10_000) -> None:
        """Close the database and end the thread after the queued jobs."""
        if not self.isRunning():
            self.close_db()
            return
        self.submit(self.close_db)
        self._queue.put(None)
        self.wait(timeout_ms)

    # -- the thread ----------------------------------------------------------------
    def run(self) -> None:
        thread_guard.mark_worker_thread()
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                job.result = job.fn()
            except BaseException as exc:  # delivered to the GUI thread, never lost
                job.error = exc
            job.finished.set()
            number = next(self._numbers)
            with self._done_lock:
                self._done[number] = job
            self._job_finished.emit(number)

    @Slot(int)
    def _deliver(self, number: int) -> None:
        with self._done_lock:
            job = self._done.pop(number)
        if job.owner is not None and not shiboken6.isValid(job.owner):
            # The widget that asked is gone; what its job changed is still news.
            if job.error is None and job.changes:
                self.changed.emit(job.changes)
            return
        if job.error is None:
            if job.on_done is not None:
                job.on_done(job.result)
            if job.changes:
                self.changed.emit(job.changes)
        elif job.on_error is not None:
            job.on_error(job.error)
        else:
            log.error("unhandled error in a database job", exc_info=job.error)
            self.unhandled_error.emit(job.error)
