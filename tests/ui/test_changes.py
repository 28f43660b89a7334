"""The worker announces what a job changed; each screen refreshes itself (#12.4).

No window calls a list: the case window and the Line 1 page only declare what
their job changes (ui.common.changes), and the lists listen to the worker.
"""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import Case
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.cases.cases_page import CasesPage
from ikodesk.ui.common.changes import CASES, OpChanges
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.context import AppContext
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx, wait_idle


def _refs(page: CasesPage) -> list[str]:
    rows = (page.model.row_data(i) for i in range(page.model.rowCount()))
    return [r.ref for r in rows if r is not None]


def _requester(page: CasesPage, ref: str) -> str:
    for i in range(page.model.rowCount()):
        row = page.model.row_data(i)
        if row is not None and row.ref == ref:
            return row.requester
    return ""


def test_the_worker_announces_changes_of_successful_jobs_only(
    qtbot: QtBot, worker: DbWorker
) -> None:
    seen: list[OpChanges] = []
    worker.changed.connect(seen.append)

    def fail() -> None:
        raise ValueError("refused")

    worker.submit(lambda: None, changes=CASES)
    worker.submit(fail, on_error=lambda _e: None, changes=OpChanges(users=True))
    worker.submit(lambda: None)  # a read: nothing to announce
    wait_idle(qtbot, worker)
    assert seen == [CASES]
    assert not OpChanges() and CASES.cases and not CASES.contacts


def test_the_change_is_announced_when_the_asking_widget_is_gone(
    qtbot: QtBot, worker: DbWorker
) -> None:
    from PySide6.QtWidgets import QWidget

    seen: list[OpChanges] = []
    worker.changed.connect(seen.append)
    gate = threading.Event()
    owner = QWidget()
    worker.submit(gate.wait, owner=owner, changes=CASES)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(owner))
    gate.set()
    wait_idle(qtbot, worker)
    assert seen == [CASES]


def test_saving_a_case_refreshes_the_case_list_without_the_window_calling_it(
    qtbot: QtBot, jurist_ctx: AppContext, worker: DbWorker
) -> None:
    page = CasesPage(jurist_ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.model.first_page_loaded, timeout=10_000):
        page.activate()
    ref = "2024-L2-00017"
    qtbot.waitUntil(lambda: ref in _refs(page), timeout=10_000)
    assert "Veldhuis" not in _requester(page, ref)
    case_id = in_session(worker, lambda s: s.scalar(select(Case.id).where(Case.ref == ref)))

    # A case window on its own: nothing connects it to the page.
    form = CaseWindow(jurist_ctx, case_id)
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.loaded, timeout=10_000):
        form.show_when_loaded()
    form.req_last.setText("Veldhuis")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    qtbot.waitUntil(lambda: "Veldhuis" in _requester(page, ref), timeout=10_000)


def test_a_line1_registration_shows_in_the_cases_list(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["tmeijer"], "T. Meijer"))
    qtbot.addWidget(window)
    window.show()
    cases, line1 = window.cases_page, window.line1_page
    assert cases is not None and line1 is not None
    window.show_page(cases)
    qtbot.waitUntil(lambda: bool(_refs(cases)), timeout=10_000)
    before = set(_refs(cases))

    window.show_page(line1)
    line1.caller.setCurrentIndex(line1.caller.findText("Moeder"))  # who calls (issue #15)
    line1.name.setText("Kowalski")
    with qtbot.waitSignal(line1.registered, timeout=10_000) as blocker:
        line1.submit()
    ref = blocker.args[0]
    assert ref not in before
    qtbot.waitUntil(lambda: ref in _refs(cases), timeout=10_000)
