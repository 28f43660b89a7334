"""The workflow steps of a mediation, one small dialog each: the base and the mediators.

The dialogs of the other steps (start, not continuing, curator, intake,
interview, outcome) are in `step_dialogs`.

Each dialog collects a few fields, runs one service call of
`services.mediation` on the worker and closes on success; the services'
Dutch messages appear next to the fields, refusals of the state machine on
the message line. The dialog stays open on an error, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
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
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ikodesk.errors import ValidationError
from ikodesk.services import mediation as med
from ikodesk.services import mediators
from ikodesk.services.mediation import MediationDetail
from ikodesk.services.mediators import MediatorRow
from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.changes import MEDIATIONS
from ikodesk.ui.common.field_errors import ERROR_STYLE, FieldErrors
from ikodesk.ui.common.fields import DateField, fold
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.tables import row_table
from ikodesk.ui.context import AppContext
from ikodesk.ui.languages import language_list, language_name

Index = QModelIndex | QPersistentModelIndex
Job = Callable[[Session], Any]
HINT_STYLE = "color: #444444;"
WARNING_STYLE = "background: #fff1d6; color: #6b4100; border-radius: 4px; padding: 6px;"


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def choice_combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    """A combo with an empty first choice: a required value is chosen, not defaulted."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem("—", None)
    for text, value in items:
        combo.addItem(text, value)
    return combo


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class StepDialog(QDialog):
    """One workflow step: fields, an OK button that runs the step on the worker."""

    stored = Signal(object)  # what the service returned (a MediationDetail, an Assignment)

    def __init__(
        self, ctx: AppContext, detail: MediationDetail, title: str, ok_text: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.busy = False
        self.setWindowTitle(title + " — " + detail.ref)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 84)
        self.errors = FieldErrors()
        self.problems: list[FieldProblem] = []
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.message = QLabel()
        self.message.setObjectName("stepMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("stepOk")
        self.ok.setDefault(True)
        self.buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        """Message and buttons below the fields (call after adding the rows)."""
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)

    def add_row(self, label: str, widget: QWidget, field: str) -> None:
        row_label = QLabel(label)
        row_label.setBuddy(widget)
        self.form.addRow(row_label, self.errors.wrap(widget, field))

    def day(self, widget: DateField, field: str, required: bool = True) -> date | None:
        """The date of a field; a problem for the field when it is no date (or empty)."""
        try:
            value = widget.value()
        except ValueError:
            self.problems.append(FieldProblem(field, self.tr("ongeldige datum (dd-mm-jjjj)")))
            return None
        if value is None and required:
            self.problems.append(FieldProblem(field, self.tr("verplicht")))
        return value

    # -- running the step ---------------------------------------------------------------
    def job(self) -> Job:
        """The service call of this step; may add to `self.problems` instead."""
        raise NotImplementedError

    def submit(self) -> None:
        if self.busy:
            return
        self.problems = []
        job = self.job()
        if self.problems:
            self._show(self.problems)
            return
        self.busy = True
        self.ok.setEnabled(False)
        self.ctx.worker.session(job, self._done, self._failed, owner=self, changes=MEDIATIONS)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.stored.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show([FieldProblem(f, m) for f, m in exc.errors.items()])
            return
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            return
        self._show_message([message])

    def _show(self, problems: list[FieldProblem]) -> None:
        other = self.errors.show(problems)
        self._show_message(other)
        self.errors.focus_first()

    def _show_message(self, texts: list[str]) -> None:
        self.message.setText(" ".join(texts))
        self.message.setVisible(bool(texts))
        # Messages wrap onto more lines: the dialog grows with them instead of clipping.
        self.adjustSize()


