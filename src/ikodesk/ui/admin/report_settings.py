"""Beheer › Database en back-up: the settings of the annual figures (issue #14).

"Registratie volledig vanaf": from which year the records count for the
figures (published figures of a year always go first); "automatisch" is the
first year with Line 1 registrations in January. And the logo on the annual
report's cover. Both changes are audited by the service (`settings.manage`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ikodesk.services import app_settings
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.context import AppContext

_AUTO = app_settings.MIN_YEAR - 1  # the spin box's special value: "automatisch"


class ReportSettingsBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Jaarcijfers en jaarverslag"))
        self.ctx = ctx
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.complete_from = QSpinBox()
        self.complete_from.setObjectName("recordsCompleteFrom")
        self.complete_from.setRange(_AUTO, app_settings.MAX_YEAR)
        self.complete_from.setSpecialValueText(self.tr("automatisch"))
        self.complete_from.setValue(_AUTO)
        save = QPushButton(self.tr("Opslaan"))
        save.setObjectName("saveCompleteFrom")
        save.clicked.connect(self.save_complete_from)
        row.addWidget(self.complete_from)
        row.addWidget(save)
        row.addStretch(1)
        label = QLabel(self.tr("Registratie v&olledig vanaf"))
        label.setBuddy(self.complete_from)
        form.addRow(label, row)
        self.complete_note = QLabel()
        self.complete_note.setObjectName("completeFromNote")
        self.complete_note.setWordWrap(True)
        form.addRow(self.complete_note)

        logo_row = QHBoxLayout()
        self.logo_preview = QLabel(self.tr("geen logo"))
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setMinimumHeight(48)
        choose = QPushButton(self.tr("&Logo kiezen…"))
        choose.setObjectName("chooseLogo")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton(self.tr("Logo ver&wijderen"))
        remove.setObjectName("removeLogo")
        remove.clicked.connect(lambda: self.set_logo(None))
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        form.addRow(self.tr("Logo op de voorkant"), logo_row)
        self.status = QLabel()
        self.status.setObjectName("reportSettingsStatus")
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.worker.call(
            lambda app: app.reports.settings(),
            self._show,
            lambda e: show_error(self, e),
            owner=self,
        )

    def _show(self, result: tuple[app_settings.RecordsComplete, bytes | None]) -> None:
        state, logo = result
        self.complete_from.setValue(state.year if state.explicit and state.year else _AUTO)
        derived = str(state.derived) if state.derived is not None else self.tr("geen jaar")
        self.complete_note.setText(
            self.tr(
                "Gepubliceerde cijfers van een jaar (geïmporteerd of vastgesteld) gaan altijd "
                "voor; de registratie telt alleen vanaf dit jaar. Automatisch: het eerste jaar "
                "met Lijn 1-registraties in januari (nu {0})."
            ).format(derived)
        )
        if logo:
            pixmap = QPixmap()
            pixmap.loadFromData(logo)
            self.logo_preview.setPixmap(
                pixmap.scaledToHeight(48, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("geen logo"))

    def save_complete_from(self) -> None:
        value = self.complete_from.value()
        year = None if value == _AUTO else value
        actor = self.ctx.actor

        def done(_r: Any) -> None:
            self.status.setText(
                self.tr("Opgeslagen: registratie volledig vanaf {0}.").format(
                    year if year is not None else self.tr("automatisch")
                )
            )
            self.refresh()

        self.ctx.worker.call(
            lambda app: app.reports.set_complete_from(actor, year),
            done,
            lambda e: show_error(self, e),
            owner=self,
            changes=OpChanges(settings=True),
        )

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Logo kiezen"),
            str(Path.home()),
            self.tr("Afbeeldingen (*.png *.jpg *.jpeg)"),
        )
        if path:
            try:
                self.set_logo(Path(path).read_bytes())
            except OSError as exc:
                show_error(self, exc)

    def set_logo(self, image: bytes | None) -> None:
        actor = self.ctx.actor

        def done(_r: Any) -> None:
            self.status.setText(
                self.tr("Het logo is opgeslagen.") if image else self.tr("Het logo is verwijderd.")
            )
            self.refresh()

        self.ctx.worker.call(
            lambda app: app.reports.set_logo(actor, image),
            done,
            lambda e: show_error(self, e),
            owner=self,
            changes=OpChanges(settings=True),
        )
