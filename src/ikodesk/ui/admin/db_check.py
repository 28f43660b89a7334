"""Beheer: "Database controleren", the same full check as `ikodesk check`, on the worker."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ikodesk.services import maintenance
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.context import AppContext


class DatabaseCheckBox(QGroupBox):
    """A button that runs services.maintenance.full_check and shows its verdict."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(self.tr("Controle"))
        self.ctx = ctx
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Controleert elke pagina van het bestand (versleuteling), de structuur van "
                "de database en de hashketen van het auditlog. Dit kan bij een grote "
                "database even duren."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.button = QPushButton(self.tr("Database &controleren"))
        self.button.setObjectName("checkDatabase")
        self.button.clicked.connect(self.run_check)
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("checkStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def run_check(self) -> None:
        self.button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("De database wordt gecontroleerd…"))
        worker, actor = self.ctx.worker, self.ctx.actor

        def job() -> maintenance.CheckReport:
            return worker.app.check(actor)

        def done(report: maintenance.CheckReport) -> None:
            self.button.setEnabled(True)
            colour = "#1d5e20" if report.ok else "#b00020"
            self.status.setStyleSheet(f"color: {colour};")
            self.status.setText("\n".join([report.verdict, "", *report.lines()]))

        def failed(exc: BaseException) -> None:
            self.button.setEnabled(True)
            message = user_message(exc)
            if message is None:
                show_error(self, exc)
                message = self.tr("De controle is niet gelukt.")
            self.status.setStyleSheet("color: #b00020;")
            self.status.setText(message)

        worker.submit(job, done, failed, owner=self)
