"""The Mediation Bureau's status list: one row per request, from `mediation.list_mediations`.

A bureau registers some forty requests a year, so the model holds the rows
of the filter asked (a year by default) and a proxy sorts them; the
filtering itself happens in SQL, in the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ikodesk.models.enums import Intake, MediationStatus, Outcome
from ikodesk.services.mediation import MediationRow
from ikodesk.ui.common.fields import format_date
from ikodesk.ui.i18n import enum_label

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DUE_COLOUR = QColor(160, 40, 0)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_chars: int


def columns() -> list[Column]:
    return [
        Column("ref", QCoreApplication.translate("MediationListModel", "Referentie"), 12),
        Column("requested", QCoreApplication.translate("MediationListModel", "Aangevraagd"), 14),
        Column("kind", QCoreApplication.translate("MediationListModel", "Soort"), 6),
        Column(
            "referred_by", QCoreApplication.translate("MediationListModel", "Verwezen door"), 13
        ),
        Column("status", QCoreApplication.translate("MediationListModel", "Status"), 38),
        Column("mediators", QCoreApplication.translate("MediationListModel", "Mediators"), 28),
        Column(
            "curator", QCoreApplication.translate("MediationListModel", "Bijzondere curator"), 21
        ),
    ]


def status_text(status: MediationStatus, intake: Intake | None, outcome: Outcome | None) -> str:
    """The status as the bureau says it: "Afgerond: Spiegelovereenkomst"."""
    text = enum_label(status)
    if status is MediationStatus.ENDED:
        if intake is Intake.NOT_SUITABLE:
            text = QCoreApplication.translate(
                "MediationListModel", "{0}: niet geschikt na intake"
            ).format(text)
        elif outcome is not None:
            text = QCoreApplication.translate("MediationListModel", "{0}: {1}").format(
                text, enum_label(outcome)
            )
    elif status is MediationStatus.RUNNING and intake is Intake.SUITABLE:
        text = QCoreApplication.translate("MediationListModel", "{0} (geschikt na intake)").format(
            text
        )
    return text


class MediationListModel(QAbstractTableModel):
    """The rows of one filter of the status list."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns()
        self.rows: list[MediationRow] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[MediationRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_data(self, row: int) -> MediationRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def _text(self, r: MediationRow, key: str) -> str:
        if key == "ref":
            return r.ref
        if key == "requested":
            return format_date(r.requested)
        if key == "kind":
            return enum_label(r.kind)
        if key == "referred_by":
            return enum_label(r.referred_by) if r.referred_by else ""
        if key == "status":
            return status_text(r.status, r.intake, r.outcome)
        if key == "mediators":
            return ", ".join(r.mediators)
        if r.special_curator is not None:
            return QCoreApplication.translate("MediationListModel", "benoemd {0}").format(
                format_date(r.special_curator)
            )
        if r.curator_due:
            return QCoreApplication.translate("MediationListModel", "nog benoemen")
        return ""

    def _sort_key(self, r: MediationRow, key: str) -> Any:
        if key == "requested":
            return r.requested.isoformat()
        if key == "curator":
            # Due first, then appointed by date, then the rest.
            if r.curator_due:
                return "0"
            return "1" + r.special_curator.isoformat() if r.special_curator else "2"
        return self._text(r, key).casefold()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, key)
        if role == SORT_ROLE:
            return self._sort_key(r, key)
        if key == "curator" and r.curator_due:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(DUE_COLOUR)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                return QCoreApplication.translate(
                    "MediationListModel",
                    "Niet voortgezet, met een kind van 3 jaar of ouder: volgens de afspraak "
                    "van het bureau wordt een bijzondere curator benoemd.",
                )
        return None
