"""Issue #15, points 1 and 4 in the case form: validation you can see, dates you can trust.

On saving with problems the form scrolls to the first field that has one and
puts the cursor there (a child's birth date: its cell), marks every field with
a problem and takes each mark away as soon as the field is right. Old messages
do not outlive a change of code. "Kant" is required for an abduction. The
opening date is typed as people say it and read exactly.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import Case
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.cases.children_editor import BIRTH
from ikodesk.ui.common.field_errors import is_marked
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx

TIMEOUT = 10_000


def _choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _new_form(qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor) -> CaseWindow:
    window = MainWindow(make_ctx(worker, db, actor, "J. de Vries"))
    qtbot.addWidget(window)
    window.show()
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    form.activateWindow()
    return form


def _prevention(qtbot: QtBot, form: CaseWindow) -> None:
    """A prevention case that would save as it is."""
    _choose(form.code, "Preventie")
    form.opened.setText("05-03-2024")
    form.country.edit.setText("Polen")
    _choose(form.req_kind, "Ouder")
    _choose(form.req_parent_relation, "Moeder")
    form.req_first.setText("Anna")
    form.req_last.setText("Kowalska")


def _in_view(form: CaseWindow, widget: QWidget) -> bool:
    """Whether `widget` lies within the visible part of the form's scroll area."""
    viewport = form.form_scroll.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    bottom = top_left.y() + widget.height()
    return top_left.y() >= 0 and bottom <= viewport.height()


