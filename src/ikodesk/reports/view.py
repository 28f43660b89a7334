"""Read access to `figures.report_figures` output for the report builders.

The builders never count anything themselves: they read the figures computed
once by the service and format them (Dutch numbers, changes, four-year series).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.platypus import Flowable

from ikodesk.reports import charts
from ikodesk.reports.layout import block, esc, no_data, para, styles
from ikodesk.services import nlformat
from ikodesk.services.figure_keys import checked
from ikodesk.services.figures import figure_value, percent


class FigureView:
    """The figures of a report: current year, comparison year, trend, country names."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.year: int = int(data["year"])
        self.compare: int = int(data["compare"])
        self.trend_years: list[int] = list(data["trend"]["years"])
        self._trend: Mapping[str, list[Any]] = data["trend"]["values"]
        self.country_names: Mapping[str, str] = data.get("country_names", {})

    # -- values ---------------------------------------------------------------------
    def cur(self, key: str) -> Any:
        return figure_value(self.data["current"], checked(key))

    def prev(self, key: str) -> Any:
        return figure_value(self.data["previous"], checked(key))

    def change(self, key: str) -> int | None:
        value = figure_value(self.data["change_pct"], checked(key))
        return None if value is None else int(value)

    def trend(self, key: str) -> list[Any]:
        return list(self._trend.get(checked(key), [None] * len(self.trend_years)))

    def n(self, key: str) -> str:
        """The current value of `key`, Dutch formatted."""
        return nlformat.number(self.cur(key))

    def pct_of(self, part_key: str, whole_key: str) -> str:
        return nlformat.percent(percent(self.cur(part_key), self.cur(whole_key)))

    def versus(self, key: str) -> str:
        """ ", tegenover 6.683 in 2023 (+62%)" or "" when the comparison year is unknown."""
        prev = self.prev(key)
        if prev is None:
            return ""
        change = self.change(key)
        text = f", tegenover {nlformat.number(prev)} in {self.compare}"
        return text + (f" ({nlformat.change(change)})" if change is not None else "")

    def comparison_row(self, text: str, key: str, *, rate: bool = False) -> list[str]:
        fmt = nlformat.percent if rate else nlformat.number
        return [text, fmt(self.prev(key)), fmt(self.cur(key)), nlformat.change(self.change(key))]

    def countries(self, key: str, top: int = 10) -> list[tuple[str, float]]:
        entries = self.cur(key) or []
        return [(self.country_names.get(iso, iso), n) for iso, n in entries[:top]]

    # -- charts -----------------------------------------------------------------------
    def trend_chart(
        self,
        caption: str,
        series: Sequence[tuple[str, str]],
        *,
        percent_values: bool = False,
        with_complement: str | None = None,
    ) -> Flowable:
        """A four-year bar chart of `series` [(legend label, key)], with its caption.

        Years with no value for any series are left out (not drawn as zero) and
        named in a note. `with_complement` adds a series 100 - value (e.g.
        "Niet geslaagd" beside a success rate).
        """
        values = [(label, self.trend(key)) for label, key in series]
        if with_complement is not None:
            base = values[0][1]
            values.append((with_complement, [None if v is None else 100 - v for v in base]))
        drawing = charts.year_bars(self.trend_years, values, percent=percent_values)
        title = para(esc(caption), styles().caption)
        if drawing is None:
            return block(title, no_data())
        missing = [
            str(y)
            for i, y in enumerate(self.trend_years)
            if all(vals[i] is None for _, vals in values)
        ]
        note = (
            para(esc(f"Geen gegevens over {', '.join(missing)}."), styles().note)
            if missing
            else None
        )
        return block(title, drawing, note)

    def country_chart(self, caption: str, key: str) -> Flowable:
        entries = self.countries(key)
        drawing = charts.ranked_bars(entries)
        title = para(esc(caption), styles().caption)
        if drawing is None:
            return block(title, no_data("Geen zaken met een land in dit jaar."))
        total = len(self.cur(key) or [])
        note = None
        if total > len(entries):
            note = para(
                esc(f"De tien landen met de meeste zaken; in totaal {total} landen."),
                styles().note,
            )
        return block(title, drawing, note)

    def age_chart(self, caption: str, key: str) -> Flowable:
        drawing = charts.age_bars(self.cur(key) or {})
        title = para(esc(caption), styles().caption)
        if drawing is None:
            return block(title, no_data("Geen kinderen met een bekende leeftijd."))
        note = para(esc("Leeftijd in hele jaren op de openingsdatum van de zaak."), styles().note)
        return block(title, drawing, note)
