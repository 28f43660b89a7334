"""Input fields the forms share: the date field, the country field, and row helpers.

The fields themselves live in `date_field` and `country_field`; this module names
them for the forms that import them from here.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtWidgets import QFormLayout, QWidget

from ikodesk.ui.common.country_field import CountryField
from ikodesk.ui.common.date_field import DateField
from ikodesk.ui.common.texts import format_day

__all__ = ["CountryField", "DateField", "fold", "format_date", "set_row_visible"]

format_date = format_day  # dd-mm-jjjj (Qt-free, in ui.common.texts)


def fold(text: str) -> str:
    """Lower case without diacritics: 'Curaçao' and 'curacao' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def set_row_visible(form: QFormLayout, widget: QWidget, visible: bool) -> None:
    """Show or hide the form row of `widget` (or of the box that wraps it with its error)."""
    container = widget.parentWidget()
    if container is not None and form.indexOf(container) >= 0:
        form.setRowVisible(container, visible)
    elif form.indexOf(widget) >= 0:
        form.setRowVisible(widget, visible)
