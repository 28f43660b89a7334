"""Someone else saved the case first: reload, or compare the stored case with your input.

Optimistic locking (services.cases.require_version): nothing was written; the
user decides. "Vergelijken" lists, field by field, what the stored case holds
and what the user typed, so their work can be carried over by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ikodesk.errors import QT_TRANSLATE_NOOP, ConcurrentChange
from ikodesk.services.case_detail import CaseDetail
from ikodesk.services.validation import CaseData
from ikodesk.ui.common.messages import service_text, show_error
from ikodesk.ui.context import AppContext

TITLE = QT_TRANSLATE_NOOP("concurrent", "Intussen gewijzigd")
RELOAD = QT_TRANSLATE_NOOP("concurrent", "Opnieuw &laden")
COMPARE = QT_TRANSLATE_NOOP("concurrent", "&Vergelijken")
KEEP = QT_TRANSLATE_NOOP("concurrent", "Verder bewerken")


def _tr(text: str) -> str:
    return QCoreApplication.translate("concurrent", text)


def _flat(value: Any, prefix: str = "") -> dict[str, str]:
    """A record as path -> text ("requester.last_name" -> "Jansen")."""
    out: dict[str, str] = {}
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            out.update(_flat(getattr(value, f.name), f"{prefix}{f.name}."))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(_flat(item, f"{prefix}{i + 1}."))
    elif value is not None and value != "":
        out[prefix.rstrip(".")] = str(getattr(value, "value", value))
    return out


def differences(stored: CaseData, mine: CaseData) -> list[tuple[str, str, str]]:
    """(field, stored, yours) for every field where the two differ."""
    a, b = _flat(stored), _flat(mine)
    return [
        (k, a.get(k, ""), b.get(k, "")) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)
    ]


class CompareDialog(QDialog):
    def __init__(self, stored: CaseData, mine: CaseData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vergelijken"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Wat nu is opgeslagen, en wat u had ingevuld (niet opgeslagen):"))
        )
        rows = differences(stored, mine)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Veld"), self.tr("Opgeslagen"), self.tr("Uw invoer")]
        )
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 360)


def ask(
    parent: QWidget,
    message: str,
    *,
    reload: Callable[[], None],
    compare: Callable[[], None],
) -> QMessageBox:
    """The question after a refused save: reload, compare, or keep editing."""
    box = QMessageBox(QMessageBox.Icon.Warning, _tr(TITLE), message, parent=parent)
    reload_button = box.addButton(_tr(RELOAD), QMessageBox.ButtonRole.AcceptRole)
    compare_button = box.addButton(_tr(COMPARE), QMessageBox.ButtonRole.ActionRole)
    box.addButton(_tr(KEEP), QMessageBox.ButtonRole.RejectRole)

    def chosen() -> None:
        if box.clickedButton() is reload_button:
            reload()
        elif box.clickedButton() is compare_button:
            compare()

    box.finished.connect(chosen)
    box.open()
    return box


class _Window(Protocol):
    """What `offer` needs of the case window."""

    ctx: AppContext
    case_id: int | None


def offer(
    window: _Window, exc: ConcurrentChange, mine: CaseData | None, *, reload: Callable[[], None]
) -> QMessageBox:
    """Tell who saved first; reload, compare (stored against `mine`), or keep editing."""
    parent = window if isinstance(window, QWidget) else None
    assert parent is not None

    def compare() -> None:
        actor, case_id = window.ctx.actor, window.case_id
        if case_id is None or mine is None:
            return

        def show(stored: CaseDetail) -> None:
            dialog = CompareDialog(stored.data, mine, parent)
            dialog.setObjectName("compareDialog")
            dialog.open()

        window.ctx.worker.call(
            lambda app: app.cases.detail(actor, case_id), show, lambda e: show_error(parent, e)
        )

    return ask(parent, service_text(exc), reload=reload, compare=compare)
