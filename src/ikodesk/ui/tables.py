"""Read-only tables of rows, set up one way: whole rows, one at a time, keyboard-friendly."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

View = TypeVar("View", bound=QTableView)


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
