"""The case list page: filters, search-as-you-type and the lazy table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import LINE1_CODES, LINE2_CODES, Action, CaseCode, Role
from ikodesk.services.case_queries import MAX_SEARCH_MATCHES, CaseFilter
from ikodesk.ui.cases import conflict_badge
from ikodesk.ui.cases.case_list import CaseListModel
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label

SEARCH_DELAY_MS = 300


# The requester's width while "Gevonden in" is shown beside it.
SEARCH_REQUESTER_CHARS = 22


class CasesPage(QWidget):
    open_case_requested = Signal(object)  # the case id, None for a new case

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._activated = False
        ctx.worker.changed.connect(self._data_changed)
        layout = QVBoxLayout(self)

        title_row = QHBoxLayout()
        title = title_label(self.tr("Zaken"))
        title_row.addWidget(title)
        title_row.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        title_row.addWidget(self.count_label)
        if ctx.can(Action.CASE_CREATE):
            self.new_button = QPushButton(self.tr("&Nieuwe zaak (lijn 2)"))
            self.new_button.setToolTip(self.tr("Ctrl+Shift+L"))
            self.new_button.clicked.connect(lambda: self.open_case_requested.emit(None))
            title_row.addWidget(self.new_button)
        layout.addLayout(title_row)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Zoeken op referentie, naam of naam van een kind (Ctrl+K)")
        )
        layout.addWidget(self.search)
        # Matches behind a conflict wall are not listed; saying they exist keeps anyone
        # from registering the family a second time.
        self.hidden_label = QLabel()
        self.hidden_label.setObjectName("hiddenMatches")
        self.hidden_label.setWordWrap(True)
        self.hidden_label.setStyleSheet(conflict_badge.notice_style())
        self.hidden_label.hide()
        layout.addWidget(self.hidden_label)

        filters = QHBoxLayout()
        self.line_filter = QComboBox()
        self.line_filter.setObjectName("lineFilter")
        self.line_filter.addItem(self.tr("Alle lijnen"), None)
        self.line_filter.addItem(self.tr("Lijn 1"), 1)
        self.line_filter.addItem(self.tr("Lijn 2"), 2)
        self.code_filter = QComboBox()
        self.code_filter.setObjectName("codeFilter")
        self.code_filter.addItem(self.tr("Alle codes"), None)
        for code in (*LINE2_CODES, *LINE1_CODES):
            self.code_filter.addItem(enum_label(code), code.value)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(self.tr("Open en gesloten"), None)
        self.status_filter.addItem(self.tr("Open"), "open")
        self.status_filter.addItem(self.tr("Gesloten"), "closed")
        self.handler_filter = QComboBox()
        self.handler_filter.setObjectName("handlerFilter")
        self.handler_filter.addItem(self.tr("Alle behandelaars"), None)
        self.year_filter = QComboBox()
        self.year_filter.setObjectName("yearFilter")
        self.year_filter.addItem(self.tr("Alle jaren"), None)
        for label_text, combo in (
            (self.tr("&Lijn"), self.line_filter),
            (self.tr("C&ode"), self.code_filter),
            (self.tr("S&tatus"), self.status_filter),
            (self.tr("&Behandelaar"), self.handler_filter),
            (self.tr("&Jaar"), self.year_filter),
        ):
            label = QLabel(label_text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.model = CaseListModel(ctx.worker, ctx.actor, self)
        self.view = QTableView()
        self.view.setObjectName("caseTable")
        self.view.setModel(self.model)
        self.view.setColumnHidden(self.model.column("matched"), True)  # shown while searching
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        vh = self.view.verticalHeader()
        vh.setVisible(False)
        # Fixed row heights: the view never measures rows (a must for a million of them).
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.view.horizontalHeader()
        hh.setHighlightSections(False)
        char = self.fontMetrics().averageCharWidth()
        for i, col in enumerate(self.model.columns):
            self.view.setColumnWidth(i, col.width_chars * char + 16)
        self._fit_columns(searching=False)
        hh.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        self.view.setSortingEnabled(True)
        hh.sortIndicatorChanged.connect(self._sort_indicator_changed)
        layout.addWidget(self.view, 1)

        self.view.activated.connect(self._open)
        self._select_first = False
        self.model.first_page_loaded.connect(self._first_page_loaded)
        self.model.count_changed.connect(self._show_count)
        self.model.behind_wall_changed.connect(self._show_hidden)
        self.model.error.connect(lambda exc: show_error(self, exc))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        for combo in (
            self.line_filter,
            self.code_filter,
            self.status_filter,
            self.handler_filter,
            self.year_filter,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        # Jurists work Line 2; students see Line 1 and their own Line 2 intakes.
        if ctx.role is Role.JURIST:
            self.line_filter.setCurrentIndex(2)
        self.setTabOrder(self.search, self.line_filter)
        self.setTabOrder(self.line_filter, self.code_filter)
        self.setTabOrder(self.code_filter, self.status_filter)
        self.setTabOrder(self.status_filter, self.handler_filter)
        self.setTabOrder(self.handler_filter, self.year_filter)
        self.setTabOrder(self.year_filter, self.view)

    # -- life cycle ---------------------------------------------------------------------
    def activate(self) -> None:
        """Load on first show: the list does no work while nobody looks at it."""
        if self._activated:
            return
        self._activated = True
        actor = self.ctx.actor

        # The list first (the worker is serial): the filter choices can come a moment later.
        self.apply_filter()
        self.ctx.worker.call(
            lambda app: app.cases.facets(actor),
            self._facets_loaded,
            lambda e: show_error(self, e),
            self,
        )

    def _facets_loaded(self, result: tuple[list[Any], list[int]]) -> None:
        handlers, years = result
        for combo in (self.handler_filter, self.year_filter):
            combo.blockSignals(True)
        for h in handlers:
            text = h.username if h.active else self.tr("{0} (inactief)").format(h.username)
            self.handler_filter.addItem(text, h.user_id)
        for y in years:
            self.year_filter.addItem(str(y), y)
        for combo in (self.handler_filter, self.year_filter):
            combo.blockSignals(False)

    def current_filter(self) -> CaseFilter:
        code = self.code_filter.currentData()
        return CaseFilter(
            line=self.line_filter.currentData(),
            code=CaseCode(code) if code else None,
            status=self.status_filter.currentData(),
            handler_id=self.handler_filter.currentData(),
            year=self.year_filter.currentData(),
            text=self.search.text().strip(),
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter or not self.model.rowCount():
            self.count_label.setText(self.tr("laden…"))
            self.model.set_filter(flt)
        self._fit_columns(searching=bool(flt.text))

    def _fit_columns(self, searching: bool) -> None:
        """The requester takes the room that is left (no measuring of contents). While
        searching, "Gevonden in" shows why each case matched, at a width that shows it,
        and the requester keeps a readable width beside it (a stretched column would
        be squeezed to "…" once the columns fill the window)."""
        hh = self.view.horizontalHeader()
        requester, matched = self.model.column("requester"), self.model.column("matched")
        self.view.setColumnHidden(matched, not searching)
        char = self.fontMetrics().averageCharWidth()
        if searching:
            hh.setSectionResizeMode(requester, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(requester, SEARCH_REQUESTER_CHARS * char + 16)
            self.view.setColumnWidth(matched, self.model.columns[matched].width_chars * char + 16)
        else:
            hh.setSectionResizeMode(requester, QHeaderView.ResizeMode.Stretch)

    def _data_changed(self, changes: OpChanges) -> None:
        if changes.cases or changes.conflicts:  # a decided conflict: badges and walls
            self.refresh()

    def refresh(self) -> None:
        if self._activated:
            self.count_label.setText(self.tr("laden…"))
            self.model.reload()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_enter(self) -> None:
        self.apply_filter()
        self.view.setFocus()
        self._select_first = True
        if not self.model.is_loading():
            self._first_page_loaded()

    def _first_page_loaded(self) -> None:
        # The list has focus (Enter in the search field, or Tab): put the cursor on the
        # first row so that Enter opens it and the arrows move from there.
        wanted = self._select_first or self.view.hasFocus()
        if self.model.rowCount() and wanted and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))
        self._select_first = False

    def _show_count(self, total: int) -> None:
        shown = f"{total:,}".replace(",", ".")
        if self.model.filter.text and total >= MAX_SEARCH_MATCHES:
            # Name searches stop at the newest MAX_SEARCH_MATCHES matches.
            self.count_label.setText(
                self.tr("{0} of meer zaken: verfijn de zoekopdracht").format(shown)
            )
            return
        self.count_label.setText(self.tr("{0} zaken").format(shown))

    def _show_hidden(self, behind_wall: bool) -> None:
        # Whether, never how many: the service only says so for a whole name or reference.
        if not behind_wall:
            self.hidden_label.hide()
            return
        self.hidden_label.setText(
            self.tr(
                "Er is iets gevonden achter een conflictmuur: een dossier dat bij deze "
                "zoekopdracht past, maar voor u is afgeschermd. Gaat het om dezelfde familie, "
                "registreer haar dan niet opnieuw en overleg met de beheerder."
            )
        )
        self.hidden_label.show()

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if self.model.columns[column].sort is None:
            # Not sortable: put the indicator back where the list is really sorted.
            hh = self.view.horizontalHeader()
            hh.blockSignals(True)
            hh.setSortIndicator(
                self.model.sort_column(),
                Qt.SortOrder.DescendingOrder
                if self.model.descending
                else Qt.SortOrder.AscendingOrder,
            )
            hh.blockSignals(False)

    def _open(self, index: QModelIndex) -> None:
        case_id = self.model.case_id(index.row())
        if case_id is None or self.model.row_data(index.row()) is None:
            return
        # A masked row too: the policy refuses it, says why, and audits the attempt.
        self.open_case_requested.emit(case_id)
