"""Reading a typed date exactly, or not at all (Qt-free, so it is testable without a window).

Every date field of the client reads what was typed with `read_day`:

- ``d-m-jjjj`` and ``dd-mm-jjjj`` with ``-``, ``/`` or ``.`` between the parts
  (one kind of separator per date), ``ddmmjjjj`` (eight digits), ``jjjj-mm-dd``;
- ``v`` or ``vandaag`` (and the English ``t``/``today``) for today.

A year always has four digits: ``5-3-24`` could be 1924 or 2024, so it is
refused, not guessed. A day that does not exist (31-02-2024) is refused with
the reason. Whatever else is typed is refused with the forms that are accepted.
The messages come through `translate` (see `ui.common.texts`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ikodesk.ui.common.texts import Translate, dutch, format_day

_SEPARATED = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_COMPACT = re.compile(r"(\d{2})(\d{2})(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SHORT_YEAR = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{1,3}|\d{6}")
_SEVEN_DIGITS = re.compile(r"\d{7}")
TODAY_WORDS = frozenset({"v", "vandaag", "t", "today"})


@dataclass(frozen=True)
class DayReading:
    """What a date field holds: a date, nothing (empty), or why it is no date."""

    day: date | None = None
    problem: str | None = None

    @property
    def empty(self) -> bool:
        return self.day is None and self.problem is None


def read_day(text: str, today: date, translate: Translate = dutch) -> DayReading:
    """The date typed in `text`; a reading with a problem when it cannot be read exactly."""
    t = text.strip()
    if not t:
        return DayReading()
    if t.casefold() in TODAY_WORDS:
        return DayReading(today)
    m = _SEPARATED.fullmatch(t)
    if m:
        return _checked(int(m.group(4)), int(m.group(3)), int(m.group(1)), translate)
    m = _COMPACT.fullmatch(t)
    if m:
        return _checked(int(m.group(3)), int(m.group(2)), int(m.group(1)), translate)
    m = _ISO.fullmatch(t)
    if m:
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)), translate)
    if _SHORT_YEAR.fullmatch(t):
        return DayReading(
            problem=translate("DateField", "typ het jaar met vier cijfers, bijvoorbeeld 05-03-2024")
        )
    if _SEVEN_DIGITS.fullmatch(t):
        return DayReading(
            problem=translate(
                "DateField",
                "zonder streepjes twee cijfers voor dag en maand (05032024), of typ 5-3-2024",
            )
        )
    return DayReading(
        problem=translate(
            "DateField", "geen datum: typ dd-mm-jjjj (bijvoorbeeld 05-03-2024) of v voor vandaag"
        )
    )


def _checked(year: int, month: int, day: int, translate: Translate) -> DayReading:
    if year < 1:
        return DayReading(problem=translate("DateField", "jaar 0 bestaat niet"))
    if not 1 <= month <= 12:
        return DayReading(
            problem=translate("DateField", "maand {0} bestaat niet (1 tot en met 12)").format(month)
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return DayReading(
            problem=translate(
                "DateField", "dag {0} bestaat niet: deze maand heeft {1} dagen"
            ).format(day, last)
        )
    return DayReading(date(year, month, day))


@dataclass(frozen=True)
class DayRange:
    """The plausible dates of a field: not before `earliest`, not after `latest`.

    `latest_today`: not after the day it is typed (an opening or a contact moment
    that lies in the future was mistyped). The messages say which rule it breaks.
    """

    earliest: date | None = None
    latest: date | None = None
    latest_today: bool = False
    # What `earliest` and `latest` are, in words ("de openingsdatum"), for the
    # messages; translated by the caller.
    latest_what: str = ""
    earliest_what: str = ""

    def problem(self, day: date, today: date, translate: Translate = dutch) -> str | None:
        if self.earliest is not None and day < self.earliest and self.earliest_what:
            return translate("DateField", "{0} ligt vóór {1} {2}").format(
                format_day(day), self.earliest_what, format_day(self.earliest)
            )
        if self.earliest is not None and day < self.earliest:
            return translate("DateField", "{0} ligt vóór {1}: dat kan niet kloppen").format(
                format_day(day), format_day(self.earliest)
            )
        if self.latest_today and day > today:
            return translate("DateField", "{0} ligt in de toekomst").format(format_day(day))
        if self.latest is not None and day > self.latest and self.latest_what:
            return translate("DateField", "{0} ligt na {1} {2}").format(
                format_day(day), self.latest_what, format_day(self.latest)
            )
        if self.latest is not None and day > self.latest:
            return translate("DateField", "{0} ligt na {1}: dat kan niet kloppen").format(
                format_day(day), format_day(self.latest)
            )
        return None


ANY_DAY = DayRange()


def read_in_range(
    text: str, today: date, limits: DayRange = ANY_DAY, translate: Translate = dutch
) -> DayReading:
    """`read_day`, and then the field's plausible range."""
    reading = read_day(text, today, translate)
    if reading.day is None:
        return reading
    problem = limits.problem(reading.day, today, translate)
    return reading if problem is None else DayReading(problem=problem)
