"""Dutch presentation of numbers, percentages and dates (10.829; 48%; +62%; 9 februari 2024).

Shared by the command line, the reports and the screens so that every
number looks the same wherever it is shown.
"""

from __future__ import annotations

from datetime import date

MISSING = "–"  # shown where a figure is unknown (no records, no historical figure)

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def number(value: float | None, decimals: int = 1) -> str:
    """10829 -> "10.829"; 37.5 -> "37,5"; None -> "–"."""
    if value is None:
        return MISSING
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}"
    # Swap the separators: 1,234.5 -> 1.234,5
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def counted(count: float | None, one: str, many: str) -> str:
    """A count with its noun: "1 record", "66.431 records", "0 zaken"."""
    return f"{number(count)} {agree(count, one, many)}"


def agree(count: float | None, one: str, many: str) -> str:
    """`one` for a count of 1, else `many` (for the verb or pronoun that goes with a count:
    "1 zaak is", "0 zaken zijn")."""
    return one if count == 1 else many


def percent(value: float | None) -> str:
    """48 -> "48%"; 37.5 -> "37,5%"; None -> "–"."""
    return MISSING if value is None else f"{number(value)}%"


def change(value: int | None) -> str:
    """A year-over-year change: 62 -> "+62%", -9 -> "-9%", 26973 -> "+26.973%", None -> "–"."""
    if value is None:
        return MISSING
    return f"{signed(value)}%"


def signed(value: float | None) -> str:
    """A difference with its sign: 4146 -> "+4.146", -12 -> "-12", 0 -> "0", None -> "–"."""
    if value is None:
        return MISSING
    return f"+{number(value)}" if value > 0 else number(value)


def points(value: float | None) -> str:
    """A change of a percentage in percentage points: -3 -> "-3 procentpunt"."""
    if value is None:
        return MISSING
    return f"{signed(value)} procentpunt"


def more_or_less(value: float | None) -> str:
    """An absolute difference in words, as the seed prints it: "3.809 meer", "12 minder"."""
    if value is None:
        return ""
    if value == 0:
        return "evenveel"
    return f"{number(abs(value))} {'meer' if value > 0 else 'minder'}"


def long_date(day: date) -> str:
    """9 februari 2024."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
