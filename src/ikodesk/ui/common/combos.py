"""Combo boxes of coded choices: build them, select by data, read back an enum."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox


def combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    """A combo named `name` (for tests and tab order) with (text, data) items."""
    box = QComboBox()
    box.setObjectName(name)
    for text, data in items:
        box.addItem(text, data)
    return box


def select_data(box: QComboBox, data: Any) -> None:
    """Select the item carrying `data`; the first item when none does."""
    index = box.findData(data)
    box.setCurrentIndex(index if index >= 0 else 0)


def enum_value(box: QComboBox, enum_cls: Any) -> Any:
    """The selected data as a member of `enum_cls`; None for the empty choice."""
    data = box.currentData()
    return enum_cls(data) if data else None
