"""Beheer › Inzageverzoek on the office server (issue #18 point 5 on #13's server).

The same tab as on a file, real widgets offscreen, logged in to a real server as
its administrator: the list names nobody (the server returns references and
roles), the pack is made and its clock is on the Termijnen page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from ikodesk.services.application import load_database_facts
from ikodesk.ui.admin.admin_page import AdminPage
from ikodesk.ui.admin.subject_access_tab import SubjectAccessTab
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.context import AppContext
from ikodesk.ui.deadlines.deadlines_page import DeadlinesPage
from tests.pg.test_server_subject_access import family as family  # the fixture
from tests.support import family as F
from tests.support.office import Office
from tests.test_subject_access import CHILD_DATA, FATHER_DATA
from tests.ui.conftest import in_worker, wait_idle

TIMEOUT = 15_000


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[DbWorker]:
    w = DbWorker()
    w.start()
    yield w
    w.stop()


def _admin_ctx(office: Office, worker: DbWorker) -> AppContext:
    app = office.admin()
    worker.adopt_app(app)
    facts = in_worker(worker, lambda: load_database_facts(app.db))
    assert facts.on_server
    actor = in_worker(worker, lambda: office.actor(app))  # the database is the worker's
    return AppContext(worker, actor, "F. Beheerder", facts)


def test_the_tab_works_on_the_server(
    qtbot: QtBot, family: tuple[Office, str], worker: DbWorker, tmp_path: Path
) -> None:
    office, mediation_ref = family
    ctx = _admin_ctx(office, worker)
    page = AdminPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 820)
    page.show()
    qtbot.waitExposed(page)
    tab = page.subject_access_tab
    assert isinstance(tab, SubjectAccessTab)
    page.tabs.setCurrentWidget(tab)
    tab.name.setText("Anna Kowalska")
    tab.birth_date.setText("11-02-1988")
    tab.received.setText("15-01-2026")
    tab.search()
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=TIMEOUT)
    rows = [tab.model.cells(c) for c in tab.model.items]
    assert [r[0] for r in rows] == [F.MOTHER_REF, F.FATHER_REF, mediation_ref]
    # Nobody's name from the server: the match is with what was typed.
    assert {r[3] for r in rows} == {"(zoals ingevuld)"}
    assert {r[4] for r in rows} == {"11-02-1988"}
    page.grab().save("/tmp/h13sa_access_found_server.png")
    for row in range(3):
        tab.model.set_checked(row, True)
    out = tmp_path / "pakket"
    out.mkdir()
    tab.folder.setText(str(out))
    tab.make_pack()
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: tab.result is not None or tab.error.isVisible(), timeout=TIMEOUT)
    assert not tab.error.isVisible(), tab.error.text()
    made = tab.result
    assert made is not None and made.dossiers == 3 and made.request == 1
    assert "nr. 1 bij de Termijnen" in tab.outcome.text()
    page.grab().save("/tmp/h13sa_access_done_server.png")
    text = "\n".join(p.extract_text() for p in PdfReader(made.pdf_path).pages)
    assert "Kowalska" in text and "1988-02-11" in text
    for secret in (*FATHER_DATA, *CHILD_DATA):
        assert secret not in text, secret

    deadlines = DeadlinesPage(ctx)
    qtbot.addWidget(deadlines)
    deadlines.resize(1100, 640)
    deadlines.show()
    qtbot.waitExposed(deadlines)
    deadlines.activate()
    box = deadlines.access_requests
    assert box is not None
    qtbot.waitUntil(lambda: box.model.rowCount() == 1, timeout=TIMEOUT)
    cells = box.model.cells(box.model.items[0])
    assert cells[0] == "15-02-2026" and cells[4] == "3" and "beheer" in cells[5]
    deadlines.grab().save("/tmp/h13sa_termijnen_server.png")
