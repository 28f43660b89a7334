"""The parameters of the services' messages that each front-end words its own way.

A message is a Dutch template with named parameters (ikodesk.errors). Most
parameters read the same everywhere (a reference, a number); these do not:

- a `date`: ISO (2024-03-05) in the exchange terms of the command line, dd-mm-jjjj
  on a screen;
- a code (a `StrEnum` member): its value ("no_agreement") on the command line, its
  label ("Geen overeenkomst") on a screen; `Choices` is a list of them;
- a `FieldName`: the exchange-format name ("birth_date") on the command line, the
  form's word ("geboortedatum") on a screen;
- `Kids`: a number of children in Dutch words ("1 kind", "3 kinderen").

Formatting a parameter (`str.format`) gives the command line's words, so
`IkodeskError.message` and `FieldProblem.message` stay the Dutch sentences they
were; the desktop client formats the parameters itself (ui.common.problems).
`Wording` is a template with its parameters before it belongs to a field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ikodesk.errors import FieldProblem, fill


class FieldName(str):
    """A field's name inside a message: the exchange-format name, a label on a form."""

    __slots__ = ()


class Choices(tuple[StrEnum, ...]):
    """The codes a field allows: "outgoing, incoming" (labels on a screen)."""

    def __new__(cls, members: Iterable[StrEnum]) -> Choices:
        return super().__new__(cls, tuple(members))

    def __format__(self, spec: str) -> str:
        return ", ".join(m.value for m in self)


class Kids(int):
    """A number of children, in words: "geen kind", "1 kind", "3 kinderen"."""

    def __format__(self, spec: str) -> str:
        n = int(self)
        return "geen kind" if n == 0 else "1 kind" if n == 1 else f"{n} kinderen"


@dataclass(frozen=True)
class Wording:
    """A message template with its parameters, not yet attached to a field."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return fill(self.template, self.params)

    def at(self, path: str) -> FieldProblem:
        """The problem of the field at `path` that this message describes."""
        return FieldProblem(path, self.template, **self.params)
