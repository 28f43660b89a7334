"""The pool of mediators: languages, CBFM certification, active or not, caseload per year."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action
from ikodesk.services.application import Application
from ikodesk.services.mediators import MediatorRow
from ikodesk.ui.common.changes import MEDIATORS
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.common.submit_dialog import SubmitDialog
from ikodesk.ui.common.tables import row_table
from ikodesk.ui.common.worker import AppJob
from ikodesk.ui.context import AppContext
from ikodesk.ui.languages import language_list

Index = QModelIndex | QPersistentModelIndex
_SPLIT = re.compile(r"[\s,;/]+")


def parse_languages(text: str) -> list[str]:
    """Codes as typed: "nl, pl en" -> ["nl", "pl", "en"] (the service checks them)."""
    return [part for part in _SPLIT.split(text.strip().lower()) if part]


class MediatorsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[MediatorRow] = []
        self.year = date.today().year

    def set_rows(self, rows: list[MediatorRow], year: int) -> None:
        self.beginResetModel()
        self.rows = rows
        self.year = year
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def headers(self) -> list[str]:
        return [
            QCoreApplication.translate("MediatorsModel", "Naam"),
            QCoreApplication.translate("MediatorsModel", "Talen"),
            QCoreApplication.translate("MediatorsModel", "CBFM"),
            QCoreApplication.translate("MediatorsModel", "Status"),
            QCoreApplication.translate("MediatorsModel", "Zaken in {0}").format(self.year),
        ]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                r.name,
                language_list(r.languages),
                QCoreApplication.translate("MediatorsModel", "gecertificeerd") if r.cbfm else "",
                QCoreApplication.translate("MediatorsModel", "actief")
                if r.active
                else QCoreApplication.translate("MediatorsModel", "inactief"),
                str(r.caseload),
            ][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return ", ".join(r.languages)
        if role == Qt.ItemDataRole.ForegroundRole and not r.active:
            return QBrush(QColor(110, 110, 110))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MediatorDialog(SubmitDialog):
    """A new mediator, or the changes to one; `stored` carries the MediatorRow as stored."""

    changes = MEDIATORS

    def __init__(self, ctx: AppContext, row: MediatorRow | None, parent: QWidget) -> None:
        super().__init__(ctx, parent)
        self.row = row
        self.setWindowTitle(
            self.tr("Mediator toevoegen") if row is None else self.tr("Mediator wijzigen")
        )
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        form = QFormLayout(self)
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("mediatorName")
        self.languages = QLineEdit(", ".join(row.languages) if row else "")
        self.languages.setObjectName("mediatorLanguages")
        self.languages.setPlaceholderText(self.tr("taalcodes, bijv. nl, pl, en"))
        self.language_names = QLabel()
        self.language_names.setObjectName("languageNames")
        self.language_names.setStyleSheet("color: #444444;")
        self.language_names.setWordWrap(True)
        self.cbfm = QCheckBox(
            self.tr("&CBFM-gecertificeerd (Certified Cross Border Family Mediator)")
        )
        self.cbfm.setObjectName("mediatorCbfm")
        self.cbfm.setChecked(row.cbfm if row else False)
        self.active = QCheckBox(self.tr("&Actief in de pool"))
        self.active.setObjectName("mediatorActive")
        self.active.setChecked(row.active if row else True)
        for text, widget, field in (
            (self.tr("&Naam *"), self.name, "name"),
            (self.tr("&Talen"), self.languages, "languages"),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, self.errors.wrap(widget, field))
        form.addRow("", self.language_names)
        form.addRow("", self.cbfm)
        form.addRow("", self.active)
        form.addRow(self.message)
        form.addRow(self.add_buttons(self.tr("&Opslaan"), self.tr("Annuleren")))
        self.ok.setObjectName("mediatorSave")
        self.languages.textChanged.connect(self._show_names)
        self._show_names()
        self.name.setFocus()

    def _show_names(self) -> None:
        codes = parse_languages(self.languages.text())
        self.language_names.setText(language_list(codes))
        self.language_names.setVisible(bool(codes))

    def job(self) -> AppJob:
        actor, row = self.ctx.actor, self.row
        name, codes = self.name.text(), parse_languages(self.languages.text())
        cbfm, active = self.cbfm.isChecked(), self.active.isChecked()

        def job(app: Application) -> MediatorRow:
            if row is None:
                return app.mediation.add_mediator(actor, name, codes, cbfm=cbfm, active=active)
            return app.mediation.update_mediator(
                actor, row.id, name=name, languages=codes, cbfm=cbfm, active=active
            )

        return job


class MediatorPool(QWidget):
    """The pool as a table, with the caseload of a chosen year."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: MediatorDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setObjectName("caseloadYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        year_label = QLabel(self.tr("Zaken per mediator in &jaar"))
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addStretch(1)
        self.add_button = QPushButton(self.tr("Mediator &toevoegen…"))
        self.add_button.setObjectName("addMediator")
        self.edit_button = QPushButton(self.tr("&Wijzigen…"))
        self.edit_button.setObjectName("editMediator")
        self.active_button = QPushButton(self.tr("&Deactiveren"))
        self.active_button.setObjectName("toggleMediator")
        for b in (self.add_button, self.edit_button, self.active_button):
            b.setAutoDefault(False)
            top.addWidget(b)
        layout.addLayout(top)
        self.model = MediatorsModel(self)
        self.view = row_table(QTableView(), "mediatorTable")
        self.view.setModel(self.model)
        self.view.horizontalHeader().setHighlightSections(False)
        char = self.fontMetrics().averageCharWidth()
        for i, w in ((0, 26), (2, 14), (3, 10), (4, 14)):
            self.view.setColumnWidth(i, w * char + 16)
        # The languages take the room that is left; the numbers stay next to them.
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        self.status = QLabel()
        self.status.setObjectName("poolStatus")
        layout.addWidget(self.status)

        writable = ctx.can(Action.MEDIATION_WRITE)
        self.add_button.setEnabled(writable)
        self.writable = writable
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.active_button.clicked.connect(self.toggle_active)
        self.view.activated.connect(lambda _i: self.edit())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.year.valueChanged.connect(lambda _v: self.reload())
        self._update_buttons()

    def current(self) -> MediatorRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(self.writable and row is not None)
        self.active_button.setEnabled(self.writable and row is not None)
        self.active_button.setText(
            self.tr("A&ctiveren") if row is not None and not row.active else self.tr("&Deactiveren")
        )

    def reload(self, select_id: int | None = None) -> None:
        actor, year = self.ctx.actor, self.year.value()
        keep = select_id if select_id is not None else (r.id if (r := self.current()) else None)

        def done(rows: list[MediatorRow]) -> None:
            self.model.set_rows(rows, year)
            active = sum(r.active for r in rows)
            self.status.setText(
                self.tr("{0} mediators, van wie {1} actief; {2} CBFM-gecertificeerd.").format(
                    len(rows), active, sum(r.cbfm for r in rows if r.active)
                )
            )
            for i, r in enumerate(rows):
                if r.id == keep:
                    self.view.selectRow(i)
            if rows and not self.view.selectionModel().hasSelection():
                self.view.selectRow(0)  # so that Enter edits and the buttons work at once
            self._update_buttons()

        self.ctx.worker.call(
            lambda app: app.mediation.mediators(actor, year=year),
            done,
            lambda e: show_error(self, e),
            owner=self,
        )

    def _open(self, row: MediatorRow | None) -> MediatorDialog:
        dialog = MediatorDialog(self.ctx, row, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.stored.connect(lambda stored: self._stored(stored))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _stored(self, row: MediatorRow) -> None:
        self.reload(select_id=row.id)
        self.changed.emit()

    def add(self) -> MediatorDialog | None:
        return self._open(None) if self.writable else None

    def edit(self) -> MediatorDialog | None:
        row = self.current()
        return self._open(row) if row is not None and self.writable else None

    def toggle_active(self) -> None:
        row = self.current()
        if row is None or not self.writable:
            return
        actor, mid, active = self.ctx.actor, row.id, not row.active
        self.ctx.worker.call(
            lambda app: app.mediation.update_mediator(actor, mid, active=active),
            self._stored,
            lambda e: show_error(self, e),
            owner=self,
            changes=MEDIATORS,
        )
