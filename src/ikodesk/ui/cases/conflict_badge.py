"""The conflict badge: how a case of a conflict pair is marked, in lists and in its form.

Both cases of a pair carry it, so that each handler knows that the other
parent of the family is helped too (by a colleague they may not consult).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

# Dark red on light red: a contrast of 7.9:1, readable in light and dark palettes.
FOREGROUND = QColor(140, 20, 20)
BACKGROUND = QColor(253, 226, 226)
BORDER = QColor(232, 180, 180)


def badge_text() -> str:
    return QCoreApplication.translate("ConflictBadge", "conflictzaak")


def tooltip() -> str:
    return QCoreApplication.translate(
        "ConflictBadge",
        "Conflictzaak: de andere ouder van dezelfde familie vraagt ook advies. De twee "
        "dossiers worden door verschillende behandelaars behandeld en zijn voor elkaar "
        "afgeschermd.",
    )


def notice_style() -> str:
    """The style sheet of a notice in the badge's colours (a QLabel's)."""
    return (
        f"QLabel {{ color: {FOREGROUND.name()}; background: {BACKGROUND.name()};"
        f" border: 1px solid {BORDER.name()}; border-radius: 3px; padding: 3px 8px; }}"
    )


class ConflictBadge(QLabel):
    """A small "conflictzaak" label for a form's header (hidden unless set)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(badge_text(), parent)
        self.setObjectName("conflictBadge")
        self.setToolTip(tooltip())
        self.setAccessibleName(badge_text())
        self.setAccessibleDescription(tooltip())
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setStyleSheet(notice_style())
        self.hide()
