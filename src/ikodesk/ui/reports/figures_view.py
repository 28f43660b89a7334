"""The annual figures on screen: the table of every one-number figure and the charts.

The values come from `services.figures` through `reporting.screen_figures`; a
figure key that names no figure fails (`figure_keys.checked`), so a typo in a
chart cannot show an empty bar.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QWidget,
)

from ikodesk.reports.view import years_label
from ikodesk.services import figures, nlformat
from ikodesk.services.figure_keys import RATE_KEYS, SCALAR_KEYS, checked
from ikodesk.services.figure_labels import figure_label, part_label
from ikodesk.ui.common.fields import fold

Index = QModelIndex | QPersistentModelIndex
TOP_COUNTRIES = 10
SERIES_COLOURS = ("#2f6690", "#d9a441", "#3a7d44", "#9c3848")


def figure(node: Any, key: str) -> Any:
    """The figure `key` of `node`; a key that names no figure fails (KeyError)."""
    return figures.figure_value(node, checked(key))


def change_text(data: dict[str, Any], key: str) -> str:
    """ "+62%" for a count, "-3 procentpunt" for a success rate (percentage points)."""
    if key in RATE_KEYS:
        return nlformat.points(figure(data.get("difference"), key))
    return nlformat.change(figure(data["change_pct"], key))


def fmt_figure(key: str, value: Any) -> str:
    if value is None:
        return nlformat.MISSING
    return nlformat.percent(value) if key in RATE_KEYS else nlformat.number(value)


class FiguresModel(QAbstractTableModel):
    """Every one-number figure: label, this year, the comparison year, the change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_: dict[str, Any] | None = None
        self.keys: list[str] = []

    def set_figures(self, data: dict[str, Any] | None, needle: str = "") -> None:
        self.beginResetModel()
        self.data_ = data
        folded = fold(needle)
        self.keys = [
            k for k in SCALAR_KEYS if not folded or folded in fold(figure_label(k) + " " + k)
        ]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.data_ is None else len(self.keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return QCoreApplication.translate("FiguresModel", "Cijfer")
        if self.data_ is None:
            return ""
        if section == 1:
            return str(self.data_["year"])
        if section == 2:
            return str(self.data_["compare"])
        return QCoreApplication.translate("FiguresModel", "Verschil")

    def value(self, key: str, part: str = "current") -> Any:
        assert self.data_ is not None
        return figure(self.data_[part], key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.data_ is None:
            return None
        key = self.keys[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return figure_label(key)
            if col == 1:
                return fmt_figure(key, self.value(key))
            if col == 2:
                return fmt_figure(key, self.value(key, "previous"))
            return change_text(self.data_, key)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return key
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return key
        return None


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    return chart


def _value_axis(top: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(1.0, top * 1.1))
    axis.setLabelFormat("%d")
    axis.applyNiceNumbers()
    return axis


def _bar_set(name: str, values: list[float], colour: str) -> QBarSet:
    bar_set = QBarSet(name)
    bar_set.append(values)
    bar_set.setColor(QColor(colour))
    return bar_set


def trend_chart(data: dict[str, Any], keys: list[str], title: str) -> QChart:
    """Four-year bars for some figures (years without any value are left out); "{0}" in
    `title` becomes the years actually shown ("2023–2024")."""
    years: list[int] = data["trend"]["years"]
    values = data["trend"]["values"]
    shown = [i for i, _y in enumerate(years) if any(values[k][i] is not None for k in keys)]
    chart = _chart(title.format(years_label([years[i] for i in shown] or [data["year"]])))
    series = QBarSeries()
    top = 0.0
    for n, key in enumerate(keys):
        row = [float(values[key][i] or 0) for i in shown]
        top = max([top, *row])
        series.append(_bar_set(part_label(key.split(".")[-1]), row, SERIES_COLOURS[n]))
    # No value labels: QtCharts prints 9008, not the Dutch 9.008 (exact figures are in the
    # key figures beside the chart).
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([str(years[i]) for i in shown])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    axis = _value_axis(top)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    return chart


def line2_chart(data: dict[str, Any]) -> QChart:
    """Line 2 cases per code, parents and third parties side by side."""
    from ikodesk.models.enums import LINE2_CODES
    from ikodesk.ui.i18n import enum_label

    current = data["current"]
    chart = _chart(
        QCoreApplication.translate("ReportsPage", "Lijn 2 per code, {0}").format(data["year"])
    )
    series = QHorizontalBarSeries()
    codes = list(reversed(LINE2_CODES))
    top = 0.0
    for n, part in enumerate(("parent", "third_party")):
        row = [float(figure(current, f"line2.{c.value}.{part}") or 0) for c in codes]
        top = max([top, *row])
        series.append(_bar_set(part_label(part), row, SERIES_COLOURS[n]))
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.setTruncateLabels(False)
    categories.append([enum_label(c) for c in codes])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    axis = _value_axis(top)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    return chart


def countries_chart(data: dict[str, Any], key: str, title: str) -> QChart:
    """The top countries of a country list, most cases on top."""
    pairs = figure(data["current"], key) or []
    top_pairs = list(reversed(pairs[:TOP_COUNTRIES]))
    names = data.get("country_names", {})
    chart = _chart(title)
    series = QHorizontalBarSeries()
    values = [float(n) for _iso, n in top_pairs]
    series.append(_bar_set(str(data["year"]), values, SERIES_COLOURS[0]))
    series.setLabelsVisible(True)
    chart.addSeries(series)
    chart.legend().hide()
    categories = QBarCategoryAxis()
    categories.setTruncateLabels(False)
    categories.append([names.get(iso, iso) for iso, _n in top_pairs] or ["–"])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    axis = _value_axis(max(values, default=0.0))
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    return chart
