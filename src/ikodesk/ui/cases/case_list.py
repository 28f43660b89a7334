"""The lazy case list model: ids page by page, display rows in batches, a bounded cache.

The model never holds all rows. `fetchMore` asks the worker for the next page
of ids (pages grow, so scrolling to the end of a million cases costs a few
dozen queries); `data` for a row not yet loaded shows a placeholder and asks,
once per event-loop turn, for the rows around it. Sorting and filtering
happen in SQL (`services.case_queries`), so there is no proxy model: a
QSortFilterProxyModel would read every row to sort it.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ikodesk.services.actors import Actor
from ikodesk.services.case_queries import CaseFilter, CaseRow, CaseSort
from ikodesk.ui.cases import conflict_badge
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.i18n import enum_label

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: CaseSort | None
    width_chars: int


def columns() -> list[Column]:
    return [
        Column("ref", QCoreApplication.translate("CaseListModel", "Referentie"), CaseSort.REF, 15),
        # The badge of a case in a conflict pair (on both sides, masked or not).
        Column("conflict", QCoreApplication.translate("CaseListModel", "Conflict"), None, 9),
        Column(
            "opened", QCoreApplication.translate("CaseListModel", "Geopend"), CaseSort.OPENED, 11
        ),
        Column("line", QCoreApplication.translate("CaseListModel", "Lijn"), None, 5),
        Column("code", QCoreApplication.translate("CaseListModel", "Code"), CaseSort.CODE, 36),
        Column(
            "requester", QCoreApplication.translate("CaseListModel", "Hoofdbetrokkene"), None, 30
        ),
        # Shown while searching: which person or child, which field the words were found in.
        Column("matched", QCoreApplication.translate("CaseListModel", "Gevonden in"), None, 36),
        Column("country", QCoreApplication.translate("CaseListModel", "Land"), None, 18),
        Column("children", QCoreApplication.translate("CaseListModel", "Kinderen"), None, 8),
        Column(
            "handler",
            QCoreApplication.translate("CaseListModel", "Behandelaar"),
            CaseSort.HANDLER,
            12,
        ),
        Column(
            "status", QCoreApplication.translate("CaseListModel", "Status"), CaseSort.STATUS, 20
        ),
    ]


def fmt_date(d: Any) -> str:
    return d.strftime("%d-%m-%Y") if d is not None else ""


def cell_text(row: CaseRow, key: str) -> str:
    """What a list shows of a case in a column; a masked row: its reference only."""
    if key == "conflict":
        return QCoreApplication.translate("CaseListModel", "conflict") if row.conflict else ""
    if row.masked:
        # Its reference, line and date (its place in a list sorted by date tells that
        # anyway); nothing of the people, the country, the handler or the status.
        if key == "requester":
            return QCoreApplication.translate("CaseListModel", "afgeschermd dossier")
        if key not in ("ref", "opened", "line"):
            return ""
    if key == "ref":
        return row.ref
    if key == "opened":
        return fmt_date(row.opened)
    if key == "line":
        return str(row.line)
    if key == "code":
        return enum_label(row.code)
    if key == "requester":
        return row.requester
    if key == "matched":
        return matched_text(row)
    if key == "country":
        return row.country_name or row.country or ""
    if key == "children":
        return str(row.children) if row.children else ""
    if key == "handler":
        return row.handler
    if key == "status":
        if row.closed is None:
            return QCoreApplication.translate("CaseListModel", "open")
        return QCoreApplication.translate("CaseListModel", "gesloten {0}").format(
            fmt_date(row.closed)
        )
    return ""


def matched_text(row: CaseRow) -> str:
    """What a search found in a case: "kind Çağan Öztürk (achternaam)"; "" when not searched."""
    who = {
        "requester": QCoreApplication.translate("CaseListModel", "hoofdbetrokkene"),
        "other_parent": QCoreApplication.translate("CaseListModel", "andere ouder"),
        "child": QCoreApplication.translate("CaseListModel", "kind"),
    }
    fields = {
        "first_name": QCoreApplication.translate("CaseListModel", "voornaam"),
        "last_name": QCoreApplication.translate("CaseListModel", "achternaam"),
        "organisation": QCoreApplication.translate("CaseListModel", "organisatie"),
    }
    parts = []
    for reason in row.matched:
        if reason.who == "ref":
            parts.append(QCoreApplication.translate("CaseListModel", "referentie"))
            continue
        found = ", ".join(fields.get(f, f) for f in reason.fields)
        if reason.who == "requester" and reason.name == row.requester:
            # The name stands in the column beside it: the field says enough.
            parts.append(f"{who['requester']} ({found})")
        else:
            parts.append(f"{who.get(reason.who, reason.who)} {reason.name} ({found})")
    return "; ".join(parts)


@dataclass(frozen=True)
class _Looks:
    muted: QBrush
    italic: QFont
    bold: QFont
    badge_fg: QBrush
    badge_bg: QBrush


@cache
def _looks() -> _Looks:
    italic, bold = QFont(), QFont()
    italic.setItalic(True)
    bold.setBold(True)
    return _Looks(
        QBrush(QColor(96, 96, 96)),
        italic,
        bold,
        QBrush(conflict_badge.FOREGROUND),
        QBrush(conflict_badge.BACKGROUND),
    )


def cell_data(row: CaseRow, key: str, role: int) -> Any:
    """A case's cell in any list: its text, the conflict badge, a masked row's looks."""
    if role == Qt.ItemDataRole.DisplayRole:
        return cell_text(row, key)
    looks = _looks()
    if key == "conflict" and row.conflict:
        if role == Qt.ItemDataRole.ForegroundRole:
            return looks.badge_fg
        if role == Qt.ItemDataRole.BackgroundRole:
            return looks.badge_bg
        if role == Qt.ItemDataRole.FontRole:
            return looks.bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return conflict_badge.tooltip()
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return conflict_badge.badge_text()
        return None
    if key == "matched" and role == Qt.ItemDataRole.ToolTipRole and not row.masked:
        return matched_text(row) or None  # the whole reason, when the column cuts it off
    if row.masked:
        if role == Qt.ItemDataRole.ForegroundRole:
            return looks.muted
        if role == Qt.ItemDataRole.FontRole:
            return looks.italic
        if role == Qt.ItemDataRole.ToolTipRole:
            return QCoreApplication.translate(
                "CaseListModel",
                "Afgeschermd dossier: u kunt dit dossier niet inzien (conflictzaak).",
            )
    return None


class CaseListModel(QAbstractTableModel):
    """Case ids in list order; rows are fetched lazily through the worker."""

    first_page_loaded = Signal()
    count_changed = Signal(int)
    # A search named something behind a conflict wall (not in the list): yes or no only.
    behind_wall_changed = Signal(bool)
    rows_loaded = Signal()
    error = Signal(object)

    def __init__(
        self,
        worker: DbWorker,
        actor: Actor,
        parent: QObject | None = None,
        *,
        page_size: int = 200,
        max_page: int = 50_000,
        row_batch: int = 120,
        cache_limit: int = 3_000,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.actor = actor
        self.page_size = page_size
        self.max_page = max_page
        self.row_batch = row_batch
        self.cache_limit = cache_limit
        self.columns = columns()
        self.filter = CaseFilter()
        self.sort_key = CaseSort.OPENED
        self.descending = True
        self.total: int | None = None
        self.behind_wall = False
        self._ids: array[int] = array("q")
        self._more = False
        self._loading_ids = False
        self._pages = 0
        self._rows: OrderedDict[int, CaseRow] = OrderedDict()
        self._gone: set[int] = set()
        self._requested: set[int] = set()
        self._wanted: set[int] = set()
        self._generation = 0
        self._started = False
        self._want_timer = QTimer(self)
        self._want_timer.setSingleShot(True)
        self._want_timer.setInterval(0)
        self._want_timer.timeout.connect(self._fetch_wanted)

    # -- loading ----------------------------------------------------------------------
    def set_filter(self, flt: CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        """Start over with the current filter and sort (results of older loads are dropped)."""
        self._generation += 1
        self._started = True
        self.beginResetModel()
        self._ids = array("q")
        self._rows.clear()
        self._gone.clear()
        self._requested.clear()
        self._wanted.clear()
        self._more = False
        self._pages = 0
        self._loading_ids = True
        self.total = None
        self.behind_wall = False
        self.endResetModel()
        gen, flt, sort, desc = self._generation, self.filter, self.sort_key, self.descending
        actor, limit, first_rows = self.actor, self.page_size, self.row_batch

        def done(result: tuple[list[int], dict[int, CaseRow]]) -> None:
            if gen != self._generation:
                return
            ids, rows = result
            self._rows.update(rows)
            self._append_ids(ids, limit)
            self.first_page_loaded.emit()

        self.worker.call(
            lambda app: app.cases.first_page(
                actor, flt, sort=sort, descending=desc, limit=limit, rows=first_rows
            ),
            done,
            self._failed(gen),
            owner=self,
        )
        # A search also says whether it named something behind a wall (audited with its terms).
        self.worker.call(lambda app: app.cases.count(actor, flt), self._count_done(gen), owner=self)

    def _count_done(self, gen: int) -> Any:
        def done(counts: tuple[int, bool]) -> None:
            if gen == self._generation:
                self.total, self.behind_wall = counts
                self.count_changed.emit(self.total)
                self.behind_wall_changed.emit(self.behind_wall)

        return done

    def _failed(self, gen: int) -> Any:
        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self._loading_ids = False
                self._more = False
                self.error.emit(exc)

        return failed

    def _append_ids(self, ids: list[int], limit: int) -> None:
        self._loading_ids = False
        self._pages += 1
        self._more = len(ids) >= limit
        if ids:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(ids) - 1)
            self._ids.extend(ids)
            self.endInsertRows()

    def is_loading(self) -> bool:
        return self._loading_ids

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading_ids

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._loading_ids = True
        gen, flt, sort, desc, actor = (
            self._generation,
            self.filter,
            self.sort_key,
            self.descending,
            self.actor,
        )
        offset = len(self._ids)
        # Pages double: few round trips to the end of a long list, small first pages.
        limit = min(self.page_size * 2 ** min(self._pages, 16), self.max_page)

        def done(ids: list[int]) -> None:
            if gen == self._generation:
                self._append_ids(ids, limit)

        self.worker.call(
            lambda app: app.cases.page_ids(
                actor, flt, sort=sort, descending=desc, offset=offset, limit=limit
            ),
            done,
            self._failed(gen),
            owner=self,
        )

    def _want(self, row: int) -> None:
        self._wanted.add(row)
        if not self._want_timer.isActive():
            self._want_timer.start()

    def _fetch_wanted(self) -> None:
        if not self._wanted:
            return
        low, high = min(self._wanted), max(self._wanted)
        self._wanted.clear()
        margin = max(self.row_batch - (high - low + 1), 0) // 2
        low, high = max(0, low - margin), min(len(self._ids) - 1, high + margin)
        ids = [
            i
            for i in self._ids[low : high + 1]
            if i not in self._rows and i not in self._requested and i not in self._gone
        ]
        if not ids:
            return
        self._requested.update(ids)
        gen, actor, query = self._generation, self.actor, self.filter.text

        def done(rows: dict[int, CaseRow]) -> None:
            if gen != self._generation:
                return
            self._requested.difference_update(ids)
            # Rows that vanished (deleted, no longer visible) show as removed, not as "…".
            self._gone.update(i for i in ids if i not in rows)
            self._rows.update(rows)
            while len(self._rows) > self.cache_limit:
                self._rows.popitem(last=False)
            last = min(high, len(self._ids) - 1)
            if low <= last:
                self.dataChanged.emit(self.index(low, 0), self.index(last, len(self.columns) - 1))
            self.rows_loaded.emit()

        self.worker.call(
            lambda app: app.cases.rows(actor, ids, query), done, self._failed(gen), owner=self
        )

    # -- the table -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].sort is None:
                return QCoreApplication.translate(
                    "CaseListModel", "Op deze kolom kan niet worden gesorteerd."
                )
        return None

    def column(self, key: str) -> int:
        """The position of a column by its key ("ref", "conflict", "requester", ...)."""
        return [c.key for c in self.columns].index(key)

    def case_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_data(self, row: int) -> CaseRow | None:
        case_id = self.case_id(row)
        return None if case_id is None else self._rows.get(case_id)

    def loaded_rows(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        case_id = self._ids[index.row()]
        row = self._rows.get(case_id)
        if role == Qt.ItemDataRole.UserRole:
            return case_id
        if row is None:
            if case_id in self._gone:
                if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                    return QCoreApplication.translate("CaseListModel", "(niet meer beschikbaar)")
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                self._want(index.row())
                return "…" if index.column() == 0 else ""
            return None
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("children", "line"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return cell_data(row, key, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].sort
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.sort_key and descending == self.descending:
            return
        self.sort_key, self.descending = key, descending
        if self._started:
            self.reload()

    def sort_column(self) -> int:
        for i, c in enumerate(self.columns):
            if c.sort == self.sort_key:
                return i
        return -1
