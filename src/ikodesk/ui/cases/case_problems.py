"""The case form's problems next to its fields: one label under each field, the field marked.

The services name fields in exchange terms ("requester.birth_date",
"children[1].age"); a problem of a child goes under the children, numbered,
and a problem of a field the form does not show comes back for the message line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication

from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.field_errors import FieldErrors, scroll_to
from ikodesk.ui.common.problems import problem_text

# Put the cursor on a child's cell: (row, field name of the child).
FocusChild = Callable[[int, str], None]


def child_of(field: str) -> tuple[int, str] | None:
    """(row, field) of a child's problem ("children[1].age" -> (1, "age")); None otherwise."""
    if not field.startswith("children[") or "]" not in field:
        return None
    row = int(field[len("children[") : field.index("]")])
    return row, field[field.index("]") + 1 :].lstrip(".")


class CaseProblems(FieldErrors):
    def __init__(self) -> None:
        super().__init__()
        self.focus_child: FocusChild | None = None
        self._first_child: tuple[int, str] | None = None

    def show(
        self,
        problems: Iterable[FieldProblem],
        refusal: FieldProblem | None = None,
        family: bool = False,
    ) -> list[str]:
        """Put each problem under its field; the messages without a field come back.

        `refusal` is the policy's own message (shown as it is, already translated);
        `family`: the requester is family, whose relation has a field of its own.
        """
        grouped: dict[str, list[str]] = {}
        children_msgs: list[str] = []
        other: list[str] = []
        self._first_child = None
        for p in problems:
            text = p.message if p is refusal else problem_text(p)
            child = child_of(p.field)
            if child is not None:
                children_msgs.append(
                    QCoreApplication.translate("CaseProblems", "Kind {0}: {1}").format(
                        child[0] + 1, text
                    )
                )
                if self._first_child is None:
                    self._first_child = child
                continue
            key = p.field
            if key == "requester.relation" and family:
                key = "requester.family"
            if key not in self.labels:
                other.append(text)
                continue
            grouped.setdefault(key, []).append(text)
        if children_msgs and "children" in self.labels:
            grouped.setdefault("children", []).extend(children_msgs)
        self.put(grouped)
        return other

    def focus_first(self) -> bool:
        """The first field with a problem in view and the cursor in it (a child's cell)."""
        if self.first_field() == "children" and self._first_child and self.focus_child:
            scroll_to(self.labels["children"])
            self.focus_child(*self._first_child)
            return True
        return super().focus_first()
