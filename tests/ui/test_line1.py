"""Line 1 quick registration, driven by the keyboard only, with the keys counted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import Case, Contact
from ikodesk.models.enums import Channel, Party, RequesterKind
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.context import AppContext
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx, wait_idle

MAX_EXTRA_KEYS = 8


class Keyboard:
    """Types into whatever has the focus; counts every key that is not text."""

    def __init__(self, qtbot: QtBot, window: QWidget) -> None:
        self.qtbot = qtbot
        self.window = window
        self.extra_keys = 0

    def focus(self) -> QWidget:
        # Keys go where a real keyboard sends them: an open popup first (the completer).
        # (The window's own focus widget: offscreen, a closed popup does not hand the
        # activation back to the window, so QApplication.focusWidget() may lag.)
        widget = QApplication.activePopupWidget() or self.window.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.extra_keys += 1
        self.qtbot.keyClick(self.focus(), key, modifier)


def _student_window(qtbot: QtBot, worker: DbWorker, db: Database, student: Actor) -> MainWindow:
    ctx: AppContext = make_ctx(worker, db, student, "T. Meijer")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.mark.slow
def test_line1_registration_by_keyboard_only(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _student_window(qtbot, worker, sample_cases, people["tmeijer"])
    page = window.line1_page
    assert page is not None
    # Start somewhere else, to show Ctrl+N works from anywhere.
    window.show_page(window.cases_page)
    assert window.cases_page is not None
    window.cases_page.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cases_page.search)

    kb = Keyboard(qtbot, window)
    kb.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.focusWidget() is page.caller)
    kb.type("vader")  # the caller combo jumps to "Vader"
    kb.press(Qt.Key.Key_Tab)
    kb.type("Kowalski")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Turkije")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Paspoort voor de zomervakantie, moeder woont in Delft")
    with qtbot.waitSignal(page.registered, timeout=10_000) as blocker:
        kb.press(Qt.Key.Key_Return)
    ref = blocker.args[0]
    assert kb.extra_keys <= MAX_EXTRA_KEYS, f"{kb.extra_keys} keys beyond the text"
    assert kb.extra_keys == 5  # Ctrl+N, Tab, Tab, Tab, Enter

    # The form is clear and ready for the next caller; the registration is listed.
    assert page.name.text() == "" and page.note.text() == "" and page.country.iso2() is None
    assert page.caller.currentIndex() == 0
    assert window.focusWidget() is page.caller
    qtbot.waitUntil(
        lambda: page.recent_model.rowCount() > 0 and page.recent_model.items[0].ref == ref
    )
    assert ref in page.status.text()

    def stored(s):  # type: ignore[no-untyped-def]
        case = s.scalar(select(Case).where(Case.ref == ref))
        contact = s.scalar(select(Contact).where(Contact.case_id == case.id))
        req = case.requester
        return (
            case.line,
            case.country,
            case.summary,
            case.handler.username,
            req.kind,
            req.relation,
            req.last_name,
            contact.channel,
            contact.party,
        )

    assert in_session(worker, stored) == (
        1,
        "TR",
        "Paspoort voor de zomervakantie, moeder woont in Delft",
        "tmeijer",
        RequesterKind.PARENT,
        "father",
        "Kowalski",
        Channel.PHONE,
        Party.PARENT,
    )

    # The next caller, a professional, with the country completed from three letters.
    # (A combo's type-ahead joins keys typed within the input interval: no caller follows
    # the previous one that fast.)
    qtbot.wait(QApplication.keyboardInputInterval() + 100)
    kb.type("prof")  # "Professional: Jeugdzorg"
    kb.press(Qt.Key.Key_Tab)
    kb.press(Qt.Key.Key_Tab)
    kb.type("Marok")  # type-ahead: the list shows the one country that fits
    assert QApplication.activePopupWidget() is page.country.completer.popup()
    assert page.country.model.rowCount() == 1
    assert page.country.echo.text() == "→ Marokko"  # what it understood, while typing
    kb.press(Qt.Key.Key_Tab)  # closes the list, completes, moves on to the note
    qtbot.waitUntil(lambda: window.focusWidget() is page.note)
    assert page.country.iso2() == "MA"
    with qtbot.waitSignal(page.registered, timeout=10_000) as blocker:
        kb.press(Qt.Key.Key_Return)
    second = blocker.args[0]
    qtbot.waitUntil(lambda: page.recent_model.items[0].ref == second)
    assert page.recent_model.items[0].requester == "Jeugdzorg"
    assert page.recent_model.items[0].country_name == "Marokko"


def test_unknown_country_is_not_saved(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _student_window(qtbot, worker, sample_cases, people["tmeijer"])
    page = window.line1_page
    assert page is not None
    window.new_line1()
    qtbot.keyClicks(page.caller, "moeder")
    qtbot.keyClicks(page.country.edit, "Atlantis")
    qtbot.keyClick(page.note, Qt.Key.Key_Return)
    assert page.errors.text("country") == "Onbekend land: kies een land uit de lijst"
    assert "Niet opgeslagen" in page.status.text()
    wait_idle(qtbot, worker)
    assert [r.ref for r in page.recent_model.items] == ["2024-L1-00001"]  # nothing new


def test_reopen_a_recent_registration_to_add_a_contact(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _student_window(qtbot, worker, sample_cases, people["tmeijer"])
    page = window.line1_page
    assert page is not None
    window.new_line1()
    qtbot.waitUntil(lambda: page.recent_model.rowCount() == 1)  # 2024-L1-00001 of tmeijer
    page.recent.setFocus()
    page.recent.setCurrentIndex(page.recent_model.index(0, 0))
    qtbot.keyClick(page.recent, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(page, "contact_dialog", None) is not None)
    dialog = page.contact_dialog
    assert dialog.channel.currentData() == "phone" and dialog.party.currentData() == "parent"
    qtbot.keyClicks(dialog.summary, "Terugbelverzoek afgehandeld")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    def contacts(s):  # type: ignore[no-untyped-def]
        case = s.scalar(select(Case).where(Case.ref == "2024-L1-00001"))
        return [c.summary for c in case.contacts]

    assert in_session(worker, contacts) == ["Terugbelverzoek afgehandeld"]
