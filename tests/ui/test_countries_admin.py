"""Issue #15, point 9 in Beheer: countries corrected by keyboard, "onbekend" instead of "?"."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import AuditEntry, Case, Country
from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.support import records as R
from tests.ui.conftest import KH, in_session, make_ctx


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
    assert row("Aruba")[2:7] == [
        "ja",
        "01-08-1994",
        "",
        "",  # ratified: no acceptance by the Netherlands needed
        "HCCH-statustabel, geraadpleegd 02-12-2026",
    ]

    def stored(s: Session) -> tuple[bool, date | None]:
        c = s.get(Country, "AW")
        assert c is not None
        return c.hague_party, c.hague_entry_into_force

    assert in_session(worker, stored) == (True, date(1994, 8, 1))
    # Every screen opened from now on knows it: the case form's badge, for instance.
    assert window.ctx.countries_by_iso["AW"].hague_party_on(date(2024, 1, 1))


def test_an_administrator_records_the_dutch_acceptance_of_an_accession(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    """Issue #17: the deposit date of the Netherlands' acceptance (Art. 38), with its source;
    the case window's Art. 35 line then answers instead of "could not be determined"."""
    removal = date.today() - timedelta(days=200)
    record = R.case(
        ref="2024-L2-00101",
        opened=removal.isoformat(),
        closed=...,
        close_reason=...,
        removal_date=removal.isoformat(),
    )
    with sample_cases.transaction() as s:
        exchange.import_lines(s, KH, R.lines(record))

    def main(who: str) -> MainWindow:
        window = MainWindow(make_ctx(worker, sample_cases, people[who]))
        qtbot.addWidget(window)
        window.show()
        return window

    # The jurist handling the case (an administrator reads no case).
    window = main("jdevries")
    case_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == "2024-L2-00101"))
    )

    form = window.open_case(case_id)
    qtbot.waitUntil(lambda: not form.is_loading(), timeout=10_000)
    line = form.clock_section.convention
    qtbot.waitUntil(lambda: line.isVisibleTo(form) and bool(line.text()), timeout=10_000)
    # Unknown: said plainly, with how an administrator records it.
    assert line.text().startswith("Niet vast te stellen of het Haags Kinderontvoeringsverdrag")
    assert "Polen is tot het Verdrag toegetreden" in line.text()
    assert "Beheer › Referentiegegevens › Land wijzigen" in line.text()
    form.discard_and_close()
    window.close()

    window = main("beheer")
    page = window.admin_page
    assert page is not None
    tab = page.countries_tab
    model = tab.model
    tab.filter.setText("Polen")
    assert model.rowCount() == 1
    assert model.data(model.index(0, 5)) == "onbekend"
    assert "derde kalendermaand" in model.data(model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    tab.view.setFocus()
    tab.view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible())
    dialog = tab.dialog
    assert dialog is not None
    assert dialog.acceded.isChecked() and dialog.acceptance.isEnabled()
    assert "niet vastgesteld" in dialog.acceptance_effect.text()
    dialog.acceptance.edit.setFocus()
    qtbot.keyClicks(dialog.acceptance.edit, "15-3-1993")
    assert dialog.acceptance_effect.text() == (
        "Het Verdrag geldt dan tussen Nederland en Polen vanaf 01-06-1993 (eerste dag van de "
        "derde kalendermaand na de neerlegging, art. 38)."
    )
    # Unticking "acceded" takes the date out of play (a ratifying state has none).
    qtbot.keyClick(dialog.acceded, Qt.Key.Key_Space)
    assert not dialog.acceptance.isEnabled() and not dialog.acceptance_effect.isVisibleTo(dialog)
    qtbot.keyClick(dialog.acceded, Qt.Key.Key_Space)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Tractatenblad (testgegeven)")
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert model.data(model.index(0, 5)) == "neergelegd 15-03-1993"

    def stored(s: Session) -> tuple[bool, date | None, list[str | None]]:
        c = s.get(Country, "PL")
        assert c is not None
        details = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "reference.manage")
        )
        return c.hague_acceded, c.hague_nl_acceptance, list(details)

    acceded, accepted, details = in_session(worker, stored)
    assert (acceded, accepted) == (True, date(1993, 3, 15))
    assert "aanvaarding door Nederland neergelegd op 15-03-1993" in (details[-1] or "")

    # A case window opened from now on answers the Art. 35 question.
    window.close()
    window = main("jdevries")
    form = window.open_case(case_id)
    qtbot.waitUntil(lambda: not form.is_loading(), timeout=10_000)
    line = form.clock_section.convention
    qtbot.waitUntil(lambda: line.isVisibleTo(form) and bool(line.text()), timeout=10_000)
    assert line.text().startswith("Het Haags Kinderontvoeringsverdrag gold op")
    assert "tussen Nederland en Polen (sinds 01-06-1993)" in line.text()
    form.discard_and_close()
