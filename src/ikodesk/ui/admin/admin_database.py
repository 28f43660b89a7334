"""Beheer, tab "Database en back-up": the database's facts, backup, check, settings.

The use cases run in services (services.maintenance through the application
object): the page only collects input and shows the plain result.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ikodesk.services import app_settings
from ikodesk.services.application import KeyMode
from ikodesk.ui.admin.db_check import DatabaseCheckBox
from ikodesk.ui.admin.report_settings import ReportSettingsBox
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.context import AppContext


class DatabaseTab(QWidget):
    idle_minutes_saved = Signal(int)  # the new idle-lock time, for the running session

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        dv = QVBoxLayout(self)
        facts = ctx.facts
        box = QGroupBox(self.tr("Database"))
        form = QFormLayout(box)
        if facts.on_server:
            key_text = self.tr("geen: iedere gebruiker logt in op de kantoorserver")
            crypto = self.tr("TLS naar de kantoorserver; de server bewaakt rechten en muren")
        elif facts.key_mode is KeyMode.KEYRING:
            key_text = self.tr("sleutelbos van het besturingssysteem (met herstelsleutel)")
            crypto = self.tr("SQLCipher 4 (AES-256)")
        else:
            key_text = self.tr("wachtwoordzin")
            crypto = self.tr("SQLCipher 4 (AES-256)")
        for label, value in (
            (self.tr("Locatie"), facts.location or str(facts.path)),
            (self.tr("Sleutel"), key_text),
            (self.tr("Versleuteling"), crypto),
            (self.tr("Schemaversie"), facts.schema_revision or "?"),
            (self.tr("Database-id"), facts.database_id),
        ):
            value_label = QLabel(value)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value_label.setWordWrap(True)
            form.addRow(label, value_label)
        dv.addWidget(box)
        backup_box = QGroupBox(self.tr("Back-up"))
        bv = QVBoxLayout(backup_box)
        text = QLabel(
            self.tr("Een back-up is een versleutelde kopie met dezelfde sleutel als de database.")
        )
        text.setWordWrap(True)
        bv.addWidget(text)
        brow = QHBoxLayout()
        self.backup_path = QLineEdit(str(self.default_backup_path()))
        self.backup_path.setObjectName("backupPath")
        browse = QPushButton(self.tr("Bladeren…"))
        browse.clicked.connect(self._browse_backup)
        self.backup_button = QPushButton(self.tr("&Nu back-up maken"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.backup_now)
        brow.addWidget(self.backup_path, 1)
        brow.addWidget(browse)
        brow.addWidget(self.backup_button)
        bv.addLayout(brow)
        self.backup_status = QLabel()
        self.backup_status.setObjectName("backupStatus")
        self.backup_status.setWordWrap(True)
        bv.addWidget(self.backup_status)
        dv.addWidget(backup_box)
        self.check_box = DatabaseCheckBox(ctx)
        dv.addWidget(self.check_box)
        if facts.on_server:
            # Back-ups, keys and checks of the office server are the server's
            # administrator's work (pg_dump; docs/server.md), not a workstation's.
            for maintenance_box in (backup_box, self.check_box):
                maintenance_box.setEnabled(False)
                maintenance_box.setToolTip(
                    self.tr(
                        "Op de kantoorserver maakt de beheerder van de server back-ups "
                        "(pg_dump, zie docs/server.md)."
                    )
                )

        settings_box = QGroupBox(self.tr("Instellingen voor alle werkplekken"))
        sf = QFormLayout(settings_box)
        lock_row = QHBoxLayout()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idleMinutes")
        self.idle_minutes.setRange(
            app_settings.MIN_IDLE_LOCK_MINUTES, app_settings.MAX_IDLE_LOCK_MINUTES
        )
        self.idle_minutes.setSuffix(self.tr(" minuten"))
        self.idle_minutes.setValue(facts.idle_lock_minutes)
        save_idle = QPushButton(self.tr("Op&slaan"))
        save_idle.setObjectName("saveIdle")
        save_idle.clicked.connect(self.save_idle_minutes)
        lock_row.addWidget(self.idle_minutes)
        lock_row.addWidget(save_idle)
        lock_row.addStretch(1)
        lock_label = QLabel(self.tr("&Vergrendelen na"))
        lock_label.setBuddy(self.idle_minutes)
        sf.addRow(lock_label, lock_row)
        self.settings_status = QLabel()
        sf.addRow(self.settings_status)
        dv.addWidget(settings_box)
        self.report_settings = ReportSettingsBox(ctx, self)
        dv.addWidget(self.report_settings)
        dv.addStretch(1)

    def default_backup_path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        path = self.ctx.facts.path or Path.home() / "ikodesk.db"
        return path.with_name(f"{path.stem}-backup-{stamp}.db")

    def _browse_backup(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Back-up opslaan"), self.backup_path.text(), self.tr("Database (*.db)")
        )
        if path:
            self.backup_path.setText(path)

    def backup_now(self) -> None:
        dest = Path(self.backup_path.text().strip()).expanduser()
        if not self.backup_path.text().strip():
            self.backup_status.setText(self.tr("Kies een bestand voor de back-up."))
            return
        self.backup_button.setEnabled(False)
        self.backup_status.setStyleSheet("")
        self.backup_status.setText(self.tr("Back-up wordt gemaakt…"))
        worker = self.ctx.worker

        def done(path: Path) -> None:
            self.backup_button.setEnabled(True)
            self.backup_status.setStyleSheet("color: #1d5e20;")
            self.backup_status.setText(self.tr("Back-up gemaakt: {0}").format(path))
            self.backup_path.setText(str(self.default_backup_path()))

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            message = user_message(exc)
            if message is None:
                show_error(self, exc)
                message = self.tr("De back-up is niet gelukt.")
            self.backup_status.setStyleSheet("color: #b00020;")
            self.backup_status.setText(message)

        actor = self.ctx.actor

        def job() -> Path:
            # The policy (administrators, audited) is decided in services.maintenance.
            return worker.app.backup(actor, dest).path

        worker.submit(job, done, failed, owner=self)

    def save_idle_minutes(self) -> None:
        actor, minutes = self.ctx.actor, self.idle_minutes.value()

        def done(_r: Any) -> None:
            self.idle_minutes_saved.emit(minutes)
            self.settings_status.setText(
                self.tr("Opgeslagen: vergrendelen na {0} minuten zonder invoer.").format(minutes)
            )

        self.ctx.worker.call(
            lambda app: app.admin.set_idle_lock_minutes(actor, minutes),
            done,
            lambda e: show_error(self, e),
            owner=self,
        )
