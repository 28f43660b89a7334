"""The children of a case as a small table editor: name, birth date or age, age shown.

A birth date is read as every date field reads it (`ui.common.date_text`:
5-3-2017, 05032017, never a two-digit year) and must be plausible: from 1900,
not in the future, not after the opening (or request) date. The cell shows
the date it understood as dd-mm-jjjj, and the age beside it; what it cannot
read stays as typed, in red, and is reported at once (`problem_changed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ikodesk.services.input_rules import BIRTH_MIN
from ikodesk.services.validation import ChildData, FieldProblem, age_in_years
from ikodesk.ui.common.date_text import DayRange, DayReading, read_in_range
from ikodesk.ui.common.texts import format_day

ERROR_COLOR = QColor(176, 0, 32)

Index = QModelIndex | QPersistentModelIndex
FIRST, LAST, BIRTH, AGE = range(4)
COLUMNS = {"first_name": FIRST, "last_name": LAST, "birth_date": BIRTH, "age": AGE}


def _translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


@dataclass
class ChildRow:
    first_name: str = ""
    last_name: str = ""
    birth_text: str = ""
    age_text: str = ""


class ChildrenModel(QAbstractTableModel):
    edited = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        age_hint: str | None = None,
        opened_what: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.rows: list[ChildRow] = []
        self.opened: date | None = None  # the date the ages are counted on
        # What that date is called in a message ("de openingsdatum", "de aanvraagdatum").
        self.opened_what = opened_what or QCoreApplication.translate(
            "ChildrenModel", "de openingsdatum"
        )
        self.age_hint = age_hint or QCoreApplication.translate(
            "ChildrenModel",
            "Leeftijd op de openingsdatum; vul alleen in als de geboortedatum onbekend is",
        )
        self.headers = [
            QCoreApplication.translate("ChildrenModel", "Voornaam"),
            QCoreApplication.translate("ChildrenModel", "Achternaam"),
            QCoreApplication.translate("ChildrenModel", "Geboortedatum"),
            QCoreApplication.translate("ChildrenModel", "Leeftijd"),
        ]

    def set_children(self, children: list[ChildData]) -> None:
        self.beginResetModel()
        self.rows = [
            ChildRow(
                c.first_name or "",
                c.last_name or "",
                format_day(c.birth_date),
                "" if c.age is None else str(c.age),
            )
            for c in children
        ]
        self.endResetModel()

    def set_opened(self, opened: date | None) -> None:
        self.opened = opened
        if self.rows:
            self.dataChanged.emit(self.index(0, BIRTH), self.index(len(self.rows) - 1, AGE))
            self.edited.emit()  # a birth date may be (im)plausible now

    def limits(self) -> DayRange:
        """The plausible birth dates: from 1900, not in the future, not after the opening."""
        return DayRange(BIRTH_MIN, self.opened, latest_today=True, latest_what=self.opened_what)

    def birth(self, r: ChildRow) -> DayReading:
        return read_in_range(r.birth_text, date.today(), self.limits(), _translate)

    def problems(self) -> list[FieldProblem]:
        """What cannot be read in the table (the services check the rest on saving)."""
        return self.child_records()[1]

    def add(self) -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(ChildRow())
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
            self.edited.emit()

    def child_records(self) -> tuple[list[ChildData], list[FieldProblem]]:
        out: list[ChildData] = []
        problems: list[FieldProblem] = []
        for i, r in enumerate(self.rows):
            child = ChildData(
                first_name=r.first_name.strip() or None, last_name=r.last_name.strip() or None
            )
            born = self.birth(r)
            child.birth_date = born.day
            if born.problem is not None:
                problems.append(FieldProblem(f"children[{i}].birth_date", born.problem))
            if child.birth_date is None and r.age_text.strip():
                try:
                    child.age = int(r.age_text.strip())
                except ValueError:
                    problems.append(
                        FieldProblem(
                            f"children[{i}].age",
                            QCoreApplication.translate("ChildrenModel", "verwacht een getal"),
                        )
                    )
            out.append(child)
        return out, problems

    def _age(self, r: ChildRow) -> tuple[str, bool]:
        """The age shown and whether it is computed from the birth date."""
        born = self.birth(r).day
        if born is not None:
            on = self.opened or date.today()
            return (str(age_in_years(born, on)) if born <= on else "?"), True
        return r.age_text, False

    # -- Qt -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == AGE and self._age(self.rows[index.row()])[1]:
            return base  # computed from the birth date
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == FIRST:
                return r.first_name
            if col == LAST:
                return r.last_name
            if col == BIRTH:
                born = self.birth(r).day
                return format_day(born) if born is not None else r.birth_text
            text, computed = self._age(r)
            if role == Qt.ItemDataRole.DisplayRole and computed and text:
                return QCoreApplication.translate("ChildrenModel", "{0} jaar").format(text)
            return text
        if role == Qt.ItemDataRole.ForegroundRole and col == BIRTH and self.birth(r).problem:
            return QBrush(ERROR_COLOR)
        if role == Qt.ItemDataRole.ForegroundRole and col == AGE and self._age(r)[1]:
            return QBrush(QColor(96, 96, 96))
        if role == Qt.ItemDataRole.ToolTipRole and col == BIRTH:
            reading = self.birth(r)
            return reading.problem or self.tr("dd-mm-jjjj, bijvoorbeeld 5-3-2017")
        if role == Qt.ItemDataRole.ToolTipRole and col == AGE:
            return self.age_hint
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        r = self.rows[index.row()]
        text = str(value).strip()
        col = index.column()
        if col == FIRST:
            r.first_name = text
        elif col == LAST:
            r.last_name = text
        elif col == BIRTH:
            r.birth_text = text
            if text:
                r.age_text = ""
        else:
            r.age_text = text
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), AGE))
        self.edited.emit()
        return True


class ChildrenEditor(QWidget):
    changed = Signal()
    # What cannot be read in the table, one line per child ("" when all is readable).
    problem_changed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        age_hint: str | None = None,
        opened_what: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._problem = ""
        self.model = ChildrenModel(self, age_hint, opened_what)
        self.view = QTableView()
        self.view.setObjectName("children")
        self.view.setModel(self.model)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        # While a cell is edited, Tab goes to the next cell (the delegate does that);
        # otherwise Tab leaves the table, so the form stays keyboard-navigable.
        self.view.setTabKeyNavigation(False)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(AGE, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.view.setMinimumHeight(self.fontMetrics().height() * 7)
        self.add_button = QPushButton(self.tr("Kind &toevoegen"))
        self.add_button.setObjectName("addChild")
        self.remove_button = QPushButton(self.tr("Kind verwi&jderen"))
        self.add_button.clicked.connect(self.add_child)
        self.remove_button.clicked.connect(self.remove_child)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.model.edited.connect(self.changed)
        self.model.edited.connect(self._check)

    def _check(self) -> None:
        lines = [
            self.tr("Kind {0}: {1}").format(
                int(p.field[len("children[") : p.field.index("]")]) + 1,
                p.message[:1].upper() + p.message[1:],
            )
            for p in self.model.problems()
        ]
        text = "\n".join(lines)
        if text != self._problem:
            self._problem = text
            self.problem_changed.emit(text)

    def focus_cell(self, row: int, field: str) -> None:
        """Put the cursor on a child's cell (the one a problem is about)."""
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, COLUMNS.get(field, BIRTH))
        self.view.setFocus()
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def commit_editing(self) -> None:
        """Keep what is being typed in a cell: a save by Ctrl+S leaves the focus where it
        is, so the cell's editor would otherwise hold text the model never saw."""
        if self.view.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.view.viewport().focusWidget()
        if editor is not None and editor is not self.view.viewport():
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def add_child(self) -> None:
        self.commit_editing()
        row = self.model.add()
        index = self.model.index(row, FIRST)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_child(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.remove(index.row())
