"""The Termijnen page: the running clocks of the user's open cases, soonest first.

A jurist sees the cases they handle, an administrator every case the policy lets
them list (walls apply: a case behind a conflict wall is never listed); references
and clocks only, never a name. Management sees the counts per clock. Enter or a
double click opens the case (the case window asks the policy again). Also the
login line, "3 termijnen binnen 7 dagen", which opens this page. Administrators
also see the open access requests' one-month clocks below the cases
(ui.deadlines.access_requests).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from ikodesk.models.enums import Action
from ikodesk.services import deadlines
from ikodesk.services.deadlines import DeadlineCount, DeadlineRow
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.common.tables import Index, ListModel, plain_table
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.deadlines.access_requests import AccessRequestsBox
from ikodesk.ui.deadlines.clock_texts import COLOURS, child_text, days_left_text, due_soon_text
from ikodesk.ui.i18n import enum_label

DAYS_COLUMN = 1


class DeadlinesModel(ListModel):
    """Running clocks by reference: due date, days left (coloured), case, clock."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.headers = [
            QCoreApplication.translate("DeadlinesModel", "Vervalt op"),
            QCoreApplication.translate("DeadlinesModel", "Nog"),
            QCoreApplication.translate("DeadlinesModel", "Zaak"),
            QCoreApplication.translate("DeadlinesModel", "Code"),
            QCoreApplication.translate("DeadlinesModel", "Land"),
            QCoreApplication.translate("DeadlinesModel", "Termijn"),
            QCoreApplication.translate("DeadlinesModel", "Kind"),
        ]

    def cells(self, r: DeadlineRow) -> list[str]:
        country = self.ctx.countries_by_iso.get(r.country or "")
        return [
            r.due.strftime("%d-%m-%Y"),
            days_left_text(r.days_left, QCoreApplication.translate),
            r.ref,
            enum_label(r.code),
            country.name_nl if country else (r.country or ""),
            enum_label(r.clock),
            child_text(r.child, None, QCoreApplication.translate),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: DeadlineRow = self.items[index.row()]
        if index.column() == DAYS_COLUMN and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            fg, bg = COLOURS[deadlines.urgency(row.days_left)]
            return QBrush(QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg))
        if role == Qt.ItemDataRole.ToolTipRole:
            basis = QCoreApplication.translate("services", row.basis)
            return f"{basis}: {QCoreApplication.translate('services', row.explanation)}"
        return super().data(index, role)


