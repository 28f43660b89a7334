"""Rapportages: the annual figures on screen and the report PDFs."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ikodesk.ui.context import AppContext


class ReportsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Rapportages"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        text = QLabel(
            self.tr(
                "De jaarcijfers en de rapportages zijn nog niet beschikbaar in deze versie. "
                "Gebruik tot die tijd <code>ikodesk figures</code> en <code>ikodesk report</code>."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addStretch(1)
