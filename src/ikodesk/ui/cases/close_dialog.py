"""Closing a case: the closing date (not before the opening) and the reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QWidget

from ikodesk.models.enums import CloseReason
from ikodesk.ui.common.combos import combo
from ikodesk.ui.common.qtdates import py_date
from ikodesk.ui.i18n import enum_label


class CloseDialog(QDialog):
    def __init__(self, opened: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zaak sluiten"))
        form = QFormLayout(self)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("closeDate")
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.day.setCalendarPopup(True)
        self.day.setMinimumDate(QDate(opened.year, opened.month, opened.day))
        self.reason = combo("closeReason", [(enum_label(r), r.value) for r in CloseReason])
        form.addRow(self.tr("&Sluitdatum"), self.day)
        form.addRow(self.tr("&Reden"), self.reason)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("Zaak &sluiten"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reason.setFocus()

    def values(self) -> tuple[date, CloseReason]:
        return py_date(self.day.date()), CloseReason(self.reason.currentData())
