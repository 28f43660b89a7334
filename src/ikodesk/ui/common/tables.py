"""Read-only tables, set up one way: whole rows, one at a time, keyboard-friendly.

`ListModel` is for small lists held in full (users, countries, conflicts,
audit entries, mediations): a few hundred rows at most. The case list, which
can hold a million, has its own lazy model (`case_list`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex
View = TypeVar("View", bound=QTableView)


class ListModel(QAbstractTableModel):
    """Rows of plain values; a subclass says what the cells show (`cells`)."""

    headers: list[str]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[Any] = []

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def cells(self, item: Any) -> list[str]:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(self.items[index.row()])[index.column()]
        return None


def row_table(view: View, name: str, *, alternating: bool = True) -> View:
    """Rows selected whole and one at a time, no editing, no row numbers, fixed row
    heights (the view never measures rows), and Tab leaves the table."""
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(alternating)
    view.setTabKeyNavigation(False)
    vh = view.verticalHeader()
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 10)
    return view


def plain_table(
    model: QAbstractTableModel, name: str, widths: tuple[int, ...], char: int
) -> QTableView:
    """A read-only table on `model` with column widths in characters; the last stretches."""
    view = row_table(QTableView(), name)
    view.setModel(model)
    view.horizontalHeader().setStretchLastSection(True)
    for i, w in enumerate(widths):
        view.setColumnWidth(i, w * char + 16)
    return view
