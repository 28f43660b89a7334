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
from ikodesk.services.figure_keys import RATE_KEYS, checked
from ikodesk.services.figures import figure_value, percent


def years_label(years: Sequence[int]) -> str:
    """The years a chart or table shows: "2023–2024", "2024", "2021, 2023 en 2024"."""
    shown = sorted(years)
    if not shown:
        return ""
    if len(shown) == 1:
        return str(shown[0])
    if shown == list(range(shown[0], shown[-1] + 1)):
        return f"{shown[0]}–{shown[-1]}"
    return ", ".join(str(y) for y in shown[:-1]) + f" en {shown[-1]}"


class FigureView:
    """The figures of a report: current year, comparison year, trend, country names."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.year: int = int(data["year"])
        self.compare: int = int(data["compare"])
        self.trend_years: list[int] = list(data["trend"]["years"])
        self._trend: Mapping[str, list[Any]] = data["trend"]["values"]
        self.country_names: Mapping[str, str] = data.get("country_names", {})
        self.sources: list[Mapping[str, Any]] = list(data.get("sources", []))
        self.erratum: Mapping[str, Any] | None = data.get("erratum")
        self.texts: Mapping[str, str] = data.get("texts") or {}
        self.logo: str | None = data.get("logo")

    # -- values ---------------------------------------------------------------------
    def cur(self, key: str) -> Any:
        return figure_value(self.data["current"], checked(key))

    def prev(self, key: str) -> Any:
        return figure_value(self.data["previous"], checked(key))

    def change(self, key: str) -> int | None:
        value = figure_value(self.data["change_pct"], checked(key))
        return None if value is None else int(value)

    def difference(self, key: str) -> float | None:
        """The absolute change (percentage points for a success rate)."""
        value: float | None = figure_value(self.data.get("difference"), checked(key))
        return value

    def change_text(self, key: str) -> str:
        """ "+62%" for a count; "-3 procentpunt" for a percentage (a success rate)."""
        if key in RATE_KEYS:
            return nlformat.points(self.difference(key))
        return nlformat.change(self.change(key))

    def trend(self, key: str) -> list[Any]:
        return list(self._trend.get(checked(key), [None] * len(self.trend_years)))

    def n(self, key: str) -> str:
        """The current value of `key`, Dutch formatted."""
        return nlformat.number(self.cur(key))

    def nl(self, key: str, one: str, many: str) -> str:
        """`one` when the current value of `key` is 1, else `many` (Dutch agreement:
        "1 zaak is", "2 zaken zijn", "0 zaken zijn")."""
        return nlformat.agree(self.cur(key), one, many)

    def count(self, key: str, one: str, many: str, *, bold: bool = False) -> str:
        """The current value of `key` with its noun: "1 zaak", "3 zaken", "0 zaken",
        "1.234 zaken" (`bold`: "<b>1</b> zaak", as the report's mark-up)."""
        if not bold:
            return nlformat.counted(self.cur(key), one, many)
        return f"<b>{self.n(key)}</b> {self.nl(key, one, many)}"

    def pct_of(self, part_key: str, whole_key: str) -> str:
        return nlformat.percent(percent(self.cur(part_key), self.cur(whole_key)))

    def versus(self, key: str) -> str:
        """ ", tegenover 6.683 in 2023 (+62%, 4.146 meer)" or "" when the comparison year
        or this year is unknown."""
        prev = self.prev(key)
        if prev is None or self.cur(key) is None:
            return ""
        if key in RATE_KEYS:
            return (
                f", tegenover {nlformat.percent(prev)} in {self.compare} "
                f"({nlformat.points(self.difference(key))})"
            )
        parts = [nlformat.change(self.change(key)) if self.change(key) is not None else ""]
        parts.append(nlformat.more_or_less(self.difference(key)))
        inside = ", ".join(p for p in parts if p)
        text = f", tegenover {nlformat.number(prev)} in {self.compare}"
        return text + (f" ({inside})" if inside else "")

    def comparison_row(self, text: str, key: str) -> list[str]:
        """[label, comparison year, this year, difference, change in %] (see COMPARE_COLS);
        a success rate's difference is in percentage points and has no % change."""
        if key in RATE_KEYS:
            return [
                text,
                nlformat.percent(self.prev(key)),
                nlformat.percent(self.cur(key)),
                nlformat.points(self.difference(key)),
                "",
            ]
        return [
            text,
            nlformat.number(self.prev(key)),
            nlformat.number(self.cur(key)),
            nlformat.signed(self.difference(key)),
            nlformat.change(self.change(key)),
        ]

    def compare_header(self, first: str = "") -> list[str]:
        return [first, str(self.compare), str(self.year), "Verschil", "%"]

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

        `caption` names the years with "{years}": filled in with the years the
        chart actually shows ("2023–2024", not "2021–2024" over two years).
        Years with no value for any series are left out (not drawn as zero) and
        named in a note. `with_complement` adds a series 100 - value (e.g.
        "Niet geslaagd" beside a success rate).
        """
        values = [(label, self.trend(key)) for label, key in series]
        if with_complement is not None:
            base = values[0][1]
            values.append((with_complement, [None if v is None else 100 - v for v in base]))
        drawing = charts.year_bars(self.trend_years, values, percent=percent_values)
        shown = [
            y
            for i, y in enumerate(self.trend_years)
            if any(vals[i] is not None for _, vals in values)
        ]
        title = para(esc(caption.format(years=years_label(shown or [self.year]))), styles().caption)
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
