"""The Line 2 case form: a new abduction case, validation next to the fields, children,
contact moments, closing, and never losing unsaved changes."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.models.enums import CloseReason
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx, wait_idle


def _window(qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor) -> MainWindow:
    window = MainWindow(make_ctx(worker, db, actor, "J. de Vries"))
    qtbot.addWidget(window)
    window.show()
    return window


def _choose(qtbot: QtBot, combo, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an item of a combo by its text."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def _error(form: CaseWindow, field: str) -> str:
    label = form.error_labels[field]
    return label.text() if label.isVisibleTo(form) else ""


def test_new_abduction_case_with_two_children(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, sample_cases, people["jdevries"])
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    assert form.handler.currentData() == "jdevries"

    # The code decides which fields show.
    form.code.setFocus()
    _choose(qtbot, form.code, "Preventie")
    assert not form.direction.isVisibleTo(form) and not form.taker.isVisibleTo(form)
    _choose(qtbot, form.code, "Internationale kinderontvoering")
    assert form.direction.isVisibleTo(form) and form.taker.isVisibleTo(form)
    assert not form.mover.isVisibleTo(form)
    assert [form.direction.itemText(i) for i in range(form.direction.count())] == [
        "—",
        "Uitgaand",
        "Inkomend",
        "Buiten Nederland",
    ]
    form.opened.edit.selectAll()
    qtbot.keyClicks(form.opened.edit, "5-3-2024")  # as people say it
    assert form.opened.understood() == "di 5 maart 2024"

    # Saving too early: the problems appear next to the fields, in Dutch; nothing is saved.
    with qtbot.waitSignal(form.validated, timeout=10_000):
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "verplicht" in _error(form, "country")
    assert "Uitgaand" in _error(form, "direction")  # labels, not "outgoing"
    assert "outgoing" not in _error(form, "direction")
    assert _error(form, "taker")
    assert form.case_id is None

    # The country, with its Hague badge on the opening date.
    form.country.edit.setFocus()
    qtbot.keyClicks(form.country.edit, "Polen")
    qtbot.keyClick(form.country.edit, Qt.Key.Key_Escape)
    assert form.country.iso2() == "PL"
    assert "HKOV-land sinds" in form.country.badge.text() and "EU" in form.country.badge.text()
    _choose(qtbot, form.direction, "Uitgaand")
    _choose(qtbot, form.taker, "Vader")

    # The requester: a left-behind mother.
    _choose(qtbot, form.req_kind, "Ouder")
    _choose(qtbot, form.req_parent_relation, "Moeder")
    _choose(qtbot, form.req_side, "Achterblijvende ouder")
    qtbot.keyClicks(form.req_first, "Agnieszka")
    qtbot.keyClicks(form.req_last, "Nowak")
    qtbot.keyClicks(form.req_birth.edit, "11021988")
    # The other parent.
    qtbot.keyClick(form.other_known, Qt.Key.Key_Space)
    _choose(qtbot, form.other_relation, "Vader")
    qtbot.keyClicks(form.other_first, "Tomasz")
    qtbot.keyClicks(form.other_last, "Nowak")

    # Two children, typed in the table: one with a birth date, one with an age only.
    view = form.children_editor.view

    def editor(previous: object = None) -> QLineEdit:
        qtbot.waitUntil(
            lambda: isinstance(view.focusWidget(), QLineEdit) and view.focusWidget() is not previous
        )
        widget = view.focusWidget()
        assert isinstance(widget, QLineEdit)
        return widget

    def type_row(*cells: str) -> None:
        current = editor()
        for i, text in enumerate(cells):
            qtbot.keyClicks(current, text)
            if i < len(cells) - 1:
                qtbot.keyClick(current, Qt.Key.Key_Tab)
                current = editor(current)
        qtbot.keyClick(current, Qt.Key.Key_Return)  # the delegate commits on the next turn
        qtbot.waitUntil(lambda: view.focusWidget() is not current)

    qtbot.keyClick(form.children_editor.add_button, Qt.Key.Key_Space)
    type_row("Ola", "Nowak", "01-09-2017")
    model = form.children_editor.model
    assert model.data(model.index(0, 3)) == "6 jaar"  # on 5 March 2024
    qtbot.keyClick(form.children_editor.add_button, Qt.Key.Key_Space)
    type_row("Kuba")
    model.setData(model.index(1, 2), "31-02-2020")  # not a date
    qtbot.keyClicks(form.summary, "Vader is met de kinderen naar Polen vertrokken.")

    with qtbot.waitSignal(form.validated, timeout=10_000):
        form.save()
    assert _error(form, "children") == "Kind 2: Dag 31 bestaat niet: deze maand heeft 29 dagen"
    assert form.case_id is None
    model.setData(model.index(1, 2), "")
    model.setData(model.index(1, 3), "4")
    assert model.data(model.index(1, 3)) == "4"

    with qtbot.waitSignal(form.saved, timeout=10_000) as blocker:
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case_id = blocker.args[0]
    assert form.ref == "2024-L2-00019"  # numbered in its opening year
    assert not form.is_dirty()

    def stored(s: Session) -> tuple:  # type: ignore[type-arg]
        case = s.get(Case, case_id)
        return (
            case.code.value,
            case.country,
            case.direction.value,
            case.taker.value,
            case.requester.side.value,
            case.other_parent.first_name,
            [(c.first_name, c.birth_date, c.age) for c in case.children],
        )

    assert in_session(worker, stored) == (
        "international_abduction",
        "PL",
        "outgoing",
        "father",
        "left_behind",
        "Tomasz",
        [("Ola", date(2017, 9, 1), None), ("Kuba", None, 4)],
    )


def test_contact_moment_and_closing_the_case(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, sample_cases, people["jdevries"])
    case_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == "2024-L2-00018"))
    )
    # kvisser handles it, but jurists may read every Line 2 case until walls say otherwise.
    form = window.open_case(case_id)
    qtbot.waitUntil(lambda: form.ref == "2024-L2-00018")
    assert form.contacts_model.rowCount() == 0
    assert form.country.iso2() == "TR"
    assert form.close_case_button.isVisibleTo(form) and not form.reopen_button.isVisibleTo(form)

    # One shortcut for a new contact, with defaults: now, phone, the requester's kind.
    form.activateWindow()
    qtbot.keyClick(
        form.summary,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: getattr(form, "contact_dialog", None) is not None)
    dialog = form.contact_dialog
    assert dialog.channel.currentData() == "phone" and dialog.party.currentData() == "parent"
    assert dialog.at_date.value() == date.today()
    dialog.minutes.setValue(20)
    qtbot.keyClicks(dialog.summary, "Uitleg over de teruggeleidingsprocedure.")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.contacts_model.rowCount() == 1)
    assert form.contacts_model.data(form.contacts_model.index(0, 1)) == "Telefoon"
    assert form.contacts_model.data(form.contacts_model.index(0, 4)) == "20"

    # Closing with a reason.
    qtbot.mouseClick(form.close_case_button, Qt.MouseButton.LeftButton)
    close = form.close_dialog
    close.day.setText("1-7-2024")
    _choose(qtbot, close.reason, "Voldoende geïnformeerd")
    qtbot.keyClick(close.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form._closed is not None)
    assert "gesloten op 01-07-2024" in form.status_label.text()
    assert form.reopen_button.isVisibleTo(form) and not form.close_case_button.isVisibleTo(form)
    assert in_session(
        worker, lambda s: (s.get(Case, case_id).closed, s.get(Case, case_id).close_reason)
    ) == (date(2024, 7, 1), CloseReason.INFORMED)


def test_unsaved_changes_are_never_lost_silently(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, sample_cases, people["jdevries"])
    case_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == "2024-L2-00017"))
    )
    form = window.open_case(case_id)
    qtbot.waitUntil(lambda: form.ref == "2024-L2-00017")
    qtbot.keyClicks(form.req_first, "-Maria")
    assert form.is_dirty() and form.windowTitle().startswith("*")
    form.close()
    box = form.confirm_box
    assert form.isVisible() and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert form.isVisible() and form.is_dirty()
    form.close()
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.confirm_box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not window.case_windows)
    assert (
        in_session(
            worker,
            lambda s: s.get(Case, case_id).requester.first_name,
        )
        == "Anna-Maria"
    )
    wait_idle(qtbot, worker)


def test_the_form_is_one_tab_chain_in_reading_order(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, sample_cases, people["jdevries"])
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    _choose(qtbot, form.code, "Internationale kinderontvoering")
    form.activateWindow()
    form.code.setFocus()
    qtbot.waitUntil(lambda: form.focusWidget() is form.code)
    seen = []
    for _ in range(26):
        widget = form.focusWidget()
        seen.append(widget.objectName() or type(widget).__name__)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    # (The date is one field: one Tab, not one per day, month and year.)
    assert seen[1:3] == ["opened", "handler"]
    chain = [name for i, name in enumerate(seen) if i == 0 or name != seen[i - 1]]
    assert chain[:21] == [
        "code",
        "opened",
        "handler",
        "country",
        "direction",
        "taker",
        # The dates that start the clocks, with the case (issue #17).
        "removalDate",
        "proceedingsStarted",
        "decisionFirstInstance",
        "appealReady",
        "requesterKind",
        "parentRelation",
        "side",
        "requesterFirstName",
        "requesterLastName",
        "requesterBirthDate",
        "requesterPhone",
        "requesterEmail",
        "otherParentKnown",  # the other parent's fields are off until this is ticked
        "children",
        "addChild",
    ]
    assert chain[21:23] == ["QPushButton", "summary"]  # "Kind verwijderen", the summary
