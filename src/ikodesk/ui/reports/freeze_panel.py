"""Rapportages › Vaststelling: freezing a year and what changed in it since (issue #14).

Where the year's figures come from (published, frozen, records), a button to
freeze it (managers and administrators; again with the earlier version kept)
and the list of figures whose records changed since the freeze: the same
list as `ikodesk figures diff --year Y` (`services.reporting.year_state`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action
from ikodesk.services import nlformat, reporting
from ikodesk.services.application import Application
from ikodesk.services.figure_keys import RATE_KEYS
from ikodesk.services.figure_labels import figure_label
from ikodesk.services.figures import difference
from ikodesk.ui.common.messages import ask, show_error, user_message
from ikodesk.ui.common.tables import Index, ListModel, plain_table
from ikodesk.ui.context import AppContext


class ChangesModel(ListModel):
    """Figure, frozen value, the records' value now, the difference."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            self.tr("Cijfer"),
            self.tr("Vastgesteld"),
            self.tr("Nu"),
            self.tr("Verschil"),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)

    def cells(self, item: tuple[str, dict[str, Any]]) -> list[str]:
        key, pair = item
        fmt = nlformat.percent if key in RATE_KEYS else nlformat.number
        delta = difference(pair["now"], pair["frozen"])
        shown = nlformat.points(delta) if key in RATE_KEYS else nlformat.signed(delta)
        return [figure_label(key), fmt(pair["frozen"]), fmt(pair["now"]), shown]


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{nlformat.long_date(moment.date())} {moment:%H:%M}"


class FreezePanel(QWidget):
    frozen = Signal(int)  # a year was frozen: the figures shown may change

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.year: int | None = None
        self.state: reporting.YearState | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("freezeSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.freeze_button = QPushButton(self.tr("Jaar vast&stellen…"))
        self.freeze_button.setObjectName("freezeYear")
        self.freeze_button.setToolTip(
            self.tr(
                "De cijfers van dit jaar uit de registratie vastleggen als gepubliceerde cijfers"
            )
        )
        self.freeze_button.clicked.connect(self.ask_freeze)
        self.freeze_button.setVisible(ctx.can(Action.FIGURES_FREEZE))
        row.addWidget(self.freeze_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.changes_label = QLabel()
        self.changes_label.setObjectName("changesLabel")
        self.changes_label.setWordWrap(True)
        layout.addWidget(self.changes_label)
        self.model = ChangesModel(self)
        char = self.fontMetrics().averageCharWidth()
        self.table = plain_table(self.model, "frozenChanges", (60, 12, 12, 16), char)
        layout.addWidget(self.table, 1)

    # -- loading ------------------------------------------------------------------------
    def load(self, year: int) -> None:
        self.year = year
        worker, actor = self.ctx.worker, self.ctx.actor
        self.summary.setText(self.tr("Gegevens over {0} worden opgehaald…").format(year))

        def job(app: Application) -> reporting.YearState:
            return app.reports.year_state(actor, year)

        def done(state: reporting.YearState) -> None:
            if state.year == self.year:
                self.show_state(state)

        worker.call(job, done, self._failed, owner=self)

    def show_state(self, state: reporting.YearState) -> None:
        self.state = state
        source, y = state.source, state.year
        if source["frozen_at"]:
            text = self.tr("De cijfers van {0} zijn vastgesteld op {1} door {2}.").format(
                y, _when(source["frozen_at"]), source["frozen_by"]
            )
            self.freeze_button.setText(self.tr("Opnieuw vast&stellen…"))
        elif source["published"]:
            text = self.tr(
                "{0} heeft {1} gepubliceerde cijfers uit eerdere jaarverslagen; die gaan voor."
            ).format(y, source["published"])
            self.freeze_button.setText(self.tr("Jaar vast&stellen…"))
        else:
            text = self.tr("{0} is niet vastgesteld.").format(y)
            self.freeze_button.setText(self.tr("Jaar vast&stellen…"))
        if state.complete_from is None or y < state.complete_from:
            shown = str(state.complete_from) if state.complete_from else "–"
            text += " " + self.tr(
                "De registratie is volledig vanaf {0}: de registratie telt voor dit jaar niet mee."
            ).format(shown)
        self.summary.setText(text)
        changes = list((state.diff or {}).get("changes", {}).items())
        self.model.set_items(changes)
        if state.diff is None:
            self.changes_label.setText("")
        elif changes:
            self.changes_label.setText(
                self.tr("Sinds de vaststelling veranderd door late registraties en correcties:")
            )
        else:
            self.changes_label.setText(self.tr("Sinds de vaststelling is geen cijfer veranderd."))
        self.table.setVisible(bool(changes))

    def _failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            return
        self.summary.setText(message)

    # -- freezing -----------------------------------------------------------------------
    def ask_freeze(self) -> QMessageBox | None:
        if self.year is None or self.state is None:
            return None
        year, source = self.year, self.state.source
        replace = bool(source["published"])
        if replace:
            text = self.tr(
                "{0} heeft al gepubliceerde cijfers. Opnieuw vaststellen vervangt ze door de "
                "cijfers die de registratie nu geeft; de eerdere versie blijft bewaard. Doorgaan?"
            ).format(year)
        else:
            text = self.tr(
                "De cijfers van {0} uit de registratie worden vastgelegd als de gepubliceerde "
                "cijfers van dat jaar. Latere wijzigingen in de registratie veranderen ze niet; "
                "ze staan dan in de lijst hieronder en op een erratum. Doorgaan?"
            ).format(year)

        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self.freeze(replace=replace)

        return ask(
            self,
            self.tr("Jaar vaststellen"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            answered,
            QMessageBox.StandardButton.No,
        )

    def freeze(self, *, replace: bool) -> None:
        if self.year is None:
            return
        year, worker, actor = self.year, self.ctx.worker, self.ctx.actor

        def job(app: Application) -> Any:
            return app.reports.freeze(actor, year, replace=replace)

        def done(_made: Any) -> None:
            self.frozen.emit(year)
            self.load(year)

        worker.call(job, done, lambda e: show_error(self, e), owner=self)