class MediatorPickModel(QAbstractTableModel):
    """Mediators of the pool to tick, in the order ticked (the first is the first mediator)."""

    picked_changed = Signal()

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("MediatorPickModel", "Mediator"),
            QCoreApplication.translate("MediatorPickModel", "Talen"),
            QCoreApplication.translate("MediatorPickModel", "CBFM"),
            QCoreApplication.translate("MediatorPickModel", "Zaken in {0}").format(year),
        ]
        self.rows: list[MediatorRow] = []
        self.picked: list[int] = []
        self.names: dict[int, str] = {}

    def set_rows(self, rows: list[MediatorRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.names.update({r.id: r.name for r in rows})
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                if not r.active:
                    return QCoreApplication.translate("MediatorPickModel", "{0} (inactief)").format(
                        r.name
                    )
                return r.name
            if col == 1:
                return language_list(r.languages)
            if col == 2:
                return QCoreApplication.translate("MediatorPickModel", "ja") if r.cbfm else ""
            return str(r.caseload)
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if r.id in self.picked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole or index.column():
            return False
        self.toggle(index.row(), Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def toggle(self, row: int, on: bool) -> None:
        mediator_id = self.rows[row].id
        if on and mediator_id not in self.picked:
            self.picked.append(mediator_id)
        elif not on and mediator_id in self.picked:
            self.picked.remove(mediator_id)
        else:
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
        self.picked_changed.emit()

    def picked_names(self) -> list[str]:
        return [self.names.get(i, "?") for i in self.picked]


class MediatorsDialog(StepDialog):
    """Pick the mediators (usually two) from the pool, filtered on language and CBFM.

    The same-family warnings of the service show while picking, before saving.
    """

    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(ctx, detail, self.tr("Mediators toewijzen"), self.tr("&Toewijzen"), parent)
        char = self.fontMetrics().averageCharWidth()
        self.setMinimumWidth(char * 110)
        self.year = detail.requested.year
        self.language = QComboBox()
        self.language.setObjectName("languageFilter")
        self.language.addItem(self.tr("Alle talen"), None)
        self.cbfm = QCheckBox(self.tr("Alleen &CBFM-gecertificeerd"))
        self.cbfm.setObjectName("cbfmFilter")
        filters = QWidget()
        fl = QHBoxLayout(filters)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.language, 1)
        fl.addWidget(self.cbfm)
        language_label = QLabel(self.tr("T&aal"))
        language_label.setBuddy(self.language)
        self.form.addRow(language_label, filters)
        self.model = MediatorPickModel(self.year, self)
        for m in detail.mediators:
            self.model.picked.append(m.id)
            self.model.names[m.id] = m.name
        self.view = row_table(QTableView(), "mediatorPick", alternating=False)
        self.view.setModel(self.model)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for i, w in ((0, 22), (2, 5), (3, 13)):
            self.view.setColumnWidth(i, w * char + 24)
        self.view.setMinimumHeight(self.fontMetrics().height() * 14)
        pool_label = QLabel(self.tr("&Pool"))
        pool_label.setBuddy(self.view)
        self.form.addRow(pool_label, self.errors.wrap(self.view, "mediators"))
        self.picked_label = QLabel()
        self.picked_label.setObjectName("pickedMediators")
        self.picked_label.setWordWrap(True)
        self.form.addRow(self.tr("Gekozen"), self.picked_label)
        self.warnings = QLabel()
        self.warnings.setObjectName("familyWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.hide()
        self.form.addRow(self.warnings)
        self.form.addRow(
            hint_label(
                self.tr(
                    "Meestal twee mediators. Spatie kiest of schrapt de mediator in de lijst; "
                    "de volgorde van kiezen is de volgorde in de mediation. Minst belaste "
                    "mediators staan bovenaan."
                )
            )
        )
        self.finish_layout()
        self.model.picked_changed.connect(self._picked_changed)
        self.language.currentIndexChanged.connect(lambda _i: self.reload())
        self.cbfm.toggled.connect(lambda _on: self.reload())
        self.view.activated.connect(
            lambda index: self.model.toggle(
                index.row(), self.model.rows[index.row()].id not in self.model.picked
            )
        )
        self._picked_changed()
        self._load_languages()
        self.reload()
        self.view.setFocus()

    def _load_languages(self) -> None:
        actor = self.ctx.actor

        def job(s: Session) -> list[str]:
            found = {
                code
                for row in mediators.list_mediators(s, actor, include_inactive=False)
                for code in row.languages
            }
            return sorted(found, key=lambda c: fold(language_name(c)))

        def done(codes: list[str]) -> None:
            for code in codes:
                self.language.addItem(f"{language_name(code)} ({code})", code)

        self.ctx.worker.session(job, done, lambda e: show_error(self, e), owner=self)

    def reload(self) -> None:
        """The pool with the filters applied (the service filters), plus who is assigned."""
        actor, year = self.ctx.actor, self.year
        language = self.language.currentData()
        cbfm = True if self.cbfm.isChecked() else None
        assigned = [m.id for m in self.detail.mediators]

        def job(s: Session) -> list[MediatorRow]:
            rows = mediators.find_mediators(s, actor, language=language, cbfm=cbfm, year=year)
            shown = {r.id for r in rows}
            # Someone already assigned stays in view (and can be unticked), even when
            # inactive now or outside the filter.
            extra = [
                r
                for r in mediators.list_mediators(s, actor, year=year)
                if r.id in assigned and r.id not in shown
            ]
            return extra + rows

        self.ctx.worker.session(job, self.model.set_rows, lambda e: show_error(self, e), self)

    def _picked_changed(self) -> None:
        names = self.model.picked_names()
        self.picked_label.setText(
            ", ".join(f"{i + 1}. {n}" for i, n in enumerate(names))
            if names
            else self.tr("nog niemand")
        )
        ids = list(self.model.picked)
        actor, mid = self.ctx.actor, self.detail.id

        def done(warnings: list[str]) -> None:
            if ids != self.model.picked:
                return  # a newer choice is on its way
            self.warnings.setText("\n".join(warnings))
            self.warnings.setVisible(bool(warnings))

        self.ctx.worker.session(
            lambda s: med.mediator_warnings(s, actor, mid, ids), done, owner=self
        )

    def job(self) -> Job:
        ids = list(self.model.picked)
        actor, mid = self.ctx.actor, self.detail.id
        return lambda s: med.assign_mediators(s, actor, mid, ids)
