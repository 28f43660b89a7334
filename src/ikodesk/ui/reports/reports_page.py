"""Rapportages: the annual figures in tables and charts, and the report PDFs.

The figures come from `services.figures.report_figures` (the same computation
as `ikodesk figures` and the PDFs); the PDFs are made by `services.reporting`
(which requires and audits REPORT_PRINT, as on the command line) on the worker,
with a progress bar, and shown in a PDF viewer with print and save.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QChartView,
)
from PySide6.QtCore import (
    QPointF,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action
from ikodesk.reports.catalogue import BUILDERS
from ikodesk.services import nlformat, output, reporting
from ikodesk.services.application import Application
from ikodesk.services.reporting import ReportKind
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.reports.figures_view import (
    FiguresModel,
    change_text,
    countries_chart,
    figure,
    fmt_figure,
    line2_chart,
    trend_chart,
)
from ikodesk.ui.reports.freeze_panel import FreezePanel
from ikodesk.ui.reports.texts_editor import TextsEditor


class ReportsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.data: dict[str, Any] | None = None
        self.pdf_path: Path | None = None
        self._loaded = False
        self._busy = False  # a PDF is being made
        self._load_generation = 0
        self._tmp = Path(tempfile.mkdtemp(prefix="ikodesk-rapport-"))
        tmp = self._tmp
        self.destroyed.connect(lambda _obj=None: shutil.rmtree(tmp, ignore_errors=True))
        layout = QVBoxLayout(self)
        title = title_label(self.tr("Rapportages"))
        layout.addWidget(title)

        bar = QHBoxLayout()
        this_year = date.today().year
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, this_year)
        self.year.setValue(this_year - 1)
        self.compare = QSpinBox()
        self.compare.setObjectName("compareYear")
        self.compare.setRange(1990, this_year)
        self.compare.setValue(this_year - 2)
        self.show_button = QPushButton(self.tr("Cijfers &tonen"))
        self.show_button.setObjectName("showFigures")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.load)
        year_label = QLabel(self.tr("&Jaar"))
        year_label.setBuddy(self.year)
        compare_label = QLabel(self.tr("&Vergelijken met"))
        compare_label.setBuddy(self.compare)
        self.year.valueChanged.connect(lambda y: self.compare.setValue(y - 1))
        for w in (year_label, self.year, compare_label, self.compare, self.show_button):
            bar.addWidget(w)
        bar.addSpacing(24)
        self.annual_button = QPushButton(self.tr("&Jaarverslag (PDF)"))
        self.annual_button.setObjectName("annualPdf")
        self.annual_button.clicked.connect(lambda: self.make_pdf(ReportKind.ANNUAL))
        self.mediation_button = QPushButton(self.tr("&Mediationcijfers (PDF)"))
        self.mediation_button.setObjectName("mediationPdf")
        self.mediation_button.clicked.connect(lambda: self.make_pdf(ReportKind.MEDIATION))
        can_print = ctx.can(Action.REPORT_PRINT)
        self.erratum = QCheckBox(self.tr("met &erratum"))
        self.erratum.setObjectName("withErratum")
        self.erratum.setToolTip(
            self.tr("Voor een vastgesteld jaar: een pagina met wat sindsdien is veranderd")
        )
        self.erratum.setEnabled(False)
        for b in (self.annual_button, self.mediation_button, self.erratum):
            b.setVisible(can_print)
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        # -- the figures as a table ---------------------------------------------------
        table_tab = QWidget()
        tv = QVBoxLayout(table_tab)
        self.filter = QLineEdit()
        self.filter.setObjectName("figuresFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(
            self.tr("filter, bijvoorbeeld: ontvoering, telefoon, Preventie")
        )
        self.filter.textChanged.connect(lambda t: self.model.set_figures(self.data, t))
        tv.addWidget(self.filter)
        self.model: FiguresModel = FiguresModel(self)
        self.table = QTableView()
        self.table.setObjectName("figures")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().averageCharWidth()
        for i in (1, 2, 3):
            hh.setSectionResizeMode(i, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(i, 12 * char + 16)
        tv.addWidget(self.table)
        self.tabs.addTab(table_tab, self.tr("&Cijfers"))
        # -- charts -------------------------------------------------------------------
        charts_tab = QWidget()
        self.charts = QGridLayout(charts_tab)
        self.chart_views: list[QChartView] = []
        line = self.fontMetrics().height()
        # Trend and Line 2 per code (long labels: the whole width), then the countries.
        for row, col, span, height in (
            (0, 0, 1, 18),
            (1, 0, 2, 22),
            (2, 0, 1, 20),
            (2, 1, 1, 20),
        ):
            view = QChartView()
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(line * height)
            self.chart_views.append(view)
            self.charts.addWidget(view, row, col, 1, span)
        self.summary_view = QLabel()
        self.summary_view.setObjectName("chartNotes")
        self.summary_view.setWordWrap(True)
        self.summary_view.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.charts.addWidget(self.summary_view, 0, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts_tab)
        self.tabs.addTab(scroll, self.tr("&Grafieken"))
        # -- the PDF ------------------------------------------------------------------
        pdf_tab = QWidget()
        pv = QVBoxLayout(pdf_tab)
        pdf_bar = QHBoxLayout()
        self.pdf_label = QLabel(self.tr("Nog geen rapport gemaakt."))
        self.print_button = QPushButton(self.tr("&Afdrukken…"))
        self.print_button.setObjectName("printPdf")
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button = QPushButton(self.tr("&Opslaan als…"))
        self.save_button.setObjectName("savePdf")
        self.save_button.clicked.connect(self.save_pdf)
        pdf_bar.addWidget(self.pdf_label, 1)
        pdf_bar.addWidget(self.print_button)
        pdf_bar.addWidget(self.save_button)
        pv.addLayout(pdf_bar)
        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("pdfView")
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pv.addWidget(self.pdf_view, 1)
        self.pdf_tab_index = self.tabs.addTab(pdf_tab, self.tr("&PDF"))
        # -- freezing the year, the chapters' texts (issue #14) ----------------------------
        self.freeze_panel = FreezePanel(ctx)
        self.freeze_panel.frozen.connect(lambda _y: self.load())
        self.tabs.addTab(self.freeze_panel, self.tr("Vaststell&ing"))
        self.texts_editor = TextsEditor(ctx)
        self.tabs.addTab(self.texts_editor, self.tr("&Teksten"))
        self._update_buttons()

    # -- life cycle -------------------------------------------------------------------
    def activate(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.load()

    def _update_buttons(self) -> None:
        for b in (self.annual_button, self.mediation_button):
            b.setEnabled(not self._busy)
        has_pdf = self.pdf_path is not None
        self.print_button.setEnabled(has_pdf)
        self.save_button.setEnabled(has_pdf)

    # -- figures ----------------------------------------------------------------------
    def load(self) -> None:
        worker, actor = self.ctx.worker, self.ctx.actor
        year, compare = self.year.value(), self.compare.value()
        self.status.setText(self.tr("Cijfers over {0} worden berekend…").format(year))
        # A newer request wins: an older result arriving later is dropped.
        self._load_generation += 1
        generation = self._load_generation

        def job(app: Application) -> dict[str, Any]:
            return app.reports.figures(actor, year, compare)

        def done(data: dict[str, Any]) -> None:
            if generation == self._load_generation:
                self.show_figures(data)

        worker.call(job, done, self._failed, owner=self)
        self.freeze_panel.load(year)
        self.texts_editor.load(year)

    def show_figures(self, data: dict[str, Any]) -> None:
        self.data = data
        source = next((s for s in data.get("sources", []) if s["year"] == data["year"]), None)
        self.erratum.setEnabled(bool(source and source["frozen_at"]))
        if not self.erratum.isEnabled():
            self.erratum.setChecked(False)
        self.model.set_figures(data, self.filter.text())
        y, c = data["year"], data["compare"]
        current = data["current"]
        cases, contacts = figure(current, "cases.total"), figure(current, "contacts.total")
        self.status.setText(
            self.tr("{0}: {1} (lijn 1: {2}, lijn 2: {3}), {4}.").format(
                y,
                self.tr("1 zaak")
                if cases == 1
                else self.tr("{0} zaken").format(nlformat.number(cases)),
                nlformat.number(figure(current, "cases.line1")),
                nlformat.number(figure(current, "cases.line2")),
                self.tr("1 contactmoment")
                if contacts == 1
                else self.tr("{0} contactmomenten").format(nlformat.number(contacts)),
            )
            + " "
            + self.tr("Vergeleken met {0}.").format(c)
        )
        charts = [
            trend_chart(data, ["cases.line1", "cases.line2"], self.tr("Zaken per lijn, {0}")),
            line2_chart(data),
            countries_chart(
                data,
                "abduction.countries.outgoing",
                self.tr("Ontvoering naar het buitenland: landen, {0}").format(y),
            ),
            countries_chart(
                data, "prevention.countries", self.tr("Preventie: landen, {0}").format(y)
            ),
        ]
        self.summary_view.setText(self._key_figures_html(data))
        for view, chart in zip(self.chart_views, charts, strict=True):
            old = view.chart()
            view.setChart(chart)
            if old is not None:
                old.deleteLater()

    def _key_figures_html(self, data: dict[str, Any]) -> str:
        """The headline figures beside the charts, with the comparison year."""
        rows = [
            ("cases.total", self.tr("Zaken")),
            ("contacts.total", self.tr("Contactmomenten")),
            ("abduction.parent_cases", self.tr("Ontvoeringszaken van ouders")),
            ("abduction.children", self.tr("Kinderen in die zaken")),
            ("abduction.direction.outgoing.hague", self.tr("Uitgaand naar een HKOV-land")),
            ("abduction.direction.outgoing.non_hague", self.tr("Uitgaand naar een niet-HKOV-land")),
            (
                "abduction.filed_within_one_year",
                self.tr("Procedure binnen een jaar na de ontvoering"),
            ),
            (
                "abduction.median_days_removal_to_opening",
                self.tr("Dagen van ontvoering tot eerste contact (mediaan)"),
            ),
            ("prevention.children", self.tr("Kinderen in preventiezaken")),
            ("mediation.requests.total", self.tr("Mediationverzoeken")),
            ("mediation.success_rate.all", self.tr("Slagingspercentage mediation")),
        ]
        head = (
            f"<tr><th align='left'>{self.tr('Kerncijfers')}</th>"
            f"<th align='right'>{data['year']}</th><th align='right'>{data['compare']}</th>"
            f"<th align='right'>{self.tr('Verschil')}</th></tr>"
        )
        body = "".join(
            f"<tr><td>{label}&nbsp;&nbsp;</td>"
            f"<td align='right'>{fmt_figure(key, figure(data['current'], key))}</td>"
            f"<td align='right'>&nbsp;&nbsp;"
            f"{fmt_figure(key, figure(data['previous'], key))}</td>"
            f"<td align='right'>&nbsp;&nbsp;"
            f"{change_text(data, key)}</td></tr>"
            for key, label in rows
        )
        return f"<table cellspacing='4'>{head}{body}</table>"

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.progress.hide()
        self._update_buttons()
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            message = self.tr("Dat is niet gelukt.")
        self.status.setText(message)

    # -- PDFs -------------------------------------------------------------------------
    def make_pdf(self, kind: ReportKind) -> None:
        if self._busy:
            return
        worker, actor = self.ctx.worker, self.ctx.actor
        year, compare = self.year.value(), self.compare.value()
        erratum = self.erratum.isEnabled() and self.erratum.isChecked()
        target = self._tmp / f"{reporting.REPORT_NAMES[kind]}-{year}.pdf"
        self._busy = True
        self._update_buttons()
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Het rapport wordt gemaakt…"))

        def on_progress(done: int, total: int, _text: str) -> None:
            percent = done * 100 // max(total, 1)
            self.progress.setValue(percent)
            # The steps in words: the figures first (a few seconds), then the PDF.
            self.status.setText(
                self.tr("Cijfers berekenen…")
                if percent < reporting.FIGURES_SHARE
                else self.tr("Het rapport wordt opgemaakt…")
            )

        worker.progress.connect(on_progress)

        def job(app: Application) -> Path:
            made = app.reports.make(
                actor,
                kind,
                year,
                compare,
                target,
                build=BUILDERS[kind],
                progress=lambda d, t: worker.report_progress(d, t),
                erratum=erratum,
            )
            return made.path

        def done(path: Path) -> None:
            worker.progress.disconnect(on_progress)
            self._busy = False
            self.progress.setValue(100)
            self.progress.hide()
            self.show_pdf(path)

        def failed(exc: BaseException) -> None:
            worker.progress.disconnect(on_progress)
            self._failed(exc)

        worker.call(job, done, failed, owner=self)

    def show_pdf(self, path: Path) -> None:
        self.pdf_path = path
        self.document.close()
        self.document.load(str(path))
        self.pdf_label.setText(
            self.tr("{0} ({1} pagina's)").format(path.name, self.document.pageCount())
        )
        self.status.setText(self.tr("Rapport gemaakt: {0}").format(path.name))
        self.tabs.setCurrentIndex(self.pdf_tab_index)
        self.pdf_view.pageNavigator().jump(0, QPointF(), 0)
        self._update_buttons()

    def save_pdf(self, target: Path | None = None) -> Path | None:
        if self.pdf_path is None:
            return None
        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Rapport opslaan"),
                str(Path.home() / self.pdf_path.name),
                self.tr("PDF (*.pdf)"),
            )
            if not chosen:
                return None
            target = Path(chosen)
        try:
            output.save_copy(self.pdf_path, target)
        except OSError as exc:
            show_error(self, exc)
            return None
        self.status.setText(self.tr("Opgeslagen als {0}").format(target))
        return target

    def print_pdf(self) -> None:
        if self.pdf_path is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._print(printer))
        # PySide6's stub for QPrintDialog drops the QDialog.open() overload it inherits.
        dialog.open()  # type: ignore[call-arg]
        self.print_dialog = dialog

    def _print(self, printer: QPrinter) -> None:
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText(self.tr("De printer kan niet worden gebruikt."))
            return
        try:
            page_rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                image = self.document.render(page, page_rect.size())
                painter.drawImage(page_rect.topLeft(), image)
        finally:
            painter.end()
        self.status.setText(self.tr("Naar de printer gestuurd."))
