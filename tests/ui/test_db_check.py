"""Issue #11 point 9 in the desktop client: Beheer > "Database controleren"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_worker, make_ctx


def test_admin_checks_the_database_and_sees_the_verdict(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["beheer"], "F. Beheerder"))
    qtbot.addWidget(window)
    window.show()
    page = window.admin_page
    assert page is not None
    page.tabs.setCurrentIndex(2)
    box = page.check_box
    assert box.isVisibleTo(window)
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "in orde" in box.status.text(), timeout=30_000)
    assert "Auditlog (hashketen): in orde" in box.status.text()

    # Damage a page of the file: the same check now says so.
    def checkpoint() -> int:
        with sample_cases.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return sample_cases.path.stat().st_size // 4096

    pages = in_worker(worker, checkpoint)
    with sample_cases.path.open("r+b") as fh:
        fh.seek((pages - 1) * 4096 + 200)
        fh.write(b"\x00" * 64)
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "BESCHADIGD" in box.status.text(), timeout=30_000)
    assert f"HMAC verification failed for page {pages}" in box.status.text()
    assert "back-up" in box.status.text()
