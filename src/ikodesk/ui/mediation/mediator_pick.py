"""Assigning mediators to a mediation: the pool to pick from, filtered, in the order picked.

The pick list is a `ListModel` with a check box in the first column; the dialog is a
workflow step (`StepDialog`) whose job assigns the mediators picked. The same-family
warnings of the service show while picking, before saving.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from ikodesk.services.application import Application
from ikodesk.services.mediation import MediationDetail
from ikodesk.services.mediators import MediatorRow
from ikodesk.ui.common.fields import fold
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.common.tables import Index, ListModel, row_table
from ikodesk.ui.context import AppContext
from ikodesk.ui.languages import language_list, language_name
from ikodesk.ui.mediation.mediation_steps import WARNING_STYLE, Job, StepDialog, hint_label


class MediatorPickModel(ListModel):
    """Mediators of the pool to tick, in the order ticked (the first is the first mediator)."""

    picked_changed = Signal()
    items: list[MediatorRow]

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("MediatorPickModel", "Mediator"),
            QCoreApplication.translate("MediatorPickModel", "Talen"),
            QCoreApplication.translate("MediatorPickModel", "CBFM"),
            QCoreApplication.translate("MediatorPickModel", "Zaken in {0}").format(year),
        ]
        self.picked: list[int] = []
        self.names: dict[int, str] = {}

    @property
    def rows(self) -> list[MediatorRow]:
        return self.items

    def set_rows(self, rows: list[MediatorRow]) -> None:
        self.names.update({r.id: r.name for r in rows})
        self.set_items(rows)

    def cells(self, item: MediatorRow) -> list[str]:
        name = item.name
        if not item.active:
            name = QCoreApplication.translate("MediatorPickModel", "{0} (inactief)").format(name)
        cbfm = QCoreApplication.translate("MediatorPickModel", "ja") if item.cbfm else ""
        return [name, language_list(item.languages), cbfm, str(item.caseload)]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            picked = self.items[index.row()].id in self.picked
            return Qt.CheckState.Checked if picked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole or index.column():
            return False
        self.toggle(index.row(), Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def toggle(self, row: int, on: bool) -> None:
        mediator_id = self.items[row].id
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

        def job(app: Application) -> list[str]:
            found = {
                code
                for row in app.mediation.mediators(actor, include_inactive=False)
                for code in row.languages
            }
            return sorted(found, key=lambda c: fold(language_name(c)))

        def done(codes: list[str]) -> None:
            for code in codes:
                self.language.addItem(f"{language_name(code)} ({code})", code)

        self.ctx.worker.call(job, done, self._failed_to_load, owner=self)

    def _failed_to_load(self, exc: BaseException) -> None:
        show_error(self, exc)

    def reload(self) -> None:
        """The pool with the filters applied (the service filters), plus who is assigned."""
        actor, year = self.ctx.actor, self.year
        language = self.language.currentData()
        cbfm = True if self.cbfm.isChecked() else None
        assigned = [m.id for m in self.detail.mediators]

        # Someone already assigned stays in view (and can be unticked), even when
        # inactive now or outside the filter.
        self.ctx.worker.call(
            lambda app: app.mediation.candidates(
                actor, language=language, cbfm=cbfm, year=year, assigned=assigned
            ),
            self.model.set_rows,
            self._failed_to_load,
            self,
        )

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

        self.ctx.worker.call(
            lambda app: app.mediation.mediator_warnings(actor, mid, ids), done, owner=self
        )

    def job(self) -> Job:
        ids = list(self.model.picked)
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.assign_mediators(actor, mid, ids)
