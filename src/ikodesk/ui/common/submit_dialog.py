"""A dialog that stores what it collects with one service call on the worker.

The OK button runs the call; while it runs the dialog is busy (OK disabled, a second
press ignored). On success the dialog emits `stored` with what the service returned
and closes; on an error it stays open, so nothing typed is lost: the services' field
problems appear next to their fields, any other foreseeable refusal as a sentence on
the message line, and only the unforeseen as an error box.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from ikodesk.errors import ValidationError
from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.field_errors import ERROR_STYLE, FieldErrors
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.worker import AppJob
from ikodesk.ui.context import AppContext


class SubmitDialog(QDialog):
    """Base of the dialogs that submit on the worker; a subclass says what to run (`job`)."""

    stored = Signal(object)  # what the service returned
    ok: QPushButton  # made by add_buttons, which every subclass calls
    # What a successful job changes: the worker announces it to every screen.
    changes: OpChanges | None = None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.errors = FieldErrors()
        self.problems: list[FieldProblem] = []
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox()

    def add_buttons(self, ok_text: str, cancel_text: str) -> QDialogButtonBox:
        """OK (runs the job, the default button) and Cancel; texts translated by the caller."""
        self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        self.buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # -- running the job ----------------------------------------------------------------
    def job(self) -> AppJob:
        """The service call to run; may add to `self.problems` instead (then nothing runs)."""
        raise NotImplementedError

    def submit(self) -> None:
        if self.busy:
            return
        self.problems = []
        job = self.job()
        if self.problems:
            self.show_problems(self.problems)
            return
        self._set_busy(True)
        self.ctx.worker.call(job, self._done, self._failed, owner=self, changes=self.changes)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok.setEnabled(not busy)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.stored.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
            return
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            return
        self.show_message([message])

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Each problem next to its field; those of no field on the message line."""
        other = self.errors.show(problems)
        self.show_message(other)
        self.errors.focus_first()

    def show_message(self, texts: list[str]) -> None:
        self.message.setText(" ".join(texts))
        self.message.setVisible(bool(texts))
        # Messages wrap onto more lines: the dialog grows with them instead of clipping.
        self.adjustSize()
