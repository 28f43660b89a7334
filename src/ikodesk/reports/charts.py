"""Charts of the reports (reportlab.graphics): grouped bars over years, ranked
countries, age distributions. Dutch number format on axes and value labels;
labels are measured so they are never clipped."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, UserNode
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    FONT,
    GREY,
    LIGHT_GREY,
    NAVY,
    SERIES,
    TEXT,
    register_fonts,
)
from ikodesk.services import nlformat

Series = tuple[str, Sequence[float | None]]
"""A chart series: its legend label and one value per category (None: no bar)."""

# RL_NUMBER: types-reportlab declares the positions and sizes of Legend and the bar
# charts `int` (read off their defaults), but reportlab validates them as any number
# (isNumber) and the measured layout here needs fractions; those assignments carry a
# targeted ignore marked RL_NUMBER.

LABEL_SIZE = 7.5
MAX_BAR = 46
AXIS_SIZE = 7.5


def nice_scale(top: float, ticks: int = 5) -> tuple[float, float]:
    """(axis maximum, step) with a round step and room above `top` for value labels."""
    if top <= 0:
        return 1.0, 1.0
    raw = top * 1.18 / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and float(top).is_integer():
        step = 1.0
    return step * math.ceil(top * 1.18 / step), step


def _value_formatter(percent: bool) -> Callable[[float | None], str]:
    def fmt(value: float | None) -> str:
        if value is None:
            return ""
        return nlformat.percent(value) if percent else nlformat.number(value)

    return fmt


def _axis_formatter(percent: bool) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        shown = nlformat.number(round(value, 1))
        return f"{shown}%" if percent else shown

    return fmt


def _drawing(width: float, height: float) -> Drawing:
    # Without the initial font every chart would reference Helvetica, which the PDF
    # does not embed.
    return Drawing(width, height, initialFontName=FONT, initialFontSize=AXIS_SIZE)


def _flat(drawing: Drawing) -> Drawing:
    """The chart as the primitive shapes it draws, worked out once.

    A chart is a widget that works out its bars, axes and labels each time it is
    drawn; the annual report is laid out twice (the table of contents' page
    numbers), so every chart was worked out twice. Expanded here once, both passes
    draw the same shapes (issue #16, point 4).
    """
    flat = _expand_into(drawing, _drawing(drawing.width, drawing.height))
    # The chart widgets it came from, for whoever asks what was charted (the tests).
    flat.__dict__["source"] = drawing
    return flat


def source(drawing: Drawing) -> Drawing:
    """The chart widgets a drawing of this module was expanded from."""
    src = drawing.__dict__["source"]
    assert isinstance(src, Drawing)
    return src


G = TypeVar("G", bound=Group)


def _expand_into(group: Group, out: G) -> G:
    """`group`'s contents into `out`, every user node (chart, axis, label) replaced by
    the shapes it provides, all the way down (ReportLab's `expandUserNodes` goes one
    level, leaving labels that need their chart alive to draw)."""
    out.transform = group.transform[:]
    for child in group.contents:
        while isinstance(child, UserNode):
            child = child.provideNode()
        if isinstance(child, Group):
            child = _expand_into(child, Group())
        out.contents.append(child)
    return out


def _legend(series: Sequence[Series], x: float, y: float) -> Legend:
    legend = Legend()
    legend.colorNamePairs = [(SERIES[i % len(SERIES)], name) for i, (name, _) in enumerate(series)]
    legend.fontName = FONT
    legend.fontSize = 8
    legend.fillColor = TEXT
    legend.x = x  # type: ignore[assignment]  # RL_NUMBER
    legend.y = y  # type: ignore[assignment]  # RL_NUMBER
    legend.dx = 8
    legend.dy = 8
    legend.dxTextSpace = 4
    widest = max(stringWidth(n, FONT, 8) for n, _ in series)
    legend.deltax = widest + 26  # type: ignore[assignment]  # RL_NUMBER
    legend.columnMaximum = 1
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.strokeColor = None
    legend.strokeWidth = 0
    return legend


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: float = CONTENT_WIDTH,
    height: float = 185,
    percent: bool = False,
    legend: bool = True,
    bar_colors: Sequence[colors.Color] | None = None,
) -> Drawing:
    """Vertical bars, one group per category, one bar per series, values on the bars."""
    register_fonts()
    palette = list(bar_colors or SERIES)
    values = [v for _, vals in series for v in vals if v is not None]
    top = max(values, default=0)
    if percent and top <= 100:
        axis_max, step = 100.0, 25.0
    else:
        axis_max, step = nice_scale(top)
    label_room = max(stringWidth(_axis_formatter(percent)(axis_max), FONT, AXIS_SIZE) + 10, 28)
    legend_room = 22 if legend and len(series) > 1 else 6
    if percent:
        legend_room += 10  # a 100% bar's label stands above the axis maximum
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x = label_room  # type: ignore[assignment]  # RL_NUMBER
    chart.y = 22
    # A bar is never wider than MAX_BAR: few bars make a narrower chart, not fat bars.
    natural = len(categories) * (len(series) * MAX_BAR + 40)
    chart.width = min(width - label_room - 8, natural)  # type: ignore[assignment]  # RL_NUMBER
    chart.height = height - chart.y - legend_room - 4  # type: ignore[assignment]  # RL_NUMBER
    chart.data = [list(vals) for _, vals in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = AXIS_SIZE + 0.5
    chart.categoryAxis.labels.fillColor = TEXT
    chart.categoryAxis.labels.dy = -4
    chart.categoryAxis.strokeColor = GREY
    chart.categoryAxis.tickDown = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = axis_max
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = _axis_formatter(percent)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = AXIS_SIZE
    chart.valueAxis.labels.fillColor = GREY
    chart.valueAxis.strokeColor = None
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = LIGHT_GREY
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.valueAxis.visibleTicks = 0
    chart.groupSpacing = 14 if len(categories) <= 4 else 6
    chart.barSpacing = 2
    chart.barLabelFormat = _value_formatter(percent)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.fillColor = TEXT
    chart.barLabels.nudge = 6
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.dy = -3
    for i in range(len(series)):
        chart.bars[i].fillColor = palette[i % len(palette)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if legend and len(series) > 1:
        drawing.add(_legend(series, label_room, height - 4))
    return _flat(drawing)


def year_bars(
    years: Sequence[int],
    series: Sequence[Series],
    *,
    width: float = CONTENT_WIDTH,
    height: float = 185,
    percent: bool = False,
) -> Drawing | None:
    """Bars per year. A year without any value is left out (not drawn as zero);
    None when no year has a value."""
    keep = [i for i in range(len(years)) if any(vals[i] is not None for _, vals in series)]
    if not keep:
        return None
    kept = [(name, [vals[i] for i in keep]) for name, vals in series]
    # A series without any value in the kept years is noise in the legend.
    kept = [(name, vals) for name, vals in kept if any(v is not None for v in vals)]
    return grouped_bars(
        [str(years[i]) for i in keep], kept, width=width, height=height, percent=percent
    )


def ranked_bars(
    entries: Sequence[tuple[str, float]],
    *,
    width: float = CONTENT_WIDTH,
    color: colors.Color = NAVY,
) -> Drawing | None:
    """Horizontal bars, highest first (top), labels on the left measured to fit."""
    if not entries:
        return None
    register_fonts()
    names = [name for name, _ in entries]
    vals = [value for _, value in entries]
    row = 17
    label_room = max(stringWidth(n, FONT, AXIS_SIZE + 0.5) for n in names) + 12
    axis_max, step = nice_scale(max(vals))
    value_room = stringWidth(nlformat.number(max(vals)), FONT, LABEL_SIZE) + 10
    height = row * len(entries) + 24
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x = label_room  # type: ignore[assignment]  # RL_NUMBER
    chart.y = 16
    chart.width = width - label_room - value_room  # type: ignore[assignment]  # RL_NUMBER
    chart.height = row * len(entries)
    chart.data = [vals]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = AXIS_SIZE + 0.5
    chart.categoryAxis.labels.fillColor = TEXT
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -6
    chart.categoryAxis.strokeColor = GREY
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = axis_max
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = _axis_formatter(False)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = AXIS_SIZE
    chart.valueAxis.labels.fillColor = GREY
    chart.valueAxis.strokeColor = None
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = LIGHT_GREY
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.valueAxis.visibleTicks = 0
    chart.barWidth = 11
    chart.groupSpacing = 6
    chart.bars[0].fillColor = color
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _value_formatter(False)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.fillColor = TEXT
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.nudge = 4
    drawing.add(chart)
    return _flat(drawing)


def age_bars(ages: Mapping[str, int], *, width: float = CONTENT_WIDTH) -> Drawing | None:
    """Children by age (0 up to the oldest), a bar per year of age."""
    counted = {int(a): n for a, n in ages.items() if n}
    if not counted:
        return None
    oldest = max(max(counted), 17)
    categories = [str(a) for a in range(oldest + 1)]
    values: list[float | None] = [counted.get(a) for a in range(oldest + 1)]
    return grouped_bars(categories, [("Kinderen", values)], width=width, height=150, legend=False)
