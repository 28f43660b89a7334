"""Validation messages next to the fields of a form, keyed by the services' field names."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.problems import problem_text

ERROR_STYLE = "color: #b00020;"


class FieldErrors:
    """Error labels under fields; `show` puts each problem next to its field.

    Problems for a field the form does not show (a state-machine refusal on
    "status", say) come back from `show` as sentences for a message line.
    """

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}
        self.shown: list[str] = []  # the fields with a message, in the order found

    def label(self, field: str, widget: QWidget | None = None) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error:{field}")
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        self.labels[field] = label
        if widget is not None:
            self.fields[field] = widget
        return label

    def wrap(self, widget: QWidget, field: str) -> QWidget:
        """The widget with its error label below it, as one row of a form."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        v.addWidget(self.label(field, widget))
        return box

    def text(self, field: str) -> str:
        """The message shown for a field ("" when none)."""
        label = self.labels.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear(self) -> None:
        self.shown = []
        for label in self.labels.values():
            label.clear()
            label.hide()

    def show(self, problems: Iterable[FieldProblem]) -> list[str]:
        """Show the problems by field; returns the messages that have no field here."""
        self.clear()
        other: list[str] = []
        grouped: dict[str, list[str]] = {}
        for p in problems:
            text = problem_text(p)
            if p.field in self.labels:
                grouped.setdefault(p.field, []).append(text)
            else:
                other.append(sentence(text))
        for key, texts in grouped.items():
            self.labels[key].setText("\n".join(dict.fromkeys(texts)))
            self.labels[key].show()
        self.shown = list(grouped)
        return other

    def focus_first(self) -> bool:
        """Put the cursor in the first field with a problem; False when none has a widget."""
        for key in self.shown:
            widget = self.fields.get(key)
            if widget is not None and widget.isEnabled():
                widget.setFocus()
                return True
        return False


def sentence(text: str) -> str:
    """A message as a sentence: capital first, full stop at the end."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", ".)")) else text + "."
