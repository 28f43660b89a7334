"""Qt dates as Python dates, typed: PySide6's stubs say `toPython()` returns `object`."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from PySide6.QtCore import QDate, QDateTime


def py_date(value: QDate) -> date:
    """The `date` a QDate converts to (what `toPython()` returns at run time)."""
    return cast(date, value.toPython())


def py_datetime(value: QDateTime) -> datetime:
    """The `datetime` a QDateTime converts to (what `toPython()` returns at run time)."""
    return cast(datetime, value.toPython())
