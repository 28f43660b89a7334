"""What the chapters of the annual report share: column widths, number format."""

from __future__ import annotations

from reportlab.lib.units import cm

from ikodesk.reports.layout import CONTENT_WIDTH
from ikodesk.services import nlformat

NUM = 2.2 * cm
# A comparison table: label, comparison year, this year, difference, change in %
# (FigureView.comparison_row, FigureView.compare_header).
COMPARE_COLS = [CONTENT_WIDTH - 4 * NUM, NUM, NUM, NUM, NUM]


def n(value: float | None) -> str:
    """A number in Dutch notation ("–" for none)."""
    return nlformat.number(value)
