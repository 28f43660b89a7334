"""Issue #14 in the desktop client: freeze a year under Rapportages, see what changed since,
print the erratum, write the report's chapters; the settings in Beheer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import AuditEntry
from ikodesk.services import app_settings, exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.support import records as R
from tests.ui.conftest import in_session, make_ctx

pytestmark = pytest.mark.slow  # whole flows: freeze, a late registration, the PDF

LATE = {
    "type": "case",
    "ref": "2024-L1-00099",
    "line": 1,
    "code": "travel_consent",
    "opened": "2024-12-30",
    "handler": "tmeijer",
    "requester": {"kind": "parent", "relation": "father"},
}


def _shot(widget: QWidget, name: str) -> None:
    """Screenshots for looking at (IKODESK_SHOTS=dir), not part of the checks."""
    folder = os.environ.get("IKODESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _answer_yes(qtbot: QtBot) -> None:
    def box() -> QMessageBox | None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "question":
                return w
        return None

    qtbot.waitUntil(lambda: box() is not None, timeout=5_000)
    found = box()
    assert found is not None
    found.button(QMessageBox.StandardButton.Yes).click()


def test_a_manager_freezes_a_year_and_sees_what_changed_since(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["directie"], "M. van Leeuwen"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.reports_page
    assert page is not None
    page.year.setValue(2024)
    page.show_button.click()
    panel = page.freeze_panel
    qtbot.waitUntil(lambda: panel.state is not None and panel.state.year == 2024, timeout=20_000)
    assert "2024 is niet vastgesteld" in panel.summary.text()
    assert not page.erratum.isEnabled()
    assert panel.freeze_button.isVisible() is False or panel.freeze_button.isVisibleTo(panel)

    panel.freeze_button.click()
    _answer_yes(qtbot)
    qtbot.waitUntil(lambda: "vastgesteld op" in panel.summary.text(), timeout=20_000)
    assert "door directie" in panel.summary.text()
    assert panel.changes_label.text() == "Sinds de vaststelling is geen cijfer veranderd."

    # A late registration: the records of 2024 change, the frozen figures do not.
    in_session(worker, lambda s: exchange.import_lines(s, Actor.key_holder(), R.lines(LATE)))
    page.show_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=20_000)
    rows = [
        [panel.model.data(panel.model.index(r, c)) for c in range(4)]
        for r in range(panel.model.rowCount())
    ]
    assert rows == [
        ["Zaken › Totaal", "3", "4", "+1"],
        ["Zaken › Lijn 1", "1", "2", "+1"],
    ]
    qtbot.waitUntil(lambda: page.data is not None and page.erratum.isEnabled(), timeout=20_000)
    assert page.model.data(page.model.index(page.model.keys.index("cases.total"), 1)) == "3"
    page.tabs.setCurrentWidget(panel)
    _shot(window, "rapportages-vaststelling")

    # The annual report with its erratum.
    page.erratum.setChecked(True)
    page.annual_button.click()
    qtbot.waitUntil(lambda: page.pdf_path is not None, timeout=60_000)
    assert page.pdf_path is not None
    last = PdfReader(page.pdf_path).pages[-1].extract_text()
    assert "Erratum" in last and "Zaken › Lijn 1" in last

    # Freezing again keeps the earlier version and empties the list.
    panel.freeze_button.click()
    _answer_yes(qtbot)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0 and panel.state is not None, timeout=20_000)
    qtbot.waitUntil(
        lambda: panel.changes_label.text() == "Sinds de vaststelling is geen cijfer veranderd.",
        timeout=20_000,
    )

    def freezes(s):  # type: ignore[no-untyped-def]
        return s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "figures.freeze")
        ).all()

    assert in_session(worker, freezes) == ["vastgesteld 2024", "opnieuw vastgesteld 2024"]


def test_a_manager_writes_the_chapters_and_they_are_printed(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["directie"], "M. van Leeuwen"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.reports_page
    assert page is not None
    page.year.setValue(2024)
    page.show_button.click()
    editor = page.texts_editor
    qtbot.waitUntil(lambda: editor.chapter.count() == 8, timeout=20_000)
    assert editor.chapter.currentData() == "foreword"
    assert not editor.previous_button.isEnabled()  # nothing written for 2023
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "Geachte lezer,")
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.editor, "Met trots presenteren wij het jaarverslag.")
    editor.save_button.click()
    qtbot.waitUntil(lambda: "Laatst gewijzigd" in editor.status.text(), timeout=20_000)
    assert "door directie" in editor.status.text()
    page.tabs.setCurrentWidget(editor)
    _shot(window, "rapportages-teksten")

    page.annual_button.click()
    qtbot.waitUntil(lambda: page.pdf_path is not None, timeout=60_000)
    assert page.pdf_path is not None
    reader = PdfReader(page.pdf_path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Voorwoord" in text and "Met trots presenteren wij het jaarverslag." in text
    # An empty chapter is left out, heading and all.
    assert "Bijzondere leerstoel" not in text and "Projecten" not in text

    # The next year offers this year's text as a start.
    page.year.setValue(2025)
    page.show_button.click()
    qtbot.waitUntil(
        lambda: editor.year == 2025 and editor.previous_button.isEnabled(), timeout=20_000
    )
    assert editor.editor.toPlainText() == ""
    editor.previous_button.click()
    assert editor.editor.toPlainText().startswith("Geachte lezer,")


NOT_AN_IMAGE = b"GIF89a not an image we take"


def _png() -> bytes:
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#E07A1F"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def test_an_administrator_sets_complete_from_and_the_logo(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["beheer"], "F. Beheerder"))
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    admin = window.admin_page
    assert admin is not None
    box = admin.database_tab.report_settings
    qtbot.waitUntil(lambda: "nu 2024" in box.complete_note.text(), timeout=20_000)
    assert box.complete_from.text() == "automatisch"
    box.complete_from.setValue(2023)
    box.findChild(QWidget, "saveCompleteFrom").click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "2023" in box.status.text(), timeout=20_000)
    assert in_session(worker, app_settings.records_complete_from) == 2023
    box.set_logo(_png())
    qtbot.waitUntil(lambda: box.status.text() == "Het logo is opgeslagen.", timeout=20_000)
    qtbot.waitUntil(lambda: not box.logo_preview.pixmap().isNull(), timeout=20_000)
    box.set_logo(NOT_AN_IMAGE)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible() and "PNG" in w.text()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=5_000,
    )
    admin.tabs.setCurrentWidget(admin.database_tab)
    _shot(window, "beheer-jaarcijfers")

    def details(s):  # type: ignore[no-untyped-def]
        return s.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "settings.manage")
            .order_by(AuditEntry.id)
        ).all()

    assert in_session(worker, details) == [
        "registratie volledig vanaf 2023",
        f"logo ({len(_png())} bytes)",
        # The policy allowed the attempt (audited); the service refused the file.
        f"logo ({len(NOT_AN_IMAGE)} bytes)",
    ]
