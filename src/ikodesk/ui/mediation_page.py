"""The Mediation Bureau's page. Its screens come with the mediation issue; until then
this page says so plainly instead of pretending."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ikodesk.ui.context import AppContext


class MediationPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Mediation"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        text = QLabel(
            self.tr(
                "De schermen van het Mediation Bureau (aanvragen, mediatoren, bijzondere "
                "curatoren, kindgesprekken en uitkomsten) volgen in een volgende versie. "
                "Mediationgegevens kunnen tot die tijd worden ingelezen met "
                "<code>ikodesk import</code>."
            )
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        layout.addStretch(1)