class CountsModel(ListModel):
    """Per clock: overdue, within 7 and 30 days, running (management: no references)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("DeadlinesModel", "Termijn"),
            QCoreApplication.translate("DeadlinesModel", "Verlopen"),
            QCoreApplication.translate("DeadlinesModel", "Binnen 7 dagen"),
            QCoreApplication.translate("DeadlinesModel", "Binnen 30 dagen"),
            QCoreApplication.translate("DeadlinesModel", "Lopend"),
        ]

    def cells(self, c: DeadlineCount) -> list[str]:
        return [enum_label(c.clock), *map(str, (c.overdue, c.within_7, c.within_30, c.running))]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column():
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class DeadlinesPage(QWidget):
    open_case_requested = Signal(int)
    loaded = Signal()
    announced = Signal(str)  # what was done, for the status bar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.counts_only = not ctx.can(Action.DEADLINES_VIEW)
        self.title = title_label(self.tr("Termijnen"))
        self.scope = QComboBox()
        self.scope.setObjectName("deadlineScope")
        self.scope.addItem(self.tr("Binnen 60 dagen en verlopen"), deadlines.DEFAULT_WITHIN_DAYS)
        self.scope.addItem(self.tr("Alle lopende termijnen"), None)
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("deadlinesHint")
        char = self.fontMetrics().averageCharWidth()
        self.model: DeadlinesModel | CountsModel
        if self.counts_only:
            self.model = CountsModel(self)
            self.view = plain_table(self.model, "deadlineCounts", (50, 12, 17, 17), char)
            self.scope.hide()
            self.hint.setText(
                self.tr(
                    "Lopende termijnen van alle open zaken, geteld per termijn. Management "
                    "ziet geen zaken, alleen aantallen."
                )
            )
        else:
            self.model = DeadlinesModel(ctx, self)
            self.view = plain_table(self.model, "deadlines", (11, 18, 14, 34, 16, 52), char)
            self.view.activated.connect(self._open)
            self.hint.setText(
                self.tr(
                    "De lopende termijnen van uw open zaken, de eerstvolgende eerst: oranje "
                    "binnen 30 dagen, rood binnen 7 dagen en verlopen. Enter of dubbelklik "
                    "opent de zaak."
                )
            )
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.scope)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        # The access requests' clocks (AVG art. 15): administrators, on both backends.
        self.access_requests: AccessRequestsBox | None = None
        if ctx.can(Action.SUBJECT_ACCESS):
            self.access_requests = AccessRequestsBox(ctx)
            self.access_requests.announced.connect(self.announced)
            layout.addWidget(self.access_requests)
        ctx.worker.changed.connect(self._data_changed)
        self._loaded_once = False

    def activate(self) -> None:
        """Shown: load (again), so the days left are today's."""
        self.reload()
        self.view.setFocus()

    def _data_changed(self, changes: OpChanges) -> None:
        # Only while shown (each load is audited); `activate` loads when it is shown again.
        if (changes.cases or changes.conflicts) and self._loaded_once and self.isVisible():
            self.reload()

    def reload(self, as_of: date | None = None) -> None:
        worker, actor = self.ctx.worker, self.ctx.actor
        day = as_of or date.today()
        if self.counts_only:

            def job() -> Any:
                return worker.app.deadline_counts(actor, day)

        else:
            within = self.scope.currentData()

            def job() -> Any:
                return worker.app.list_deadlines(
                    actor, day, within=within, everything=within is None
                )

        worker.submit(job, self._show, lambda exc: show_error(self, exc), owner=self)
        if self.access_requests is not None:
            self.access_requests.reload(day)

    def _show(self, items: list[Any]) -> None:
        self._loaded_once = True
        self.model.set_items(items)
        if not self.counts_only and not items:
            self.hint.setText(self.tr("Geen lopende termijnen in deze selectie."))
        self.loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        if isinstance(self.model, DeadlinesModel) and index.isValid():
            self.open_case_requested.emit(self.model.items[index.row()].case_id)

    def table(self) -> QTableView:
        return self.view


class DueSoonLine(QLabel):
    """The login line: "3 termijnen binnen 7 dagen", a link to the Termijnen page.

    Hidden when nothing is due within 7 days (or the role lists no clocks); it follows
    every change to cases.
    """

    open_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.count = 0
        self.setObjectName("dueSoon")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(
            "background: #fde4e7; color: #b00020; padding: 4px 8px; border-radius: 4px;"
        )
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.linkActivated.connect(lambda _link: self.open_requested.emit())
        self.hide()
        if ctx.can(Action.DEADLINES_VIEW):
            ctx.worker.changed.connect(
                lambda changes: self.refresh() if changes.cases or changes.conflicts else None
            )
            self.refresh()

    def refresh(self) -> None:
        worker, actor = self.ctx.worker, self.ctx.actor

        def job() -> int:
            return worker.app.deadlines_due_soon(actor, date.today())

        worker.submit(job, self._show, lambda _exc: self.hide(), owner=self)

    def _show(self, count: int) -> None:
        self.count = count
        text = due_soon_text(count, QCoreApplication.translate)
        self.setText(f"<a href='#deadlines' style='color:#b00020;'><b>{text}</b></a>")
        self.setToolTip(self.tr("Open de pagina Termijnen"))
        self.setVisible(count > 0)
