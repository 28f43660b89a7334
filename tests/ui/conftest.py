"""UI test set-up: real widgets offscreen, a real worker, real SQLCipher files.

The thread guard is active in every UI test: a statement on the GUI thread
fails the test (see `_no_database_on_the_gui_thread`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.storage import Database
from ikodesk.ui import i18n
from ikodesk.ui.common import thread_guard
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.context import AppContext, load_database_facts
from ikodesk.ui.main import make_application
from tests.support import records as R

T = TypeVar("T")
PASSWORD = "Groene-Tafel-Zingt-4821"
KH = Actor.key_holder()


@pytest.fixture(autouse=True)
def _no_database_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    make_application()
    i18n.apply_language("nl")
    thread_guard.set_gui_thread()
    thread_guard.violations.clear()
    yield
    assert thread_guard.violations == [], "database work ran on the GUI thread"


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[DbWorker]:
    """A running worker. Request it after the database fixtures, so that it stops first."""
    w = DbWorker()
    w.start()
    yield w
    w.stop()


def in_worker(worker: DbWorker, fn: Callable[[], T], timeout: float = 30) -> T:
    """Run `fn` on the worker and wait for it (for test set-up and assertions)."""
    job = worker.submit(fn)
    assert job.finished.wait(timeout), "worker job timed out"
    if job.error is not None:
        raise job.error
    return job.result  # type: ignore[no-any-return]


def in_session(worker: DbWorker, fn: Callable[[Session], T]) -> T:
    def run() -> T:
        with worker.app.db.transaction() as s:
            return fn(s)

    return in_worker(worker, run)


def add_users(db: Database) -> dict[str, Actor]:
    out = {}
    with db.transaction() as s:
        for name, role, full in (
            ("beheer", Role.ADMIN, "F. Beheerder"),
            ("jdevries", Role.JURIST, "J. de Vries"),
            ("kvisser", Role.JURIST, "K. Visser"),
            ("tmeijer", Role.STUDENT, "T. Meijer"),
            ("directie", Role.MANAGER, "M. van Leeuwen"),
        ):
            u = users.create_user(s, KH, name, role, name=full, password=PASSWORD)
            out[name] = Actor(u.id, u.username, u.role)
    return out


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    return add_users(db)


@pytest.fixture
def sample_cases(db: Database, people: dict[str, Actor]) -> Database:
    """The abduction case of the records module and a few more, with contacts."""
    recs = [
        R.ABDUCTION_CASE,
        R.CONTACT,
        R.case(
            ref="2024-L2-00018",
            opened="2024-06-01",
            closed=...,
            close_reason=...,
            requester={
                "kind": "parent",
                "relation": "father",
                "side": "taking",
                "first_name": "Mehmet",
                "last_name": "Öztürk",
            },
            children=[{"first_name": "Çağan", "birth_date": "2015-01-01"}],
            other_parent=...,
            country="TR",
            handler="kvisser",
        ),
        {
            "type": "case",
            "ref": "2024-L1-00001",
            "line": 1,
            "code": "travel_consent",
            "opened": "2024-01-02",
            "handler": "tmeijer",
            "requester": {"kind": "parent", "relation": "mother", "last_name": "Jansen"},
        },
    ]
    with db.transaction() as s:
        exchange.import_lines(s, KH, R.lines(*recs))
    return db


def make_ctx(worker: DbWorker, db: Database, actor: Actor, name: str = "") -> AppContext:
    worker.adopt_app(Application(db))
    facts = in_worker(worker, lambda: load_database_facts(db))
    return AppContext(worker, actor, name or actor.username, facts)


@pytest.fixture
def jurist_ctx(sample_cases: Database, people: dict[str, Actor], worker: DbWorker) -> AppContext:
    return make_ctx(worker, sample_cases, people["jdevries"], "J. de Vries")


def wait_idle(qtbot: QtBot, worker: DbWorker) -> None:
    """Wait until the worker has run every queued job and its results were delivered."""
    done = threading.Event()
    delivered: list[bool] = []
    worker.submit(done.set, lambda _r: delivered.append(True))
    qtbot.waitUntil(lambda: bool(delivered), timeout=20_000)
