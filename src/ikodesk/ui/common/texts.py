"""What Qt-free text functions of the client share (importable and testable without Qt).

A text function takes `translate` (`QCoreApplication.translate` in a window) and
calls it as `translate("Context", "Dutch source")`, which `pyside6-lupdate`
collects like any other; the default, `dutch`, keeps the source text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

Translate = Callable[[str, str], str]


def dutch(_context: str, text: str) -> str:
    """The source text itself: the Dutch the UI is written in."""
    return text


def format_day(d: date | None) -> str:
    """dd-mm-jjjj, as the forms show and take dates ("" for none)."""
    return d.strftime("%d-%m-%Y") if d else ""
