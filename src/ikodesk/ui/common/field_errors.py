"""Validation you can see: the message under its field, the field marked, the first one found.

Forms wrap each field with `FieldErrors.wrap`, keyed by the services' field
names. `show` puts every problem under its field and marks the field (a red
frame); a field whose own check passes again (a date field, a country field:
their `problem_changed` signal) loses its message and mark at once, while it
is being corrected. `focus_first` scrolls the first field with a problem into
view, in the order the form shows its fields, and puts the cursor there.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.problems import problem_text

ERROR_STYLE = "color: #b00020;"
# A marked field: a red frame (and the message under it says why). The selector keeps it
# to the field itself, not its children (a table's headers, a combo's list).
MARK_STYLE = '*[invalid="true"] { border: 2px solid #b00020; border-radius: 3px; }'


def input_of(widget: QWidget) -> QWidget:
    """The widget that takes the keys: the line edit of a date or country field."""
    edit = getattr(widget, "edit", None)
    return edit if isinstance(edit, QWidget) else widget


def set_marked(widget: QWidget, marked: bool) -> None:
    """Mark a field as needing attention (or not), on the widget that takes the keys."""
    target = input_of(widget)
    if bool(target.property("invalid")) == marked:
        return
    target.setProperty("invalid", marked)
    target.setStyleSheet(MARK_STYLE if marked else "")


def is_marked(widget: QWidget) -> bool:
    return bool(input_of(widget).property("invalid"))


def scroll_to(widget: QWidget) -> None:
    """Scroll the nearest scroll area so that `widget` is in view."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 40, 60)
            return
        parent = parent.parentWidget()


class FieldErrors:
    """Error labels under fields; `show` puts each problem next to its field.

    Problems for a field the form does not show (a state-machine refusal on
    "status", say) come back from `show` as sentences for a message line.
    """

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}  # in the order the form shows its fields
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
        """The widget with its error label below it, as one row of a form.

        A field that checks itself (date, country) reports its problem here as it
        is typed and corrected.
        """
        box = QWidget()
        # The row's label names the box as its buddy (QFormLayout.addRow): its Alt+letter
        # and setFocus() go on to the field, and on to a composite field's line edit.
        box.setFocusProxy(widget)
        box.setFocusPolicy(widget.focusPolicy())
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        v.addWidget(self.label(field, widget))
        signal = getattr(widget, "problem_changed", None)
        if signal is not None:
            signal.connect(lambda text, f=field: self.live(f, text))
        return box

    def text(self, field: str) -> str:
        """The message shown for a field ("" when none)."""
        label = self.labels.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def live(self, field: str, message: str) -> None:
        """A field's own check while it is typed: its message and mark, or neither."""
        label = self.labels[field]
        widget = self.fields.get(field)
        if message:
            label.setText(message[:1].upper() + message[1:])
            label.show()
            if field not in self.shown:
                self.shown.append(field)
        else:
            label.clear()
            label.hide()
            if field in self.shown:
                self.shown.remove(field)
        if widget is not None:
            set_marked(widget, bool(message))

    def clear(self) -> None:
        self.shown = []
        for label in self.labels.values():
            label.clear()
            label.hide()
        for widget in self.fields.values():
            set_marked(widget, False)

    def show(self, problems: Iterable[FieldProblem]) -> list[str]:
        """Show the problems by field; returns the messages that have no field here."""
        other: list[str] = []
        grouped: dict[str, list[str]] = {}
        for p in problems:
            text = problem_text(p)
            if p.field in self.labels:
                grouped.setdefault(p.field, []).append(text)
            else:
                other.append(sentence(text))
        self.put(grouped)
        return other

    def put(self, grouped: dict[str, list[str]]) -> None:
        """Exactly these messages under these fields; every other field clear and unmarked."""
        self.clear()
        for key, texts in grouped.items():
            self.labels[key].setText("\n".join(dict.fromkeys(texts)))
            self.labels[key].show()
            widget = self.fields.get(key)
            if widget is not None:
                set_marked(widget, True)
        self.shown = [key for key in self.labels if key in grouped]

    def first_field(self) -> str | None:
        """The first field with a message, in the order the form shows them."""
        return next((key for key in self.labels if key in self.shown), None)

    def focus_first(self) -> bool:
        """Scroll to the first field with a problem and put the cursor there.

        False when no field with a problem has a widget that can take the cursor.
        """
        for key in self.labels:
            widget = self.fields.get(key)
            if key in self.shown and widget is not None and _can_take_focus(widget):
                scroll_to(self.labels[key])  # the message under it in view too
                scroll_to(widget)
                widget.setFocus()
                # A field may show more of its problem once it has the cursor (the
                # country field: the countries that fit), even if it had it already.
                reveal = getattr(widget, "reveal_problem", None)
                if callable(reveal):
                    reveal()
                return True
        return False


def _can_take_focus(widget: QWidget) -> bool:
    return widget.isEnabled() and widget.isVisibleTo(widget.window())


def sentence(text: str) -> str:
    """A message as a sentence: capital first, full stop at the end."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", ".)")) else text + "."
