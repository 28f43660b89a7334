"""The sections of the case form: its header, the case itself, who asks, the other
parent, the children and the summary.

Each section builds its fields, shows which of them apply (the code decides
the case fields, the kind of requester the requester's) and reads and fills
its part of the case record. The window (`case_form.CaseWindow`) puts them
together with the children, the summary and the contact moments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ikodesk.models.enums import (
    LINE1_CODES,
    LINE2_CODES,
    CaseCode,
    FamilyRelation,
    OrganisationType,
    ParentRelation,
    ParentSide,
    RequesterKind,
    line_of,
)
from ikodesk.services.case_facets import HandlerChoice
from ikodesk.services.input_rules import OPENED_MIN
from ikodesk.services.validation import CaseData, FieldProblem, PersonData, code_rule
from ikodesk.services.validation.form_rules import SIDE_REQUIRED
from ikodesk.ui.cases.children_editor import ChildrenEditor
from ikodesk.ui.cases.conflict_badge import ConflictBadge
from ikodesk.ui.common.combos import combo, enum_value, select_data
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.fields import CountryField, DateField, set_row_visible
from ikodesk.ui.common.person_fields import PersonFields, PersonValues, Wrap
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import CountryInfo
from ikodesk.ui.i18n import enum_label


class CaseHeader(QHBoxLayout):
    """The reference, the conflict badge and the status, with the window's actions."""

    def __init__(self) -> None:
        super().__init__()
        self.title = title_label()
        self.status_label = QLabel()
        self.status_label.setObjectName("caseStatus")
        self.conflict_badge = ConflictBadge()
        self.save_button = QPushButton(self.tr("&Opslaan"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Ctrl+S")
        self.close_case_button = QPushButton(self.tr("Zaak &sluiten…"))
        self.close_case_button.setObjectName("closeCase")
        self.reopen_button = QPushButton(self.tr("&Heropenen"))
        self.print_button = QPushButton(self.tr("Afdr&ukken…"))
        self.print_button.setObjectName("printDossier")
        self.print_button.setToolTip(self.tr("Het dossier als PDF opslaan (Ctrl+P)"))
        self.addWidget(self.title)
        self.addWidget(self.conflict_badge)
        self.addWidget(self.status_label)
        self.addStretch(1)
        for b in (self.save_button, self.close_case_button, self.reopen_button, self.print_button):
            self.addWidget(b)


# An opening date: from 1990 (the import's rule), not in the future (the form's).
OPENING_DATES = DayRange(OPENED_MIN, latest_today=True)


class CaseSection(QGroupBox):
    """Code, opening date, handler, country and the code's own fields."""

    def __init__(
        self,
        line: int,
        countries: tuple[CountryInfo, ...],
        wrap: Wrap,
        unavailable: tuple[CountryInfo, ...] = (),
    ) -> None:
        super().__init__(self.tr("Zaak"))
        self.form = QFormLayout(self)
        codes = LINE2_CODES if line == 2 else LINE1_CODES
        self.code = combo("code", [(enum_label(c), c.value) for c in codes])
        self.code.setMaxVisibleItems(len(codes))
        self.opened = DateField(limits=OPENING_DATES)
        self.opened.set_name("opened")
        self.opened.set_value(date.today())
        self.handler = QComboBox()
        self.handler.setObjectName("handler")
        self.country = CountryField(countries, badge=True, unavailable=unavailable)
        self.country_label = QLabel(self.tr("&Land"))
        self.country_label.setBuddy(self.country.edit)
        self.direction = QComboBox()
        self.direction.setObjectName("direction")
        self.taker = QComboBox()
        self.taker.setObjectName("taker")
        self.mover = QComboBox()
        self.mover.setObjectName("mover")
        f = self.form
        f.addRow(self.tr("&Code"), wrap(self.code, "code"))
        f.addRow(self.tr("Ge&opend op"), wrap(self.opened, "opened"))
        f.addRow(self.tr("&Behandelaar"), wrap(self.handler, "handler"))
        f.addRow(self.country_label, wrap(self.country, "country"))
        f.addRow(self.tr("&Richting"), wrap(self.direction, "direction"))
        f.addRow(self.tr("Meegenomen &door"), wrap(self.taker, "taker"))
        f.addRow(self.tr("&Wie verhuist"), wrap(self.mover, "mover"))
        self.closed_info = QLabel()
        f.addRow(self.closed_info)

    def set_handlers(self, handlers: list[HandlerChoice], current: str) -> None:
        """The active handlers to choose from, and the current one even when inactive."""
        self._handlers = handlers
        self._current = current
        self._excluded: frozenset[str] = frozenset()
        self._fill_handlers(current)

    def exclude_handlers(self, excluded: frozenset[str]) -> bool:
        """Leave out who stands on the other side of this family (the typing check).

        True when the chosen handler is one of them: then nobody is chosen and the
        user must pick another (the list starts with an empty choice).
        """
        if excluded == getattr(self, "_excluded", frozenset()):
            return self.handler.currentData() is None and bool(excluded)
        current = self.handler.currentData() or self._current
        self._excluded = excluded
        self._fill_handlers(current)
        return current in excluded

    def _fill_handlers(self, current: str) -> None:
        self.handler.blockSignals(True)
        self.handler.clear()
        if current in self._excluded:
            self.handler.addItem(self.tr("— kies een andere behandelaar —"), None)
        for h in self._handlers:
            if (h.active or h.username == current) and h.username not in self._excluded:
                text = f"{h.username} — {h.name}" if h.name else h.username
                self.handler.addItem(text, h.username)
        select_data(self.handler, None if current in self._excluded else current)
        self.handler.blockSignals(False)

    def fill(self, d: CaseData) -> None:
        if line_of(d.code) == 1:
            self.show_only_code(d.code)
        select_data(self.code, d.code.value)
        self.code_changed()
        self.opened.set_value(d.opened)
        select_data(self.handler, d.handler)
        self.country.set_iso2(d.country)
        select_data(self.direction, d.direction.value if d.direction else None)
        select_data(self.taker, d.taker.value if d.taker else None)
        select_data(self.mover, d.mover.value if d.mover else None)

    def current_code(self) -> CaseCode:
        return CaseCode(self.code.currentData())

    def show_only_code(self, code: CaseCode) -> None:
        """A Line 1 case opened from a list: its code is shown, not chosen."""
        self.code.clear()
        self.code.addItem(enum_label(code), code.value)
        self.code.setEnabled(False)

    def code_changed(self) -> None:
        """Offer the choices and show the rows the code asks for; name the country."""
        code = self.current_code()
        rule = code_rule(code)
        _fill(self.direction, rule.directions)
        _fill(self.taker, rule.takers)
        _fill(self.mover, rule.movers)
        set_row_visible(self.form, self.direction, bool(rule.directions))
        set_row_visible(self.form, self.taker, bool(rule.takers))
        set_row_visible(self.form, self.mover, bool(rule.movers))
        labels = {
            CaseCode.INTERNATIONAL_ABDUCTION: self.tr("&Land (ontvoering naar/van)"),
            CaseCode.FAMILY_ABDUCTION: self.tr("&Land (ontvoering naar/van)"),
            CaseCode.PREVENTION: self.tr("&Land (gevreesde ontvoering)"),
            CaseCode.RELOCATION_CONSENT: self.tr("&Land (verhuizing naar/van)"),
            CaseCode.INTERNATIONAL_CONTACT: self.tr("&Land (kind of ouder woont daar)"),
            CaseCode.TRAVEL_CONSENT: self.tr("&Reisbestemming"),
        }
        text = labels.get(code, self.tr("&Land (optioneel)"))
        if rule.country_required:
            text += " *"
        self.country_label.setText(text)


def _fill(box: QComboBox, values: tuple[Any, ...]) -> None:
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    # Always an empty choice first: a required value must be chosen, not defaulted.
    box.addItem("—", None)
    for v in values:
        box.addItem(enum_label(v), v.value)
    select_data(box, current)
    box.blockSignals(False)


class RequesterSection(QGroupBox):
    """Who asks for advice: a parent, a professional or family, and how to reach them."""

    def __init__(self, wrap: Wrap) -> None:
        super().__init__(self.tr("Hoofdbetrokkene (wie vraagt advies)"))
        self.form = QFormLayout(self)
        self.kind = combo("requesterKind", [(enum_label(k), k.value) for k in RequesterKind])
        self.parent_relation = combo(
            "parentRelation", [(enum_label(r), r.value) for r in ParentRelation]
        )
        self.side = combo("side", [("—", None)] + [(enum_label(s), s.value) for s in ParentSide])
        self.org_type = combo(
            "organisationType", [(enum_label(t), t.value) for t in OrganisationType]
        )
        self.org_type.setMaxVisibleItems(len(OrganisationType))
        self.organisation = QLineEdit()
        self.organisation.setObjectName("organisation")
        self.family_relation = combo(
            "familyRelation", [(enum_label(r), r.value) for r in FamilyRelation]
        )
        self.person = PersonFields("requester", "requester", contact=True)
        f = self.form
        f.addRow(self.tr("Soo&rt"), wrap(self.kind, "requester.kind"))
        f.addRow(self.tr("Ouder"), wrap(self.parent_relation, "requester.relation"))
        self.side_label = QLabel(self.tr("&Kant"))
        self.side_label.setBuddy(self.side)
        f.addRow(self.side_label, wrap(self.side, "requester.side"))
        f.addRow(self.tr("Organisatie&type"), wrap(self.org_type, "requester.organisation_type"))
        f.addRow(self.tr("Organisatie"), wrap(self.organisation, "requester.organisation"))
        f.addRow(self.tr("Relatie"), wrap(self.family_relation, "requester.family"))
        self.person.add_rows(
            f,
            wrap,
            {
                "first_name": self.tr("&Voornaam"),
                "last_name": self.tr("&Achternaam"),
                "birth_date": self.tr("Geboortedatum"),
                "phone": self.tr("Telefoon"),
                "email": self.tr("E-mail"),
            },
        )

    def combos(self) -> list[QComboBox]:
        return [self.kind, self.parent_relation, self.side, self.org_type, self.family_relation]

    def set_code(self, code: CaseCode) -> None:
        """The case's code decides whether the parent's side is required (an abduction)."""
        required = code in SIDE_REQUIRED
        self.side_label.setText(self.tr("&Kant *") if required else self.tr("&Kant"))

    def line_edits(self) -> list[QLineEdit | DateField]:
        return [self.organisation, *self.person.line_edits()]

    def current_kind(self) -> RequesterKind:
        return RequesterKind(self.kind.currentData())

    def kind_changed(self) -> None:
        """Show the rows of this kind of requester only."""
        kind = self.current_kind()
        f = self.form
        set_row_visible(f, self.parent_relation, kind is RequesterKind.PARENT)
        set_row_visible(f, self.side, kind is RequesterKind.PARENT)
        set_row_visible(f, self.org_type, kind is RequesterKind.PROFESSIONAL)
        set_row_visible(f, self.organisation, kind is RequesterKind.PROFESSIONAL)
        set_row_visible(f, self.family_relation, kind is RequesterKind.FAMILY)

    def read(self, problems: list[FieldProblem]) -> PersonData:
        kind = self.current_kind()
        requester = PersonData(kind=kind)
        if kind is RequesterKind.PARENT:
            requester.relation = self.parent_relation.currentData()
            requester.side = enum_value(self.side, ParentSide)
        elif kind is RequesterKind.PROFESSIONAL:
            requester.organisation_type = enum_value(self.org_type, OrganisationType)
            requester.organisation = self.organisation.text().strip() or None
        else:
            requester.relation = self.family_relation.currentData()
        v = self.person.read(problems)
        requester.first_name, requester.last_name = v.first_name, v.last_name
        requester.birth_date, requester.phone, requester.email = v.birth_date, v.phone, v.email
        return requester

    def fill(self, r: PersonData) -> None:
        select_data(self.kind, r.kind.value)
        self.kind_changed()
        if r.kind is RequesterKind.PARENT:
            select_data(self.parent_relation, r.relation)
        elif r.kind is RequesterKind.FAMILY:
            select_data(self.family_relation, r.relation)
        select_data(self.side, r.side.value if r.side else None)
        select_data(self.org_type, r.organisation_type.value if r.organisation_type else None)
        self.organisation.setText(r.organisation or "")
        self.person.show(
            PersonValues(
                first_name=r.first_name,
                last_name=r.last_name,
                birth_date=r.birth_date,
                phone=r.phone,
                email=r.email,
            )
        )


class OtherParentSection(QGroupBox):
    """The other parent, when the handler records them (the box is ticked)."""

    def __init__(self, wrap: Wrap) -> None:
        super().__init__(self.tr("Andere ouder"))
        form = QFormLayout(self)
        self.known = QCheckBox(self.tr("Andere ouder &vastleggen"))
        self.known.setObjectName("otherParentKnown")
        relation = combo(
            "otherRelation", [("—", None)] + [(enum_label(r), r.value) for r in ParentRelation]
        )
        self.person = PersonFields("other", "other_parent", relation=relation)
        self.relation = relation
        form.addRow(self.known)
        self.person.add_rows(
            form,
            wrap,
            {
                "relation": self.tr("Ouder"),
                "first_name": self.tr("Voornaam"),
                "last_name": self.tr("Achternaam"),
                "birth_date": self.tr("Geboortedatum"),
            },
        )
        self.known.toggled.connect(self.person.set_enabled)
        self.person.set_enabled(False)

    def read(self, problems: list[FieldProblem]) -> PersonData | None:
        if not self.known.isChecked():
            return None
        v = self.person.read(problems)
        return PersonData(
            kind=RequesterKind.PARENT,
            relation=v.relation,
            first_name=v.first_name,
            last_name=v.last_name,
            birth_date=v.birth_date,
        )

    def fill(self, o: PersonData | None) -> None:
        self.known.setChecked(o is not None)
        if o is not None:
            self.person.show(
                PersonValues(
                    relation=o.relation,
                    first_name=o.first_name,
                    last_name=o.last_name,
                    birth_date=o.birth_date,
                )
            )


class ChildrenSection(QGroupBox):
    def __init__(self) -> None:
        super().__init__(self.tr("Kinderen"))
        self.box = QVBoxLayout(self)
        self.editor = ChildrenEditor()
        self.box.addWidget(self.editor)

    def add_error(self, error: QLabel) -> None:
        self.box.addWidget(error)


class SummarySection(QGroupBox):
    def __init__(self) -> None:
        super().__init__(self.tr("Samenvatting en notities"))
        self.box = QVBoxLayout(self)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(self.fontMetrics().height() * 6)
        self.box.addWidget(self.summary)

    def add_error(self, error: QLabel) -> None:
        self.box.addWidget(error)
