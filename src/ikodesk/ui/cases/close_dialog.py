"""Closing a case: the closing date (not before the opening, not in the future) and the reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ikodesk.models.enums import CloseReason
from ikodesk.ui.common.combos import combo
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.field_errors import ERROR_STYLE, set_marked
from ikodesk.ui.common.fields import DateField
from ikodesk.ui.i18n import enum_label


class CloseDialog(QDialog):
    def __init__(self, opened: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zaak sluiten"))
        form = QFormLayout(self)
        limits = DayRange(opened, latest_today=True, earliest_what=self.tr("de openingsdatum"))
        self.day = DateField(limits=limits)
        self.day.set_name("closeDate")
        self.day.set_value(date.today())
        self.error = QLabel()
        self.error.setObjectName("error:closed")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.reason = combo("closeReason", [(enum_label(r), r.value) for r in CloseReason])
        form.addRow(self.tr("&Sluitdatum"), self.day)
        form.addRow("", self.error)
        form.addRow(self.tr("&Reden"), self.reason)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("Zaak &sluiten"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.close_if_valid)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.day.problem_changed.connect(self._show_problem)
        self.reason.setFocus()

    def _show_problem(self, text: str) -> None:
        self.error.setText(text[:1].upper() + text[1:])
        self.error.setVisible(bool(text))
        set_marked(self.day, bool(text))

    def close_if_valid(self) -> None:
        """Only a readable, plausible closing date closes the case."""
        reading = self.day.reading()
        if reading.day is None:
            self._show_problem(reading.problem or self.tr("verplicht: de sluitdatum"))
            self.day.setFocus()
            return
        self.accept()

    def values(self) -> tuple[date, CloseReason]:
        day = self.day.reading().day
        assert day is not None  # accepted only with a date
        return day, CloseReason(self.reason.currentData())
