"""Validation messages from the services, in the UI's language and in the words of the form.

A field problem is a Dutch template with parameters (ikodesk.errors.FieldProblem),
written in exchange-format terms ("birth_date", "outgoing", "2024-03-05"). Next to
a field the user reads the template translated (Qt context "services", as
`messages.service_text` does for the services' other messages) with each
parameter in the form's words: a field by its name on the form, a code by its
label, a date as dd-mm-jjjj (services.wording names the parameter types). Where
the field's context is in view, the problem's shorter template (`in_form`) is used.
Nothing is taken apart again: no sentence is rewritten after it was made.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication

from ikodesk.errors import FieldProblem, ValidationError, fill
from ikodesk.services.wording import Choices, FieldName, Kids, Wording
from ikodesk.ui.i18n import enum_label


def _field_names() -> dict[str, str]:
    return {
        "birth_date": QCoreApplication.translate("problems", "geboortedatum"),
        "age": QCoreApplication.translate("problems", "leeftijd"),
        "closed": QCoreApplication.translate("problems", "sluitdatum"),
        "close_reason": QCoreApplication.translate("problems", "reden van sluiten"),
        "opened": QCoreApplication.translate("problems", "openingsdatum"),
        "handler": QCoreApplication.translate("problems", "behandelaar"),
        # The mediation workflow's fields.
        "outcome": QCoreApplication.translate("problems", "uitkomst"),
        "special_curator": QCoreApplication.translate("problems", "bijzondere curator"),
        "not_started_reason": QCoreApplication.translate("problems", "reden"),
        "failure_reasons": QCoreApplication.translate("problems", "redenen"),
    }


def _kids(n: int) -> str:
    if n == 0:
        return QCoreApplication.translate("problems", "geen kind")
    if n == 1:
        return QCoreApplication.translate("problems", "1 kind")
    return QCoreApplication.translate("problems", "{0} kinderen").format(n)


def _day(value: date) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def shown(value: Any) -> Any:
    """A message parameter in the form's words (any other value as it is)."""
    if isinstance(value, FieldName):
        return _field_names().get(value, str(value))
    if isinstance(value, Choices):
        return ", ".join(enum_label(m) for m in value)
    if isinstance(value, Kids):
        return _kids(int(value))
    if isinstance(value, StrEnum):
        return enum_label(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return _day(value)
    if isinstance(value, Wording):
        return _translated(value.template, value.params)
    return value


def _translated(template: str, params: dict[str, Any]) -> str:
    return fill(
        QCoreApplication.translate("services", template),
        {name: shown(value) for name, value in params.items()},
    )


def problem_text(problem: FieldProblem) -> str:
    """What to show next to the problem's field: translated, in the form's words."""
    text = _translated(problem.in_form or problem.template, problem.params)
    return text[:1].upper() + text[1:]


def field_message(exc: ValidationError) -> str:
    """The first problem's message, translated, its parameters as the services wrote them.

    For a message outside the form (`messages.user_message`); in Dutch it is the
    services' own sentence (`ValidationError.field_message`).
    """
    first = exc.problems[0]
    return fill(QCoreApplication.translate("services", first.template), first.params)
