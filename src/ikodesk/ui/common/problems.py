"""Validation messages from the services, put in the words of the form.

The services speak in exchange-format terms ("birth_date", "outgoing",
"2024-03-05"); next to a field the user should read Dutch labels and dates.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache

from PySide6.QtCore import QCoreApplication

from ikodesk.models.labels import all_labelled
from ikodesk.ui.i18n import enum_label

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AT_CODE = re.compile(r' bij code "[^"]*"')
_TOKEN = re.compile(r"\b[a-z][a-z0-9_]*\b")


def _field_names() -> dict[str, str]:
    return {
        "birth_date": QCoreApplication.translate("problems", "geboortedatum"),
        "age": QCoreApplication.translate("problems", "leeftijd"),
        "closed": QCoreApplication.translate("problems", "sluitdatum"),
        "close_reason": QCoreApplication.translate("problems", "reden van sluiten"),
        "opened": QCoreApplication.translate("problems", "openingsdatum"),
        "handler": QCoreApplication.translate("problems", "behandelaar"),
        # The mediation workflow's fields ("requested", "ended" are also statuses: those win).
        "outcome": QCoreApplication.translate("problems", "uitkomst"),
        "special_curator": QCoreApplication.translate("problems", "bijzondere curator"),
        "not_started_reason": QCoreApplication.translate("problems", "reden"),
        "failure_reasons": QCoreApplication.translate("problems", "redenen"),
    }


@cache
def _enum_values() -> dict[str, StrEnum]:
    out: dict[str, StrEnum] = {}
    for member in all_labelled():
        out.setdefault(member.value, member)
    return out


def humanize(message: str) -> str:
    """Enum values as labels, field names in Dutch, dates as dd-mm-jjjj."""
    fields = _field_names()
    values = _enum_values()

    def token(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in fields:
            return fields[word]
        if "_" in word or (word in values and word not in _DUTCH_WORDS):
            member = values.get(word)
            if member is not None:
                return enum_label(member)
        return word

    # Next to the field the code is in view: "verplicht bij code "..."" says it twice.
    message = _AT_CODE.sub("", message)
    text = _ISO_DATE.sub(lambda m: f"{m.group(3)}-{m.group(2)}-{m.group(1)}", message)
    text = _TOKEN.sub(token, text)
    return text[:1].upper() + text[1:]


# Dutch words that are also enum values: never replaced ("in deze mediation" is not the
# role "Mediation Bureau").
_DUTCH_WORDS = frozenset({"ind", "mediation"})
