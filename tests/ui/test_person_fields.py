"""The person fields shared by the case requester, the other parent and the mediation parents."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.combos import combo
from ikodesk.ui.common.fields import CountryField
from ikodesk.ui.common.person_fields import PersonFields, PersonValues
from ikodesk.ui.context import AppContext


def _wrap(widget: QWidget, field: str) -> QWidget:
    widget.setProperty("field", field)
    return widget


def test_rows_names_and_paths(qtbot: QtBot, jurist_ctx: AppContext) -> None:
    ctx = jurist_ctx
    host = QWidget()
    qtbot.addWidget(host)
    form = QFormLayout(host)
    relation = combo("parent1Relation", [("—", None), ("moeder", "mother")])
    country = CountryField(ctx.facts.residence_countries)
    person = PersonFields("parent1", "parents[0]", relation=relation, country=country)
    labels = {
        "relation": "Moeder of vader",
        "first_name": "Voornaam",
        "last_name": "Achternaam",
        "birth_date": "Geboortedatum",
        "country": "Woonland",
    }
    person.add_rows(form, _wrap, labels)
    assert form.rowCount() == 5
    assert host.findChild(QLineEdit, "parent1FirstName") is person.first
    assert person.birth.property("field") == "parents[0].birth_date"
    assert person.widgets() == [
        relation,
        person.first,
        person.last,
        person.birth.edit,
        country.edit,
    ]
    assert person.is_empty()

    person.show(PersonValues(relation="mother", first_name="Anna", birth_date=date(1980, 2, 1)))
    assert not person.is_empty()
    problems: list[FieldProblem] = []
    values = person.read(problems)
    assert problems == []
    assert values == PersonValues(
        relation="mother", first_name="Anna", birth_date=date(1980, 2, 1), country=None
    )

    person.birth.setText("31-02-1980")
    country.edit.setText("Nergensland")
    values = person.read(problems)
    assert values.birth_date is None
    assert [p.field for p in problems] == ["parents[0].birth_date", "parents[0].country"]

    person.show(None)
    assert person.is_empty()


def test_the_forms_use_them(qtbot: QtBot, jurist_ctx: AppContext) -> None:
    ctx = jurist_ctx
    from ikodesk.ui.cases.case_form import CaseWindow
    from ikodesk.ui.mediation.mediation_form import MediationWindow

    case = CaseWindow(ctx, None)
    qtbot.addWidget(case)
    qtbot.waitUntil(lambda: not case.is_loading(), timeout=20_000)
    mediation = MediationWindow(ctx, None)
    qtbot.addWidget(mediation)
    shared = [
        case.requester.person,
        case.other_parent.person,
        *(p.person for p in mediation.parents),
    ]
    assert all(isinstance(p, PersonFields) for p in shared)
    # The requester has phone and e-mail; the other parent a relation; a mediation parent
    # a relation and a country of residence.
    assert case.requester.person.phone is not None and case.requester.person.relation is None
    assert case.other_parent.person.relation is not None
    assert case.other_parent.person.country is None
    assert mediation.parents[1].person.country is not None
    assert mediation.parents[1].person.first.objectName() == "parent2FirstName"
