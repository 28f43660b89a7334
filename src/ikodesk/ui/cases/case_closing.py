"""Closing and reopening a case from its window (a part of `CaseWindow`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, SignalInstance
from PySide6.QtWidgets import QWidget

from ikodesk.models.enums import CloseReason
from ikodesk.services.application import Application
from ikodesk.services.case_detail import CaseStatus
from ikodesk.ui.cases.close_dialog import CloseDialog
from ikodesk.ui.common.qtdates import py_date
from ikodesk.ui.context import AppContext


class CaseClosing:
    """What the case window does to close or reopen its case (mixed into CaseWindow)."""

    # Provided by CaseWindow.
    ctx: AppContext
    case_id: int | None
    opened: Any
    saved: SignalInstance
    _dirty: bool
    _closed: date | None
    _close_reason: CloseReason | None
    _say: Callable[..., None]
    _update_header: Callable[[], None]
    _change: Callable[[Callable[[Application], Any], Callable[[Any], None]], None]

    def close_case(self) -> None:
        if self.case_id is None:
            return
        if self._dirty:
            self._say(
                QCoreApplication.translate("CaseWindow", "Sla eerst de wijzigingen op (Ctrl+S).")
            )
            return
        assert isinstance(self, QWidget)
        dialog = CloseDialog(py_date(self.opened.date()), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._do_close(*dialog.values()))
        dialog.open()
        self.close_dialog = dialog

    def _do_close(self, day: date, reason: CloseReason) -> None:
        actor, case_id = self.ctx.actor, self.case_id
        assert case_id is not None
        self._change(lambda app: app.cases.close(actor, case_id, day, reason), self._status_changed)

    def reopen_case(self) -> None:
        actor, case_id = self.ctx.actor, self.case_id
        if case_id is None:
            return
        self._change(lambda app: app.cases.reopen(actor, case_id), self._status_changed)

    def _status_changed(self, status: CaseStatus) -> None:
        self._closed, self._close_reason = status
        self._update_header()
        if self.case_id is not None:
            self.saved.emit(self.case_id)
