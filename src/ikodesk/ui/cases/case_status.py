"""The case's status in words, for the window's header (Qt-free, testable without Qt)."""

from __future__ import annotations

from datetime import date

from ikodesk.ui.common.texts import Translate, dutch, format_day


def case_status_text(
    is_new: bool, closed: date | None, reason: str, translate: Translate = dutch
) -> str:
    """ "nog niet opgeslagen", "open" or "gesloten op 05-03-2024 (reason)"."""
    if is_new:
        return translate("CaseWindow", "nog niet opgeslagen")
    if closed is None:
        return translate("CaseWindow", "open")
    return translate("CaseWindow", "gesloten op {0} ({1})").format(format_day(closed), reason)
