"""Issue #15, point 9 in Beheer: countries corrected by keyboard, "onbekend" instead of "?"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from ikodesk.models import Country
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx


def test_an_administrator_corrects_a_country_with_its_source(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["beheer"], "F. Beheerder"))
    qtbot.addWidget(window)
    window.show()
    page = window.admin_page
    assert page is not None
    tab = page.countries_tab
    model = tab.model

    def row(name: str) -> list[str]:
        tab.filter.setText(name)
        assert model.rowCount() == 1, name
        return [model.data(model.index(0, c)) for c in range(model.columnCount())]

    # A party without a known date in force says so in words.
    assert row("Servië")[2:4] == ["ja", "onbekend"]
    assert "?" not in [c for name in ("Servië", "Slovenië") for c in row(name)]

    assert row("Aruba")[2:4] == ["nee", ""]
    tab.view.setFocus()
    tab.view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible())
    dialog = tab.dialog
    assert dialog is not None and dialog.focusWidget() is dialog.party
    assert not dialog.since.isEnabled()  # only a party has a date in force
    qtbot.keyClick(dialog.party, Qt.Key.Key_Space)
    assert dialog.since.isEnabled()
    qtbot.keyClicks(dialog.since.edit, "1-8-1994")
    assert dialog.since.understood() == "ma 1 augustus 1994"
    # Saving without a source: refused at the field.
    qtbot.keyClick(dialog.since.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.errors.text("source_note")))
    assert dialog.errors.text("source_note").startswith("Verplicht: waar komt dit vandaan")
    assert dialog.focusWidget() is dialog.note
    qtbot.keyClicks(dialog.note, "HCCH-statustabel, geraadpleegd 02-12-2026")
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert row("Aruba")[2:6] == [
        "ja",
        "01-08-1994",
        "",
        "HCCH-statustabel, geraadpleegd 02-12-2026",
    ]

    def stored(s: Session) -> tuple[bool, date | None]:
        c = s.get(Country, "AW")
        assert c is not None
        return c.hague_party, c.hague_entry_into_force

    assert in_session(worker, stored) == (True, date(1994, 8, 1))
    # Every screen opened from now on knows it: the case form's badge, for instance.
    assert window.ctx.countries_by_iso["AW"].hague_party_on(date(2024, 1, 1))