def _save(qtbot: QtBot, form: CaseWindow) -> list:  # type: ignore[type-arg]
    with qtbot.waitSignal(form.validated, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(
            form.focusWidget() or form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
        )
    return blocker.args[0]


def test_a_bad_child_birth_date_is_scrolled_to_focused_and_marked(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _new_form(qtbot, worker, sample_cases, people["jdevries"])
    form.resize(900, 560)  # the children lie below the visible area
    _prevention(qtbot, form)
    model = form.children_editor.model
    model.add()
    model.setData(model.index(0, 0), "Ola")
    model.setData(model.index(0, BIRTH), "31-02-2020")
    # Read at once: the cell stays as typed, in red, and the message is under the table.
    assert form.errors.text("children") == "Kind 1: Dag 31 bestaat niet: deze maand heeft 29 dagen"
    form.code.setFocus()
    form.form_scroll.verticalScrollBar().setValue(0)
    view = form.children_editor.view
    assert not _in_view(form, view)

    problems = _save(qtbot, form)
    assert [p.field for p in problems] == ["children[0].birth_date"]
    assert form.message.text() == "Nog niet opgeslagen: 1 veld vraagt aandacht."
    assert form.focusWidget() is view
    assert view.currentIndex().row() == 0 and view.currentIndex().column() == BIRTH
    assert _in_view(form, view) and _in_view(form, form.error_labels["children"])
    assert is_marked(view)
    assert form.case_id is None

    # Corrected by typing in the cell: message and mark go at once, and it saves.
    model.setData(model.index(0, BIRTH), "29-02-2020")
    assert form.errors.text("children") == "" and not is_marked(view)
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
        form.save()


def test_every_field_is_marked_and_each_mark_goes_when_the_field_is_right(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _new_form(qtbot, worker, sample_cases, people["jdevries"])
    _prevention(qtbot, form)
    _choose(form.code, "Internationale kinderontvoering")
    assert form.requester.side_label.text() == "&Kant *"  # required for an abduction
    problems = _save(qtbot, form)
    assert [p.field for p in problems] == ["direction", "taker", "requester.side"]
    for widget in (form.direction, form.taker, form.req_side):
        assert is_marked(widget), widget.objectName()
    assert form.message.text() == "Nog niet opgeslagen: 3 velden vragen aandacht."
    assert form.focusWidget() is form.direction  # the first, in the order of the form
    assert form.errors.text("requester.side") == (
        "Verplicht bij een ontvoeringszaak: kies aan welke kant deze ouder staat"
    )
    assert not is_marked(form.country) and not is_marked(form.opened)

    _choose(form.direction, "Uitgaand")
    qtbot.waitUntil(lambda: not is_marked(form.direction), timeout=TIMEOUT)
    assert is_marked(form.taker) and is_marked(form.req_side)
    _choose(form.req_side, "Achterblijvende ouder")
    qtbot.waitUntil(lambda: not is_marked(form.req_side), timeout=TIMEOUT)
    _choose(form.taker, "Vader")
    qtbot.waitUntil(lambda: not form.errors.shown, timeout=TIMEOUT)
    assert not form.message.isVisible()
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
        form.save()


def test_old_messages_go_when_the_code_changes(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _new_form(qtbot, worker, sample_cases, people["jdevries"])
    _prevention(qtbot, form)
    form.country.clear()
    problems = _save(qtbot, form)
    assert [p.field for p in problems] == ["country"]
    assert form.errors.text("country").startswith("Ontbreekt: verplicht")
    _choose(form.code, "Overig advies")  # a code with an optional country
    qtbot.waitUntil(lambda: form.errors.text("country") == "", timeout=TIMEOUT)
    assert not is_marked(form.country) and form.errors.shown == []
    # And the other way: a country typed clears the message of a required one.
    _choose(form.code, "Preventie")
    qtbot.waitUntil(lambda: form.errors.text("country") != "", timeout=TIMEOUT)
    form.country.edit.setFocus()
    qtbot.keyClicks(form.country.edit, "Polen")
    qtbot.waitUntil(lambda: form.errors.text("country") == "", timeout=TIMEOUT)
    assert not is_marked(form.country)


def test_the_opening_date_as_people_type_it(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _new_form(qtbot, worker, sample_cases, people["jdevries"])
    _prevention(qtbot, form)
    assert form.opened.text() == "05-03-2024"
    edit = form.opened.edit
    edit.setFocus()
    qtbot.waitUntil(lambda: form.focusWidget() is edit)
    edit.selectAll()
    qtbot.keyClicks(edit, "5-3-24")  # a two-digit year: 1924 or 2024? never guessed
    assert form.errors.text("opened") == ""  # not while it may still become a date
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert form.errors.text("opened") == "Typ het jaar met vier cijfers, bijvoorbeeld 05-03-2024"
    assert is_marked(form.opened) and form.opened.understood() == ""
    problems = _save(qtbot, form)
    assert [p.field for p in problems] == ["opened"]
    assert form.focusWidget() is edit and form.case_id is None

    edit.selectAll()
    qtbot.keyClicks(edit, "5-3-2024")
    assert form.opened.understood() == "di 5 maart 2024"
    assert form.errors.text("opened") == "" and not is_marked(form.opened)  # at once
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert form.opened.text() == "05-03-2024"  # written back as dd-mm-jjjj
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
        form.save()
    assert form.ref is not None and form.ref.startswith("2024-L2-")
    opened = in_session(worker, lambda s: s.scalar(select(Case.opened).where(Case.ref == form.ref)))
    assert opened == date(2024, 3, 5)


def test_v_is_today_and_a_future_opening_is_refused_at_the_field(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    form = _new_form(qtbot, worker, sample_cases, people["jdevries"])
    _prevention(qtbot, form)
    edit = form.opened.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "v")
    assert form.opened.value() == date.today()
    edit.selectAll()
    future = date(date.today().year + 1, 1, 1)
    qtbot.keyClicks(edit, future.strftime("%d%m%Y"))
    # A whole date that cannot be right shows at once, while typing.
    assert form.errors.text("opened") == f"{future.strftime('%d-%m-%Y')} ligt in de toekomst"
    assert is_marked(form.opened)
    problems = _save(qtbot, form)
    assert [p.field for p in problems] == ["opened"] and form.case_id is None
