"""A window that edits one record and never loses typed input silently on close."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from ikodesk.ui.common.messages import ask


class EditorWindow(QWidget):
    """Closing with unsaved changes asks Save / Discard / Cancel (non-blocking).

    Subclasses keep `_dirty` up to date, implement `save()` (which closes the
    window after a successful save when `_close_after_save` is set) and say
    what is unsaved in `unsaved_question()`.
    """

    _dirty = False
    _close_after_save = False
    confirm_box: QMessageBox | None = None

    def save(self) -> None:
        raise NotImplementedError

    def unsaved_question(self) -> str:
        raise NotImplementedError

    def discard_and_close(self) -> None:
        self._dirty = False
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._dirty:
            event.accept()
            return
        event.ignore()
        box = self.confirm_box
        if box is not None and shiboken6.isValid(box) and box.isVisible():
            box.raise_()  # asked already (Ctrl+W twice): one question
            return

        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Save:
                self._close_after_save = True
                self.save()
            elif button == QMessageBox.StandardButton.Discard:
                self.discard_and_close()

        self.confirm_box = ask(
            self,
            # An explicit context: self.tr() would look the text up under the subclass.
            QCoreApplication.translate("EditorWindow", "Niet-opgeslagen wijzigingen"),
            self.unsaved_question(),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            answered,
            QMessageBox.StandardButton.Save,
        )
        # What each answer does, so that Enter (save) and Esc (back) are safe to press.
        self.confirm_box.setInformativeText(
            QCoreApplication.translate(
                "EditorWindow",
                "Opslaan bewaart ze en sluit het venster (of toont wat nog aandacht vraagt); "
                "Verwerpen sluit zonder op te slaan; Annuleren gaat terug naar het formulier.",
            )
        )
