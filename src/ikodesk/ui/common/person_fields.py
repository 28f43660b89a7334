"""The fields of one person, shared by the case requester, the other parent and the
parents of a mediation request: names, birth date and, where the form asks for
them, a relation, a country of residence, a phone number and an e-mail address.

The form that uses them keeps its own labels (its mnemonics must not clash with
its other fields) and its own record type; `PersonValues` is what passes between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from ikodesk.services.input_rules import BIRTH_MIN
from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.combos import select_data
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.fields import CountryField, DateField

# A parent's birth date: from 1900, not in the future.
BIRTH_DATES = DayRange(BIRTH_MIN, latest_today=True)

# How a form puts a field with its error label in a row: (widget, field path) -> row widget.
Wrap = Callable[[QWidget, str], QWidget]


@dataclass
class PersonValues:
    """What the fields hold: the relation combo's data, texts stripped (None when empty)."""

    relation: Any = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    country: str | None = None
    phone: str | None = None
    email: str | None = None


def _text(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


class PersonFields:
    """Names and birth date of a person, with the optional relation, country and contact.

    `name` prefixes the object names ("requester" gives requesterFirstName, ...);
    `path` prefixes the field names of the services' problems ("requester" gives
    requester.first_name, ...).
    """

    def __init__(
        self,
        name: str,
        path: str,
        *,
        relation: QComboBox | None = None,
        country: CountryField | None = None,
        contact: bool = False,
    ) -> None:
        self.path = path
        self.relation = relation
        self.first = QLineEdit()
        self.first.setObjectName(f"{name}FirstName")
        self.last = QLineEdit()
        self.last.setObjectName(f"{name}LastName")
        self.birth = DateField(limits=BIRTH_DATES)
        self.birth.set_name(f"{name}BirthDate")
        self.country = country
        self.phone: QLineEdit | None = None
        self.email: QLineEdit | None = None
        if contact:
            self.phone = QLineEdit()
            self.phone.setObjectName(f"{name}Phone")
            self.email = QLineEdit()
            self.email.setObjectName(f"{name}Email")

    def rows(self) -> list[tuple[str, QWidget]]:
        """(field name, widget) in the order the form shows them."""
        rows: list[tuple[str, QWidget | None]] = [
            ("relation", self.relation),
            ("first_name", self.first),
            ("last_name", self.last),
            ("birth_date", self.birth),
            ("country", self.country),
            ("phone", self.phone),
            ("email", self.email),
        ]
        return [(field, widget) for field, widget in rows if widget is not None]

    def add_rows(self, form: QFormLayout, wrap: Wrap, labels: dict[str, str]) -> None:
        """Add a labelled row per field to `form` (labels by field name, translated)."""
        for field, widget in self.rows():
            form.addRow(labels[field], wrap(widget, f"{self.path}.{field}"))

    def widgets(self) -> list[QWidget]:
        """The input widgets in tab order (the line edit of a country or date, not its frame)."""
        return [
            widget.edit if isinstance(widget, (CountryField, DateField)) else widget
            for _field, widget in self.rows()
        ]

    def line_edits(self) -> list[QLineEdit | DateField]:
        """The text fields, whose textChanged marks the form as changed."""
        edits = [self.first, self.last, self.birth, self.phone, self.email]
        return [e for e in edits if e is not None]

    def set_enabled(self, on: bool) -> None:
        for widget in self.widgets():
            widget.setEnabled(on)

    def is_empty(self) -> bool:
        """Nothing chosen or typed: no person registered."""
        return (
            (self.relation is None or self.relation.currentData() is None)
            and not any(e.text().strip() for e in self.line_edits())
            and (self.country is None or not self.country.edit.text().strip())
        )

    def read(self, problems: list[FieldProblem]) -> PersonValues:
        """The values; a date or country that cannot be read adds a problem (and is None)."""
        try:
            born = self.birth.value()
        except ValueError as exc:
            born = None
            problems.append(FieldProblem(f"{self.path}.birth_date", str(exc)))
        country_problem = self.country.problem() if self.country is not None else None
        if country_problem is not None:
            problems.append(FieldProblem(f"{self.path}.country", country_problem))
        return PersonValues(
            relation=self.relation.currentData() if self.relation is not None else None,
            first_name=_text(self.first),
            last_name=_text(self.last),
            birth_date=born,
            country=self.country.iso2() if self.country is not None else None,
            phone=_text(self.phone) if self.phone is not None else None,
            email=_text(self.email) if self.email is not None else None,
        )

    def show(self, values: PersonValues | None) -> None:
        """Fill the fields (all empty for None)."""
        v = values or PersonValues()
        if self.relation is not None:
            select_data(self.relation, v.relation)
        self.first.setText(v.first_name or "")
        self.last.setText(v.last_name or "")
        self.birth.set_value(v.birth_date)
        if self.country is not None:
            self.country.set_iso2(v.country)
        if self.phone is not None:
            self.phone.setText(v.phone or "")
        if self.email is not None:
            self.email.setText(v.email or "")
