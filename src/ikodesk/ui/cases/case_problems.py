"""The case form's problems next to its fields: one label under each field.

The services name fields in exchange terms ("requester.birth_date",
"children[1].age"); a problem of a child goes under the children, numbered,
and a problem of a field the form does not show comes back for the message line.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.field_errors import ERROR_STYLE
from ikodesk.ui.common.problems import problem_text


class CaseProblems:
    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error:{field}")
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        self.labels[field] = label
        return label

    def wrap(self, widget: QWidget, field: str) -> QWidget:
        """The widget with its error label below it, as one row of a form."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        v.addWidget(self.label(field))
        return box

    def show(
        self, problems: list[FieldProblem], refusal: FieldProblem | None, family: bool
    ) -> list[str]:
        """Put each problem under its field; the messages without a field come back.

        `refusal` is the policy's own message (shown as it is, already translated);
        `family`: the requester is family, whose relation has a field of its own.
        """
        for label in self.labels.values():
            label.clear()
            label.hide()
        children_msgs: list[str] = []
        other: list[str] = []
        for p in problems:
            text = p.message if p is refusal else problem_text(p)
            if p.field.startswith("children["):
                number = int(p.field[len("children[") : p.field.index("]")]) + 1
                children_msgs.append(
                    QCoreApplication.translate("CaseProblems", "Kind {0}: {1}").format(number, text)
                )
                continue
            key = p.field
            if key == "requester.relation" and family:
                key = "requester.family"
            shown = self.labels.get(key)
            if shown is None:
                other.append(text)
                continue
            shown.setText(text)
            shown.show()
        if children_msgs:
            self.labels["children"].setText("\n".join(children_msgs))
            self.labels["children"].show()
        return other

    def focus_first(self, problems: list[FieldProblem]) -> None:
        """Put the cursor in the field of the first problem that has one."""
        for p in problems:
            label = self.labels.get(p.field)
            if label is not None and label.parentWidget() is not None:
                container = label.parentWidget()
                assert container is not None
                layout = container.layout()
                if layout is not None and layout.count():
                    item = layout.itemAt(0)
                    widget = item.widget() if item is not None else None
                    if widget is not None:
                        widget.setFocus()
                        return
