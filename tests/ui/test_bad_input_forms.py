"""Issue #11, bad input in the forms: the services' input rules show at the field.

Text with a bidi override in a name, more than 20 children and an opening date in
the future are refused by the case service (services/input_rules.py) and the
case form shows each next to its field; nothing is saved.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx


def _choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _error(form: CaseWindow, field: str) -> str:
    label = form.error_labels[field]
    return label.text() if label.isVisibleTo(form) else ""


def _cases(worker: DbWorker) -> int:
    def count(s: Session) -> int:
        return int(s.scalar(select(func.count()).select_from(Case)) or 0)

    return in_session(worker, count)


def _valid_form(qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor) -> CaseWindow:
    """A new prevention case that would save as it is."""
    window = MainWindow(make_ctx(worker, db, actor, "J. de Vries"))
    qtbot.addWidget(window)
    window.show()
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    _choose(form.code, "Preventie")
    form.opened.setText("05-03-2024")
    form.country.edit.setFocus()
    qtbot.keyClicks(form.country.edit, "Polen")
    qtbot.keyClick(form.country.edit, Qt.Key.Key_Escape)
    assert form.country.iso2() == "PL"
    _choose(form.req_kind, "Ouder")
    _choose(form.req_parent_relation, "Moeder")
    form.req_first.setText("Anna")
    form.req_last.setText("Kowalska")
    form.children_editor.model.add()
    form.children_editor.model.setData(form.children_editor.model.index(0, 3), "5")
    return form


def _save_refused(qtbot: QtBot, form: CaseWindow) -> None:
    with qtbot.waitSignal(form.validated, timeout=10_000):
        form.save()
    assert form.case_id is None


def test_a_bidi_override_in_a_name_shows_at_the_name(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _valid_form(qtbot, worker, sample_cases, people["jdevries"])
    before = _cases(worker)
    form.req_last.setText("Kowal\u202eaksw")
    _save_refused(qtbot, form)
    assert "leesrichting" in _error(form, "requester.last_name")
    assert "U+202E" in _error(form, "requester.last_name")
    assert _error(form, "requester.first_name") == ""
    assert _cases(worker) == before
    # Without the character the same form saves.
    form.req_last.setText("Kowalska")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    assert _cases(worker) == before + 1


def test_more_than_20_children_shows_at_the_children(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _valid_form(qtbot, worker, sample_cases, people["jdevries"])
    before = _cases(worker)
    model = form.children_editor.model
    for i in range(1, 21):
        model.add()
        model.setData(model.index(i, 3), "5")
    assert model.rowCount() == 21
    _save_refused(qtbot, form)
    assert "hoogstens 20" in _error(form, "children")
    assert _cases(worker) == before


def test_an_opening_date_in_the_future_shows_at_the_date(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _valid_form(qtbot, worker, sample_cases, people["jdevries"])
    before = _cases(worker)
    form.opened.setText((date.today() + timedelta(days=3)).strftime("%d-%m-%Y"))
    _save_refused(qtbot, form)
    assert "toekomst" in _error(form, "opened")
    assert _cases(worker) == before
