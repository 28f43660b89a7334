"""The reports screen: the figures of a small dataset, charts, and the PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import make_ctx


def _row(page, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    model = page.model
    row = model.keys.index(key)
    return [model.data(model.index(row, c)) for c in range(4)]


@pytest.mark.slow
def test_reports_screen_shows_the_figures_and_makes_the_pdfs(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
    tmp_path: Path,
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["directie"], "M. van Leeuwen"))
    qtbot.addWidget(window)
    window.show()
    page = window.reports_page
    assert page is not None and window.pages.currentWidget() is page  # managers start here
    assert window.cases_page is None and window.admin_page is None  # no dossiers
    page.year.setValue(2024)
    assert page.compare.value() == 2023
    page.show_button.click()
    qtbot.waitUntil(lambda: page.data is not None and page.data["year"] == 2024, timeout=20_000)

    # The sample: two Line 2 cases (both parents' abduction cases, PL and TR), one Line 1
    # case, one contact moment, all in 2024; nothing in 2023.
    # 2023 is unknown here (no records, no historical figures): a dash, not a zero.
    assert _row(page, "cases.total") == ["Zaken › Totaal", "3", "–", "–"]
    assert _row(page, "cases.line1")[1] == "1"
    assert _row(page, "cases.line2")[1] == "2"
    assert _row(page, "cases.line2_closed_in_year")[1] == "1"
    assert _row(page, "contacts.total")[1] == "1"
    assert _row(page, "abduction.parent_cases")[1] == "2"
    assert _row(page, "abduction.children")[1] == "3"
    assert "3 zaken" in page.status.text()
    # The filter narrows the table.
    page.filter.setText("kanaal")
    assert page.model.rowCount() > 0
    labels = [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]
    assert all("Per kanaal" in text for text in labels)
    page.filter.clear()

    # Charts: four-year trend, Line 2 per code, top countries.
    trend = page.chart_views[0].chart()
    (series,) = trend.series()
    assert isinstance(series, QBarSeries)
    assert [s.at(s.count() - 1) for s in series.barSets()] == [1.0, 2.0]
    countries = page.chart_views[2].chart()
    axis = countries.axes()[0]
    assert "Polen" in axis.categories()

    # The annual report PDF, built on the worker, shown in the viewer, saved.
    steps: list[int] = []
    worker.progress.connect(lambda done, total, _text: steps.append(done * 100 // total))
    page.annual_button.click()
    assert page.progress.isVisibleTo(page) and not page.annual_button.isEnabled()
    qtbot.waitUntil(lambda: page.pdf_path is not None, timeout=60_000)
    assert steps and steps == sorted(steps) and steps[-1] == 100  # a moving progress bar
    assert not page.progress.isVisibleTo(page) and page.annual_button.isEnabled()
    assert page.document.status() == QPdfDocument.Status.Ready
    assert page.document.pageCount() >= 3
    assert page.tabs.currentIndex() == page.pdf_tab_index
    # Saved through the owner-only helper: a link at the chosen name is replaced, not
    # followed, and the copy is 0600 (issue #11 point 5).
    outside = tmp_path / "buiten.txt"
    outside.write_bytes(b"van iemand anders")
    (tmp_path / "jaarcijfers.pdf").symlink_to(outside)
    saved = page.save_pdf(tmp_path / "jaarcijfers.pdf")
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")
    assert not saved.is_symlink() and outside.read_bytes() == b"van iemand anders"
    assert saved.stat().st_mode & 0o777 == 0o600
    # And the mediation report.
    first = page.pdf_path
    page.mediation_button.click()
    qtbot.waitUntil(lambda: page.pdf_path not in (None, first), timeout=60_000)
    assert page.pdf_path is not None and page.pdf_path.name == "mediationcijfers-2024.pdf"
    assert page.document.pageCount() >= 1


def _report_entries(worker: DbWorker) -> list[tuple[str, str, str | None]]:
    from sqlalchemy import select

    from ikodesk.models import AuditEntry
    from tests.ui.conftest import in_session

    def read(s):  # type: ignore[no-untyped-def]
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "report.print").order_by(AuditEntry.id)
        )
        return [(e.username, e.result, e.detail) for e in rows]

    return in_session(worker, read)


def test_each_report_made_in_the_gui_is_audited_as_a_print(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
) -> None:
    """The desktop client used to build both PDFs without REPORT_PRINT, unaudited."""
    from ikodesk.services.reporting import ReportKind
    from ikodesk.ui.reports.reports_page import ReportsPage

    page = ReportsPage(make_ctx(worker, sample_cases, people["directie"]))
    qtbot.addWidget(page)
    page.year.setValue(2024)
    assert _report_entries(worker) == []
    page.make_pdf(ReportKind.ANNUAL)
    qtbot.waitUntil(lambda: page.pdf_path is not None, timeout=60_000)
    assert _report_entries(worker) == [("directie", "allowed", "jaarcijfers 2024")]
    first = page.pdf_path
    page.mediation_button.click()
    qtbot.waitUntil(lambda: page.pdf_path not in (None, first), timeout=60_000)
    assert _report_entries(worker) == [
        ("directie", "allowed", "jaarcijfers 2024"),
        ("directie", "allowed", "mediationcijfers 2024"),
    ]


def test_a_role_without_report_print_is_refused_in_the_gui_too(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
) -> None:
    """The buttons are hidden for a jurist; asked anyway, the service refuses and audits it."""
    from ikodesk.services.reporting import ReportKind
    from ikodesk.ui.reports.reports_page import ReportsPage

    page = ReportsPage(make_ctx(worker, sample_cases, people["jdevries"]))
    qtbot.addWidget(page)
    assert not page.annual_button.isVisibleTo(page)
    page.year.setValue(2024)
    for kind in ReportKind:
        page.make_pdf(kind)
        qtbot.waitUntil(lambda: not page._busy, timeout=30_000)
        assert "Geen toegang" in page.status.text()
    assert page.pdf_path is None and not list(page._tmp.iterdir())  # nothing was built
    assert [(u, r) for u, r, _d in _report_entries(worker)] == [
        ("jdevries", "refused"),
        ("jdevries", "refused"),
    ]
