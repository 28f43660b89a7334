"""The title of a page or a record window: one look everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def title_label(text: str = "") -> QLabel:
    """A bold label at 1.4 times the application font (scales with the screen)."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label
