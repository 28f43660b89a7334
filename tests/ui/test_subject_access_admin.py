"""Beheer › Inzageverzoek (AVG art. 15, issue #18 point 5), driven by the keyboard.

Real widgets offscreen on a real SQLCipher file with the Kowalski family: the
mother asks what is held on her. The administrator finds her dossiers, ticks two
of them, and makes the pack; the PDF (parsed back with pypdf) holds her data and
none of the father's, and the request is in the audit log (without her name).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import AuditEntry
from ikodesk.storage import Database
from ikodesk.ui.admin.admin_page import AdminPage
from ikodesk.ui.admin.subject_access_tab import SubjectAccessTab
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.deadlines.deadlines_page import DeadlinesPage
from tests.support import family as F
from tests.support import records as R
from tests.test_subject_access import CHILD_DATA, FATHER_DATA, UNRELATED
from tests.ui.conftest import in_session, in_worker, make_ctx, wait_idle

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
TIMEOUT = 10_000


def _load(db: Database) -> None:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT, UNRELATED)


def _page(qtbot: QtBot, worker: DbWorker, db: Database, username: str) -> AdminPage:
    page = AdminPage(make_ctx(worker, db, F.actor(db, username)))
    qtbot.addWidget(page)
    page.resize(1200, 820)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    qtbot.waitUntil(page.isActiveWindow)
    page.activate()
    wait_idle(qtbot, worker)
    return page


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _key(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(_focus(), key, modifier)


def _at(qtbot: QtBot, name: str) -> None:
    qtbot.waitUntil(lambda: _focus().objectName() == name, timeout=TIMEOUT)


def test_an_access_request_by_keyboard(
    qtbot: QtBot, db: Database, worker: DbWorker, tmp_path: Path
) -> None:
    _load(db)
    page = _page(qtbot, worker, db, "beheer")
    tab = page.subject_access_tab
    assert isinstance(tab, SubjectAccessTab)

    # Alt+I opens the tab; Alt+N is the name.
    _key(qtbot, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is tab)
    _key(qtbot, Qt.Key.Key_N, ALT)
    _at(qtbot, "accessName")
    # A name alone is not enough: a plain Dutch sentence, the cursor stays.
    qtbot.keyClicks(_focus(), "Anna")
    _key(qtbot, Qt.Key.Key_Return)
    assert tab.error.isVisible() and "achternaam" in tab.error.text()
    _at(qtbot, "accessName")
    qtbot.keyClicks(_focus(), " Kowalska")
    _key(qtbot, Qt.Key.Key_Tab)
    _at(qtbot, "accessBirthDate")
    qtbot.keyClicks(_focus(), "11-02-1988")
    _key(qtbot, Qt.Key.Key_Tab)
    _at(qtbot, "accessReceived")
    _key(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "15-01-2026")
    _key(qtbot, Qt.Key.Key_Return)  # Enter searches
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=TIMEOUT)

    # Her own case and the father's case (she is the other parent there); the namesake
    # born in 1990 is not found. Nothing is ticked until the administrator says so.
    assert [(c.ref, c.role) for c in tab.model.items] == [
        (F.MOTHER_REF, "requester"),
        (F.FATHER_REF, "other_parent"),
    ]
    assert tab.model.confirmed() == []
    assert not tab.make_button.isEnabled()
    page.grab().save("/tmp/h18s_access_found.png")
    _at(qtbot, "accessCandidates")
    _key(qtbot, Qt.Key.Key_Space)
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Space)
    assert tab.model.confirmed() == [F.MOTHER_REF, F.FATHER_REF]
    # The children stay redacted: the box is left alone.
    _key(qtbot, Qt.Key.Key_Tab)
    _at(qtbot, "accessChildren")
    assert not tab.with_children.isChecked()

    out = tmp_path / "pakket"
    out.mkdir()
    _key(qtbot, Qt.Key.Key_M, ALT)
    _at(qtbot, "accessFolder")
    qtbot.keyClicks(_focus(), str(out))
    assert tab.make_button.isEnabled()
    _key(qtbot, Qt.Key.Key_P, ALT)
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: tab.result is not None, timeout=TIMEOUT)
    assert not tab.progress.isVisible()

    made = tab.result
    assert made is not None and made.dossiers == 2
    assert made.pdf_path.parent == out and made.json_path.parent == out
    shown = tab.outcome.text()
    assert tab.outcome.isVisible()
    assert "uiterlijk beantwoorden op 15-02-2026" in shown and str(made.pdf_path) in shown
    assert made.request == 1 and "nr. 1 bij de Termijnen" in shown
    page.grab().save("/tmp/h18s_access_done.png")

    text = "\n".join(p.extract_text() for p in PdfReader(made.pdf_path).pages)
    assert "Kowalska" in text and "1988-02-11" in text
    assert F.MOTHER_REF in text and F.FATHER_REF in text
    for secret in (*FATHER_DATA, *CHILD_DATA):
        assert secret not in text, secret
    assert "[afgeschermd]" in text
    assert "Kowalski" not in made.json_path.read_text(encoding="utf-8")
    assert oct(os.stat(made.pdf_path).st_mode & 0o777) in ("0o600", "0o644")

    entries = in_session(
        worker,
        lambda s: [
            (e.username, e.result, e.detail or "")
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "subject.access")
                .order_by(AuditEntry.id)
            )
        ],
    )
    assert [(u, r) for u, r, _d in entries] == [("beheer", "allowed"), ("beheer", "allowed")]
    assert "termijn tot 2026-02-15" in entries[-1][2] and "2 dossier" in entries[-1][2]
    assert all("Kowalsk" not in d for _u, _r, d in entries)


def test_changing_the_name_after_the_search_asks_for_a_new_search(
    qtbot: QtBot, db: Database, worker: DbWorker, tmp_path: Path
) -> None:
    _load(db)
    page = _page(qtbot, worker, db, "beheer")
    tab = page.subject_access_tab
    assert tab is not None
    page.tabs.setCurrentWidget(tab)
    tab.name.setText("Anna Kowalska")
    tab.search()
    wait_idle(qtbot, worker)
    wait_idle(qtbot, worker)
    # Without a birth date the namesake is found too (the administrator decides).
    assert UNRELATED["ref"] in {c.ref for c in tab.model.items}
    tab.model.set_checked(0, True)
    tab.folder.setText(str(tmp_path / "bestaat-niet"))
    tab.make_pack()
    assert tab.error.isVisible() and "bestaat niet" in tab.error.text()
    page.grab().save("/tmp/h18s_access_error.png")
    out = tmp_path / "uit"
    out.mkdir()
    tab.folder.setText(str(out))
    tab.name.setText("Piotr Kowalski")
    tab.make_pack()
    assert "Zoek opnieuw" in tab.error.text()
    wait_idle(qtbot, worker)
    assert tab.result is None and not list(out.iterdir())
    # A birth date in the future is refused before anything is asked.
    tab.birth_date.setText("01-01-2999")
    tab.search()
    assert "Geboortedatum" in tab.error.text()


def test_only_administrators_have_the_tab(qtbot: QtBot, db: Database, worker: DbWorker) -> None:
    _load(db)
    others = [F.actor(db, name) for name in ("directie", "jdevries")]
    for actor in others:
        page = AdminPage(make_ctx(worker, db, actor))
        qtbot.addWidget(page)
        assert page.subject_access_tab is None


def test_the_termijnen_page_shows_the_open_request_until_it_is_answered(
    qtbot: QtBot, db: Database, worker: DbWorker, tmp_path: Path
) -> None:
    """The one-month clock with the case clocks (administrators): red once overdue,
    gone once marked answered; a jurist's Termijnen page has no such section."""
    from ikodesk.reports.subject_access import render_pack

    _load(db)
    admin, jurist = F.actor(db, "beheer"), F.actor(db, "jdevries")
    received = date.today() - timedelta(days=40)
    received = received.replace(day=min(received.day, 28))
    ctx = make_ctx(worker, db, admin)
    made = in_worker(
        worker,
        lambda: worker.app.admin.subject_access_pack(
            admin,
            "Anna Kowalska",
            date(1988, 2, 11),
            [F.MOTHER_REF],
            tmp_path,
            with_children=False,
            received=received,
            render=render_pack,
        ),
    )
    page = DeadlinesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    page.activate()
    box = page.access_requests
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=TIMEOUT)
    assert box.title() == "Inzageverzoek (art. 15 AVG): binnen een maand"
    model = box.model
    assert model.rowCount() == 1
    cells = model.cells(model.items[0])
    assert cells[0] == made.due.strftime("%d-%m-%Y") and cells[3] == received.strftime("%d-%m-%Y")
    assert cells[4] == "1" and "beheer" in cells[5]
    days = (made.due - date.today()).days
    assert days < 0 and "verlopen" in cells[1]  # a month and more ago: overdue, in red
    brush = model.data(model.index(0, 1), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == "#b00020"
    page.grab().save("/tmp/h18s_termijnen_request.png")

    # Marked answered by keyboard: the row, Alt+M, Enter on the question.
    box.view.setFocus()
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_M, ALT)
    qtbot.waitUntil(lambda: box.findChild(QMessageBox, "question") is not None)
    question = box.findChild(QMessageBox, "question")
    assert question is not None and received.strftime("%d-%m-%Y") in question.text()
    qtbot.keyClick(question, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=TIMEOUT)
    assert (
        in_worker(worker, lambda: worker.app.admin.open_access_requests(admin, date.today())) == []
    )

    jurist_page = DeadlinesPage(make_ctx(worker, db, jurist))
    qtbot.addWidget(jurist_page)
    assert jurist_page.access_requests is None
