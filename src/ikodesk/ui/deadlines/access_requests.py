"""The Termijnen page's access requests: the one-month clock of AVG art. 15 (issue #18).

Administrators see the requests whose pack was made and that nobody marked
answered yet, the first due first, coloured like the case clocks. Dates, a
number and a count only: the requester's name is not kept. "Als beantwoord
markeren" stops a clock (audited). Hidden when nothing is open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout

from ikodesk.services import deadlines
from ikodesk.services.subject_access import OpenRequest
from ikodesk.ui.common.messages import ask, inform, show_error
from ikodesk.ui.common.tables import Index, ListModel, plain_table
from ikodesk.ui.context import AppContext
from ikodesk.ui.deadlines.clock_texts import COLOURS, days_left_text

DAYS_COLUMN = 1


class AccessRequestsModel(ListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("AccessRequestsModel", "Vervalt op"),
            QCoreApplication.translate("AccessRequestsModel", "Nog"),
            QCoreApplication.translate("AccessRequestsModel", "Verzoek"),
            QCoreApplication.translate("AccessRequestsModel", "Ontvangen"),
            QCoreApplication.translate("AccessRequestsModel", "Dossiers"),
            QCoreApplication.translate("AccessRequestsModel", "Pakket gemaakt"),
        ]

    def cells(self, r: OpenRequest) -> list[str]:
        made = QCoreApplication.translate("AccessRequestsModel", "{0} door {1}").format(
            r.made_at.strftime("%d-%m-%Y"), r.made_by
        )
        return [
            r.due.strftime("%d-%m-%Y"),
            days_left_text(r.days_left, QCoreApplication.translate),
            QCoreApplication.translate("AccessRequestsModel", "nr. {0}").format(r.id),
            r.received.strftime("%d-%m-%Y"),
            str(r.dossiers),
            made,
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            index.isValid()
            and index.column() == DAYS_COLUMN
            and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole)
        ):
            fg, bg = COLOURS[deadlines.urgency(self.items[index.row()].days_left)]
            return QBrush(QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg))
        return super().data(index, role)


class AccessRequestsBox(QGroupBox):
    """The open access requests and their due dates (administrators, a local database)."""

    loaded = Signal()
    announced = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(
            QCoreApplication.translate(
                "AccessRequestsBox", "Inzageverzoek (art. 15 AVG): binnen een maand"
            )
        )
        self.setObjectName("accessRequests")
        self.ctx = ctx
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        self.model = AccessRequestsModel(self)
        self.view = plain_table(self.model, "accessRequestClocks", (11, 18, 9, 11, 9), char)
        # A handful of rows: no more room than they need, up to five.
        self.view.setMaximumHeight(self.view.verticalHeader().defaultSectionSize() * 6 + 8)
        layout.addWidget(self.view)
        row = QHBoxLayout()
        row.addStretch(1)
        self.answered_button = QPushButton(self.tr("Als beantwoord &markeren"))
        self.answered_button.setObjectName("accessAnswered")
        self.answered_button.setToolTip(
            self.tr("Het inzagepakket is aan de verzoeker gegeven: de termijn stopt.")
        )
        self.answered_button.clicked.connect(self.mark_answered)
        row.addWidget(self.answered_button)
        layout.addLayout(row)
        self.hide()

    def reload(self, as_of: date | None = None) -> None:
        actor, day = self.ctx.actor, as_of or date.today()
        self.ctx.worker.call(
            lambda app: app.admin.open_access_requests(actor, day),
            self._show,
            lambda exc: show_error(self, exc),
            owner=self,
        )

    def _show(self, items: list[OpenRequest]) -> None:
        self.model.set_items(items)
        self.setVisible(bool(items))
        self.loaded.emit()

    def mark_answered(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            inform(
                self,
                self.tr("Inzageverzoeken"),
                self.tr("Kies eerst een verzoek in de lijst."),
            )
            return
        request: OpenRequest = self.model.items[index.row()]
        actor = self.ctx.actor

        def go(button: QMessageBox.StandardButton) -> None:
            if button != QMessageBox.StandardButton.Yes:
                return

            def done(_r: Any) -> None:
                self.announced.emit(
                    self.tr("Inzageverzoek nr. {0} is beantwoord.").format(request.id)
                )
                self.reload()

            self.ctx.worker.call(
                lambda app: app.admin.access_request_answered(actor, request.id),
                done,
                lambda exc: show_error(self, exc),
                owner=self,
            )

        ask(
            self,
            self.tr("Inzageverzoek"),
            self.tr(
                "Inzageverzoek nr. {0} (ontvangen op {1}) als beantwoord markeren? De termijn "
                "stopt en het verzoek verdwijnt uit deze lijst."
            ).format(request.id, request.received.strftime("%d-%m-%Y")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            go,
            QMessageBox.StandardButton.Yes,
        )
