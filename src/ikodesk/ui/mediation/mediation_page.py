"""The Mediation Bureau's page: the status list of requests, the special-curator
reminders, and the pool of mediators.

Requests open in windows of their own (`MediationWindow`), several side by
side; the page keeps them so the main window can ask about unsaved changes.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action, MediationKind, MediationStatus
from ikodesk.services import mediation as med
from ikodesk.services.mediation import CuratorReminder, MediationRow
from ikodesk.services.mediators import MediatorRow
from ikodesk.services.usecases.mediation import MediationOverview
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.field_errors import ERROR_STYLE
from ikodesk.ui.common.fields import format_date
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.tables import row_table
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label
from ikodesk.ui.mediation.mediation_form import MediationWindow
from ikodesk.ui.mediation.mediation_list import SORT_ROLE, MediationListModel
from ikodesk.ui.mediation.mediator_pool import MediatorPool

SHORTCUT_NEW_REQUEST = QKeySequence("Ctrl+N")
SHORTCUTS_FIND = (QKeySequence("Ctrl+K"), QKeySequence("Ctrl+F"))
REMINDERS_SHOWN = 8


class MediationPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.windows: list[MediationWindow] = []
        self._activated = False
        self._filters_loaded = False
        self._generation = 0
        self.reminders: list[CuratorReminder] = []
        writable = ctx.can(Action.MEDIATION_WRITE)
        layout = QVBoxLayout(self)

        title_row = QHBoxLayout()
        title = title_label(self.tr("Mediation Bureau"))
        title_row.addWidget(title)
        title_row.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("findRef")
        self.search.setPlaceholderText(self.tr("bijv. M2024-007 (Ctrl+K)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 30)
        find_label = QLabel(self.tr("&Ga naar"))
        find_label.setBuddy(self.search)
        title_row.addWidget(find_label)
        title_row.addWidget(self.search)
        self.new_button = QPushButton(self.tr("&Nieuwe aanvraag"))
        self.new_button.setObjectName("newRequest")
        self.new_button.setEnabled(writable)
        title_row.addWidget(self.new_button)
        layout.addLayout(title_row)
        self.find_error = QLabel()
        self.find_error.setObjectName("findError")
        self.find_error.setStyleSheet(ERROR_STYLE)
        self.find_error.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.find_error.hide()
        layout.addWidget(self.find_error)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mediationTabs")
        self.tabs.addTab(self._build_requests(), self.tr("&Aanvragen"))
        self.pool = MediatorPool(ctx)
        self.tabs.addTab(self.pool, self.tr("Mediator&pool"))
        layout.addWidget(self.tabs, 1)

        self.new_button.clicked.connect(lambda: self.open_request(None))
        self.search.returnPressed.connect(self.open_by_ref)
        self.search.textChanged.connect(lambda _t: self.find_error.hide())
        ctx.worker.changed.connect(self._data_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        # The main window owns these keys for roles with Line 1 or the case list; for the
        # others (the bureau) they mean the same here: new, and find.
        if writable and not ctx.can(Action.CASE_CREATE):
            self.new_button.setText(self.tr("&Nieuwe aanvraag (Ctrl+N)"))
            QShortcut(
                SHORTCUT_NEW_REQUEST,
                self,
                lambda: self.open_request(None),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        if not ctx.can(Action.CASE_LIST):
            for keys in SHORTCUTS_FIND:
                QShortcut(
                    keys,
                    self,
                    self.focus_find,
                    context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
                )

    def _build_requests(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)

        self.reminder_box = QFrame()
        self.reminder_box.setObjectName("curatorReminders")
        self.reminder_box.setStyleSheet(
            "#curatorReminders { background: #fff1d6; border: 1px solid #e0c48a;"
            " border-radius: 4px; }"
        )
        rl = QVBoxLayout(self.reminder_box)
        self.reminder_text = QLabel()
        self.reminder_text.setObjectName("reminderText")
        self.reminder_text.setWordWrap(True)
        self.reminder_text.setTextFormat(Qt.TextFormat.RichText)
        self.reminder_text.setStyleSheet("color: #4d2f00;")
        self.reminder_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.reminder_text.linkActivated.connect(lambda link: self.open_request(int(link)))
        rl.addWidget(self.reminder_text)
        self.reminder_box.hide()
        layout.addWidget(self.reminder_box)

        filters = QHBoxLayout()
        self.year_filter = QComboBox()
        self.year_filter.setObjectName("yearFilter")
        self.year_filter.addItem(self.tr("Alle jaren"), None)
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.addItem(self.tr("IKO en NIKO"), None)
        for kind in MediationKind:
            self.kind_filter.addItem(enum_label(kind), kind.value)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(self.tr("Alle statussen"), None)
        for status in MediationStatus:
            self.status_filter.addItem(enum_label(status), status.value)
        self.mediator_filter = QComboBox()
        self.mediator_filter.setObjectName("mediatorFilter")
        self.mediator_filter.addItem(self.tr("Alle mediators"), None)
        self.mediator_filter.setMinimumContentsLength(18)
        for text, combo in (
            (self.tr("&Jaar"), self.year_filter),
            (self.tr("S&oort"), self.kind_filter),
            (self.tr("S&tatus"), self.status_filter),
            (self.tr("Me&diator"), self.mediator_filter),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        filters.addWidget(self.count_label)
        self.open_button = QPushButton(self.tr("Op&enen"))
        self.open_button.setObjectName("openRequest")
        self.open_button.setToolTip(self.tr("Enter in de lijst"))
        filters.addWidget(self.open_button)
        layout.addLayout(filters)

        self.model = MediationListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = row_table(QTableView(), "mediationTable")
        self.view.setModel(self.proxy)
        self.view.setWordWrap(False)
        char = self.fontMetrics().averageCharWidth()
        for i, col in enumerate(self.model.columns):
            self.view.setColumnWidth(i, col.width_chars * char + 16)
        hh = self.view.horizontalHeader()
        hh.setHighlightSections(False)
        keys = [c.key for c in self.model.columns]
        hh.setSectionResizeMode(keys.index("mediators"), QHeaderView.ResizeMode.Stretch)
        self.view.setSortingEnabled(True)
        hh.setSortIndicator(keys.index("requested"), Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.view, 1)

        self.view.activated.connect(self._open_index)
        self.open_button.clicked.connect(lambda: self._open_index(self.view.currentIndex()))
        for combo in (self.year_filter, self.kind_filter, self.status_filter, self.mediator_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        return page

    # -- life cycle --------------------------------------------------------------------------
    def activate(self) -> None:
        """Load on first show: the page does no work while nobody looks at it."""
        if self._activated:
            return
        self._activated = True
        actor = self.ctx.actor

        self.ctx.worker.call(
            lambda app: app.mediation.facets(actor),
            self._facets_loaded,
            lambda e: show_error(self, e),
            self,
        )
        self.pool.reload()

    def _facets_loaded(self, result: tuple[list[int], list[MediatorRow]]) -> None:
        years, pool = result
        combos = (self.year_filter, self.mediator_filter)
        for combo in combos:
            combo.blockSignals(True)
        self._add_years(years)
        # The status list opens on this year, or the last year with requests.
        this_year = date.today().year
        default = this_year if this_year in years else (years[0] if years else None)
        self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(default)))
        self._fill_mediators(pool)
        for combo in combos:
            combo.blockSignals(False)
        self._filters_loaded = True
        self.reload()

    def _add_years(self, years: list[int]) -> None:
        """Years that came with new requests join the filter, newest first."""
        was_blocked = self.year_filter.blockSignals(True)
        for y in years:
            if self.year_filter.findData(y) < 0:
                at = 1
                while at < self.year_filter.count() and self.year_filter.itemData(at) > y:
                    at += 1
                self.year_filter.insertItem(at, str(y), y)
        self.year_filter.blockSignals(was_blocked)

    def _fill_mediators(self, pool: list[MediatorRow]) -> None:
        current = self.mediator_filter.currentData()
        self.mediator_filter.blockSignals(True)
        while self.mediator_filter.count() > 1:
            self.mediator_filter.removeItem(1)
        for m in pool:
            text = m.name if m.active else self.tr("{0} (inactief)").format(m.name)
            self.mediator_filter.addItem(text, m.id)
        self.mediator_filter.setCurrentIndex(max(0, self.mediator_filter.findData(current)))
        self.mediator_filter.blockSignals(False)

    def _pool_changed(self) -> None:
        actor = self.ctx.actor
        self.ctx.worker.call(
            lambda app: app.mediation.mediators(actor), self._fill_mediators, owner=self
        )
        self.reload()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.pool:
            self.pool.reload()

    def reload(self) -> None:
        """The list and the reminders again, with the filters as they are."""
        if not self._filters_loaded:
            return
        self._generation += 1
        gen = self._generation
        actor = self.ctx.actor
        kind_value, status_value = self.kind_filter.currentData(), self.status_filter.currentData()
        kind = MediationKind(kind_value) if kind_value else None
        status = MediationStatus(status_value) if status_value else None
        year, mediator_id = self.year_filter.currentData(), self.mediator_filter.currentData()
        self.count_label.setText(self.tr("laden…"))

        def done(result: MediationOverview) -> None:
            if gen != self._generation:
                return
            rows, reminders, years = result.rows, result.reminders, result.years
            self._add_years(years)
            current = self.current_row()
            self.model.set_rows(rows)
            self.count_label.setText(self.tr("{0} aanvragen").format(len(rows)))
            self._show_reminders(reminders)
            if current is not None:
                self.select(current.id)

        self.ctx.worker.call(
            lambda app: app.mediation.overview(
                actor, year=year, kind=kind, status=status, mediator_id=mediator_id
            ),
            done,
            lambda e: show_error(self, e),
            owner=self,
        )

    def _show_reminders(self, reminders: list[CuratorReminder]) -> None:
        self.reminders = reminders
        if not reminders:
            self.reminder_box.hide()
            return
        links = [
            self.tr('<a href="{0}">{1}</a> ({2}, aangevraagd {3}, kind van {4} jaar)').format(
                r.id,
                html.escape(r.ref),
                enum_label(r.kind),
                format_date(r.requested),
                r.oldest_child_age,
            )
            for r in reminders[:REMINDERS_SHOWN]
        ]
        more = len(reminders) - REMINDERS_SHOWN
        if more > 0:
            links.append(self.tr("en nog {0}").format(more))
        if len(reminders) == 1:
            text = self.tr(
                "Een niet-voortgezette aanvraag met een kind van {0} jaar of ouder heeft nog "
                "geen bijzondere curator (afspraak van het bureau):"
            ).format(med.CURATOR_MIN_AGE)
        else:
            text = self.tr(
                "{0} niet-voortgezette aanvragen met een kind van {1} jaar of ouder hebben nog "
                "geen bijzondere curator (afspraak van het bureau):"
            ).format(len(reminders), med.CURATOR_MIN_AGE)
        self.reminder_text.setText(
            "<b>"
            + html.escape(self.tr("Bijzondere curator benoemen"))
            + "</b> — "
            + html.escape(text)
            + " "
            + "; ".join(links)
        )
        self.reminder_box.show()

    # -- the list ----------------------------------------------------------------------------
    def current_row(self) -> MediationRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_data(self.proxy.mapToSource(index).row())

    def select(self, mediation_id: int) -> bool:
        for row, r in enumerate(self.model.rows):
            if r.id == mediation_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
                return True
        return False

    def _open_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.row_data(self.proxy.mapToSource(index).row())
        if row is not None:
            self.open_request(row.id)

    def focus_find(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_by_ref(self) -> None:
        ref = self.search.text().strip().upper()
        if not ref:
            return
        actor = self.ctx.actor

        def failed(exc: BaseException) -> None:
            message = user_message(exc)
            if message is None:
                show_error(self, exc)
                return
            self.find_error.setText(message)
            self.find_error.show()

        self.ctx.worker.call(
            lambda app: app.mediation.id_of(actor, ref),
            lambda mid: self.open_request(mid),
            failed,
            owner=self,
        )

    # -- windows -------------------------------------------------------------------------------
    def open_request(self, mediation_id: int | None) -> MediationWindow:
        """The window of a request (raised when already open); None: a new request."""
        if mediation_id is not None:
            for window in self.windows:
                if window.mediation_id == mediation_id:
                    window.show()
                    window.raise_()
                    window.activateWindow()
                    return window
        window = MediationWindow(self.ctx, mediation_id, self.window())
        window.destroyed.connect(lambda _obj=None, w=window: self._forget(w))
        self.windows.append(window)
        window.show()
        return window

    def _forget(self, window: MediationWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def _data_changed(self, changes: OpChanges) -> None:
        """A job changed data (ui.common.changes): refresh what this page shows of it."""
        if changes.mediators:
            self._pool_changed()
        elif changes.mediations:
            self.reload()
            if self.pool.isVisible():
                self.pool.reload()  # the pool counts the assignments

    def unsaved_windows(self) -> list[MediationWindow]:
        return [w for w in self.windows if w.is_dirty()]
