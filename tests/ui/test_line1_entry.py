"""Issue #15, points 2 and 3 on the Line 1 page, typed as a student types them.

No empty registrations: Enter on an empty form (a fresh one, or the one just
saved and cleared) saves nothing; a call needs who calls and a name, a
destination or a note, said at the field. Countries by their everyday names;
when a text fits several countries the choices show and none is picked.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.field_errors import is_marked
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.line1.line1_page import Line1Page
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, wait_idle
from tests.ui.test_line1 import Keyboard, _student_window


def _line1_cases(worker: DbWorker) -> int:
    def count(s: Session) -> int:
        return int(s.scalar(select(func.count()).select_from(Case).where(Case.line == 1)) or 0)

    return in_session(worker, count)


def _page(
    qtbot: QtBot, worker: DbWorker, db: Database, student: Actor
) -> tuple[MainWindow, Line1Page]:
    window = _student_window(qtbot, worker, db, student)
    page = window.line1_page
    assert page is not None
    window.new_line1()
    qtbot.waitUntil(lambda: window.focusWidget() is page.caller)
    return window, page


def test_enter_on_an_empty_or_just_saved_form_registers_nothing(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window, page = _page(qtbot, worker, sample_cases, people["tmeijer"])
    before = _line1_cases(worker)
    kb = Keyboard(qtbot, window)
    kb.press(Qt.Key.Key_Return)  # a fresh, empty form
    kb.press(Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    assert _line1_cases(worker) == before
    assert page.status.text() == "" and page.errors.shown == []

    kb.type("vader")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Kowalski")
    with qtbot.waitSignal(page.registered, timeout=10_000):
        kb.press(Qt.Key.Key_Return)
    saved = page.status.text()
    assert saved.startswith("Opgeslagen als")
    # The form is cleared for the next caller: Enter, twice, saves nothing more.
    kb.press(Qt.Key.Key_Return)
    kb.press(Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    assert _line1_cases(worker) == before + 1
    assert page.status.text() == saved  # the last save stays in view, nothing else happened


def test_who_calls_alone_is_no_registration_and_the_field_says_so(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window, page = _page(qtbot, worker, sample_cases, people["tmeijer"])
    before = _line1_cases(worker)
    kb = Keyboard(qtbot, window)
    kb.type("moeder")
    kb.press(Qt.Key.Key_Return)
    assert page.errors.text("requester.last_name") == (
        "Vul een naam, een reisbestemming of een notitie in: een lege registratie telt mee"
    )
    assert is_marked(page.name) and window.focusWidget() is page.name
    assert "Niet opgeslagen" in page.status.text()
    kb.type("Jansen")  # the mark goes as soon as the call is complete
    assert page.errors.text("requester.last_name") == "" and not is_marked(page.name)
    assert page.status.text() == ""
    with qtbot.waitSignal(page.registered, timeout=10_000):
        kb.press(Qt.Key.Key_Return)
    assert _line1_cases(worker) == before + 1


def test_a_name_without_who_calls_asks_who_calls(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window, page = _page(qtbot, worker, sample_cases, people["tmeijer"])
    before = _line1_cases(worker)
    kb = Keyboard(qtbot, window)
    kb.press(Qt.Key.Key_Tab)
    kb.type("Jansen")
    kb.press(Qt.Key.Key_Return)
    assert page.errors.text("requester") == "Kies wie er belt"
    assert is_marked(page.caller) and window.focusWidget() is page.caller
    wait_idle(qtbot, worker)
    assert _line1_cases(worker) == before
    kb.type("groot")  # "Grootouder"
    assert page.errors.text("requester") == "" and not is_marked(page.caller)


@pytest.mark.parametrize(
    ("typed", "official", "iso2"),
    [
        ("Engeland", "Verenigd Koninkrijk", "GB"),
        ("Groot-Brittannie", "Verenigd Koninkrijk", "GB"),
        ("VS", "Verenigde Staten", "US"),
        ("Amerika", "Verenigde Staten", "US"),
        ("Dubai", "Verenigde Arabische Emiraten", "AE"),
    ],
)
def test_a_destination_by_the_name_people_use(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
    typed: str,
    official: str,
    iso2: str,
) -> None:
    window, page = _page(qtbot, worker, sample_cases, people["tmeijer"])
    kb = Keyboard(qtbot, window)
    kb.type("vader")
    kb.press(Qt.Key.Key_Tab)
    kb.press(Qt.Key.Key_Tab)
    kb.type(typed)
    assert page.country.echo.text() == f"→ {official}"  # what it understood, beside it
    kb.press(Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: window.focusWidget() is page.note)
    assert page.country.edit.text() == official  # written back by its Dutch name
    with qtbot.waitSignal(page.registered, timeout=10_000) as blocker:
        kb.press(Qt.Key.Key_Return)
    ref = blocker.args[0]
    assert kb.extra_keys == 4
    stored = in_session(worker, lambda s: s.scalar(select(Case.country).where(Case.ref == ref)))
    assert stored == iso2


def test_an_ambiguous_destination_shows_the_choices_and_picks_none(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window, page = _page(qtbot, worker, sample_cases, people["tmeijer"])
    before = _line1_cases(worker)
    kb = Keyboard(qtbot, window)
    kb.type("vader")
    kb.press(Qt.Key.Key_Tab)
    kb.press(Qt.Key.Key_Tab)
    kb.type("Amer")
    popup = page.country.completer.popup()
    assert QApplication.activePopupWidget() is popup
    shown = [page.country.model.item(i).text() for i in range(page.country.model.rowCount())]
    assert shown == [
        "Amerikaans-Samoa",
        "Verenigde Staten — Amerika",
        "Maagdeneilanden, Amerikaanse",
    ]
    assert not popup.currentIndex().isValid()  # nothing chosen for the user
    kb.press(Qt.Key.Key_Tab)  # moves on, but takes none of them
    qtbot.waitUntil(lambda: window.focusWidget() is page.note)
    assert page.country.iso2() is None and page.country.edit.text() == "Amer"
    assert page.errors.text("country").startswith("Meerdere landen passen (Amerikaans-Samoa;")
    assert is_marked(page.country)
    kb.press(Qt.Key.Key_Return)  # not saved: back to the country, with its choices
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is popup)
    assert page.country.model.rowCount() == 3
    kb.press(Qt.Key.Key_Down)
    kb.press(Qt.Key.Key_Down)  # Verenigde Staten
    kb.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.country.iso2() == "US")
    assert page.country.edit.text() == "Verenigde Staten" and not is_marked(page.country)
    with qtbot.waitSignal(page.registered, timeout=10_000):
        kb.press(Qt.Key.Key_Return)
    assert _line1_cases(worker) == before + 1
