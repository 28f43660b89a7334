"""The desktop client on the office server: connect, log in, a walled case, Line 1, the
reports, a server that cannot be reached at login or goes away with an edit typed.

Server-only: the files' desktop flows are in tests/ui; these are the server's (its
references, its logins' figures, its connections dropping).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from ikodesk.errors import WALL_MESSAGE
from ikodesk.models.enums import Role
from ikodesk.services import cases
from ikodesk.services.application import default_database_path
from ikodesk.services.validation.parsing import parse_case
from ikodesk.ui import i18n
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.login import LoginDialog
from ikodesk.ui.main_window import MainWindow
from ikodesk.ui.start import SETTINGS_SERVER, StartController
from ikodesk.ui.wizard import FirstRunWizard
from tests.support import family as F
from tests.support import records as R
from tests.support.office import PASSWORD, Office
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import wait_idle
from tests.ui.test_line1 import Keyboard
from tests.ui.test_start import _login, _wait_for

# The desktop tests' own fixtures: a running worker, no database work on the GUI thread.
worker = ui_fixtures.worker
_gui_thread_guard = ui_fixtures._no_database_on_the_gui_thread


@pytest.fixture(autouse=True)
def _no_remembered_server() -> Iterator[None]:
    i18n.settings().remove(SETTINGS_SERVER)
    yield
    i18n.settings().remove(SETTINGS_SERVER)


def test_connect_to_the_office_server_from_the_wizard(
    qtbot: QtBot, office: Office, worker: DbWorker, tmp_path: Any
) -> None:
    for name, role in (("jdevries", Role.JURIST), ("kvisser", Role.JURIST)):
        office.add_user(name, role)
    for name, record in (("jdevries", R.ABDUCTION_CASE), ("kvisser", F.FATHER_CASE)):
        app = office.app(name)
        with app.db.transaction() as s:
            cases.create_case(s, office.actor(app), parse_case(record))
    args = argparse.Namespace(db=str(tmp_path / "geen.db"), demo=False, recovery_key=False)
    controller = StartController(worker, args)
    controller.start()
    wizard = _wait_for(qtbot, controller, FirstRunWizard)  # the controller owns it
    wizard.start_page.connect_server.setChecked(True)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    page = wizard.server_page
    assert wizard.currentPage() is page
    qtbot.keyClicks(page.host, office.cluster.host)
    page.port.setValue(office.cluster.port)
    page.database.clear()
    qtbot.keyClicks(page.database, office.database)
    assert "op deze computer zelf" in page.rule.text().lower()  # loopback: prefer
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    dialog = _wait_for(qtbot, controller, LoginDialog)
    assert i18n.settings().value(SETTINGS_SERVER) == office.url  # remembered per workstation
    _login(qtbot, dialog, "jdevries", "fout-wachtwoord")
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=30_000)
    assert "Onbekende gebruikersnaam of onjuist wachtwoord" in dialog.error.text()
    _login(qtbot, dialog, "jdevries", PASSWORD)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=30_000)
    window = controller.main_window
    assert isinstance(window, MainWindow)
    assert office.database in window.db_label.text()

    # The walled case: refused with the policy's message, no window, nothing of it shown.
    father_id = _case_id(office, F.FATHER_REF)
    window.open_case(father_id)
    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox)), timeout=30_000)
    (box,) = window.findChildren(QMessageBox)
    assert box.text() == WALL_MESSAGE
    for secret in F.FATHER_SECRETS:
        assert secret not in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not window.case_windows, timeout=30_000)

    # The own case opens, claimed on the server, with its people.
    form = window.open_case(_case_id(office, F.MOTHER_REF))
    qtbot.waitUntil(lambda: form.ref == F.MOTHER_REF and not form.is_loading(), timeout=30_000)
    assert "Kowalska" in form.requester.person.last.text()
    assert form.conflict_badge.isVisibleTo(form)
    form.discard_and_close()
    window.close()


def _case_id(office: Office, ref: str) -> int:
    import psycopg

    with psycopg.connect(office.superuser_url) as conn:
        row = conn.execute("SELECT id FROM cases WHERE ref = %s", (ref,)).fetchone()
    assert row is not None
    return int(row[0])


def test_an_unreachable_server_is_said_plainly_and_keeps_the_input(
    qtbot: QtBot, office: Office, worker: DbWorker
) -> None:
    office.add_user("jdevries", Role.JURIST)
    url = f"postgresql://127.0.0.1:1/{office.database}"  # nothing listens on port 1
    controller = StartController(worker, argparse.Namespace(db=url, demo=False, recovery_key=False))
    controller.start()
    dialog = _wait_for(qtbot, controller, LoginDialog)
    _login(qtbot, dialog, "jdevries", PASSWORD)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=30_000)
    assert "127.0.0.1:1" in dialog.error.text() and "niet bereikbaar" in dialog.error.text()
    assert dialog.username.text() == "jdevries"
    assert controller.main_window is None and controller.facts is None  # no local file
    # Asked again, against a server that answers: in.
    controller.server_url = office.url
    _login(qtbot, dialog, "jdevries", PASSWORD)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=30_000)
    assert controller.main_window is not None
    controller.main_window.close()


# -- the main flows after logging in: Line 1, reports, the server dropping away ----------


def _logged_in(qtbot: QtBot, office: Office, worker: DbWorker, username: str) -> MainWindow:
    """Start on the office server's address and log in through the login dialog."""
    args = argparse.Namespace(db=office.url, demo=False, recovery_key=False)
    controller = StartController(worker, args)
    controller.start()
    dialog = _wait_for(qtbot, controller, LoginDialog)
    assert isinstance(dialog, LoginDialog)
    _login(qtbot, dialog, username, PASSWORD)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=30_000)
    window = controller.main_window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert controller.path is None and controller.facts is not None
    assert controller.facts.path is None and controller.facts.on_server  # no file behind it
    assert office.database in window.db_label.text()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _local_files() -> set[Path]:
    """Every file under this test's user folders (data, settings, cache, state)."""
    home = Path(os.environ["XDG_DATA_HOME"]).parent
    return {p for p in home.rglob("*") if p.is_file()}


def _no_database_file_appeared(before: set[Path]) -> None:
    new = _local_files() - before
    assert not [p for p in new if ".db" in p.name or p.suffix in {".sqlite", ".keyinfo"}], new
    assert not default_database_path().exists()


def _on_server(office: Office, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """The test's own look at the server, as superuser (never what a user gets)."""
    import psycopg

    with psycopg.connect(office.superuser_url) as conn:
        return list(conn.execute(sql, params).fetchall())


def test_line1_registration_on_the_server_by_keyboard(
    qtbot: QtBot, office: Office, worker: DbWorker
) -> None:
    office.add_user("tmeijer", Role.STUDENT)
    before = _local_files()
    window = _logged_in(qtbot, office, worker, "tmeijer")
    page = window.line1_page
    assert page is not None
    kb = Keyboard(qtbot, window)
    kb.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.focusWidget() is page.caller)
    kb.type("vader")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Kowalski")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Turkije")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Paspoort voor de zomervakantie")
    with qtbot.waitSignal(page.registered, timeout=15_000) as blocker:
        kb.press(Qt.Key.Key_Return)
    ref = blocker.args[0]
    assert kb.extra_keys == 5  # Ctrl+N, Tab, Tab, Tab, Enter: as on a file

    # The reference is the server's (its sequence), the case and its call are there.
    assert re.fullmatch(rf"{date.today().year}-L1-\d{{5}}", ref)
    assert _on_server(
        office,
        "SELECT c.line, c.country, u.username, n.summary, count(k.id) FROM cases c"
        " JOIN users u ON u.id = c.handler_id JOIN case_notes n ON n.case_id = c.id"
        " JOIN contacts k ON k.case_id = c.id WHERE c.ref = %s"
        " GROUP BY c.line, c.country, u.username, n.summary",
        ref,
    ) == [(1, "TR", "tmeijer", "Paspoort voor de zomervakantie", 1)]
    # The recent registrations show it; the form is clear for the next caller.
    qtbot.waitUntil(
        lambda: page.recent_model.rowCount() > 0 and page.recent_model.items[0].ref == ref,
        timeout=15_000,
    )
    assert page.recent_model.items[0].country_name == "Turkije"
    assert ref in page.status.text() and page.name.text() == ""
    assert window.focusWidget() is page.caller

    # The next caller while the server is down: said plainly, the call typed stays;
    # Enter again once it is back registers it, on a new connection.
    qtbot.wait(QApplication.keyboardInputInterval() + 100)  # (the combo's type-ahead)
    kb.type("moeder")
    kb.press(Qt.Key.Key_Tab)
    kb.type("Jansen")
    with office.cluster.down():
        kb.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not page._saving, timeout=15_000)
        said = page.status.text()
        assert said.startswith("Niet opgeslagen; uw invoer staat nog in dit venster.")
        assert f"{office.cluster.host}:{office.cluster.port}" in said and "niet bereikbaar" in said
        assert page.name.text() == "Jansen" and page.caller.currentText() == "Moeder"
    with qtbot.waitSignal(page.registered, timeout=15_000) as blocker:
        kb.press(Qt.Key.Key_Return)
    assert _on_server(
        office,
        "SELECT u.username FROM cases c JOIN users u ON u.id = c.handler_id WHERE c.ref = %s",
        blocker.args[0],
    ) == [("tmeijer",)]
    _no_database_file_appeared(before)
    window.close()


def test_reports_on_the_server_show_the_managers_figures_and_make_the_pdf(
    qtbot: QtBot, office: Office, worker: DbWorker
) -> None:
    from pypdf import PdfReader

    from ikodesk.services.figures import compute_figures
    from ikodesk.ui.reports.figures_view import figure
    from tests.support.backends import Backend

    turkish = R.case(
        ref="2024-L2-00018",
        opened="2024-06-01",
        closed=...,
        close_reason=...,
        country="TR",
        handler="kvisser",
        requester={"kind": "parent", "relation": "father", "side": "taking", "last_name": "Öz"},
        other_parent=...,
        children=[{"first_name": "Can", "birth_date": "2015-01-01"}],
    )
    # A Line 1 call in January: records count from 2024 (else the year shows dashes).
    january = {
        "type": "case",
        "ref": "2024-L1-00001",
        "line": 1,
        "code": "travel_consent",
        "opened": "2024-01-02",
        "handler": "tmeijer",
        "requester": {"kind": "parent", "relation": "mother", "last_name": "Jansen"},
    }
    cases = (R.ABDUCTION_CASE, R.CONTACT, turkish, january)
    Backend("server", office=office).load(*R.USERS, *cases)
    office.add_user("directie", Role.MANAGER)
    window = _logged_in(qtbot, office, worker, "directie")
    page = window.reports_page
    assert page is not None and window.pages.currentWidget() is page  # managers start here
    page.year.setValue(2024)
    page.show_button.click()
    qtbot.waitUntil(lambda: page.data is not None and page.data["year"] == 2024, timeout=15_000)
    data = page.data
    assert data is not None

    # What the screen shows is what the figures are for this manager's own login.
    manager = office.app("directie")
    with manager.db.session() as s:
        expected = compute_figures(s, office.actor(manager), 2024)
    for key in ("cases.total", "cases.line2", "contacts.total", "abduction.children"):
        assert figure(data["current"], key) == figure(expected, key), key
    assert {k: v for k, v in data["current"].items() if k != "year"} == {
        k: v for k, v in expected.items() if k != "year"
    }
    assert figure(expected, "cases.total") == 3 and figure(expected, "contacts.total") == 1
    assert "2024: 3 zaken (lijn 1: 1, lijn 2: 2), 1 contactmoment." in page.status.text()

    # The annual report, made on the worker from the server's figures.
    page.annual_button.click()
    qtbot.waitUntil(lambda: page.pdf_path is not None, timeout=15_000)
    assert page.pdf_path is not None
    pages = [p.extract_text() for p in PdfReader(page.pdf_path).pages]
    assert pages[0].startswith("Jaarverslag 2024")
    assert "3\nzaken\n1\ncontactmoment\n2\nnieuwe" in pages[0]  # the cover's key figures
    assert "In 2024 zijn er in totaal 3 zaken geregistreerd." in " ".join(pages).replace("\n", " ")
    window.close()


SCREENSHOT = Path("/tmp/h13_server_lost_case_window.png")


def test_the_server_dropping_mid_session_keeps_the_typed_edit_and_saves_on_retry(
    qtbot: QtBot, office: Office, worker: DbWorker
) -> None:
    import psycopg

    from ikodesk.ui.cases.case_form import CaseWindow

    office.add_user("jdevries", Role.JURIST)
    app = office.app("jdevries")
    with app.db.transaction() as s:
        cases.create_case(s, office.actor(app), parse_case(R.ABDUCTION_CASE))
    before = _local_files()
    window = _logged_in(qtbot, office, worker, "jdevries")
    unhandled: list[BaseException] = []  # a crash dialog in the application
    worker.unhandled_error.connect(unhandled.append)
    form = window.open_case(_case_id(office, R.ABDUCTION_CASE["ref"]))
    assert isinstance(form, CaseWindow)
    qtbot.waitUntil(lambda: form.ref is not None and not form.is_loading(), timeout=15_000)
    summary = form.summary

    def type_in_summary(text: str) -> None:
        summary.setFocus()
        summary.moveCursor(summary.textCursor().MoveOperation.End)
        qtbot.keyClicks(summary, text)
        # The form's own checks after a pause (validation, the family check) are done.
        qtbot.waitUntil(lambda: not form._validate_timer.isActive(), timeout=5_000)
        qtbot.wait(600)
        wait_idle(qtbot, worker)

    def save() -> str:
        """Ctrl+S in the form, as the user presses it; what the form then says."""
        qtbot.keyClick(summary, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert form._saving
        qtbot.waitUntil(lambda: not form._saving, timeout=15_000)
        return form.message.text() if form.message.isVisible() else ""

    def stored_summary() -> str:
        ((text,),) = _on_server(
            office,
            "SELECT n.summary FROM cases c JOIN case_notes n ON n.case_id = c.id WHERE c.ref = %s",
            R.ABDUCTION_CASE["ref"],
        )
        return str(text)

    # 1. The server ends this login's connections but still answers: the save goes
    # through on a fresh connection; there is nothing to tell.
    type_in_summary(" Vader belt maandag terug.")
    with psycopg.connect(office.superuser_url, autocommit=True) as su:
        (ended,) = su.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE usename = 'jdevries'"
        ).fetchone() or (0,)
    assert ended >= 1
    assert save() == "Opgeslagen." and not form.is_dirty()
    assert stored_summary().endswith("Vader belt maandag terug.")

    # 2. The server goes away with an edit typed: said plainly (which server, what to
    # check), the edit stays in the form, nothing is written anywhere else.
    type_in_summary(" Moeder stuurt de beschikking.")
    typed = summary.toPlainText()
    server = f"{office.cluster.host}:{office.cluster.port}"
    with office.cluster.down():
        said = save()
        assert server in said and office.database in said, said
        assert said.startswith("Niet opgeslagen; uw invoer staat nog in dit venster.")
        assert "niet bereikbaar" in said and "Controleer of de server aanstaat" in said
        assert "lokaal bestand" in said  # and it does not go on with one
        assert re.search(r"refused|failed|connection", said) is None, said  # no driver English
        assert summary.toPlainText() == typed and form.is_dirty()
        assert form.save_button.isEnabled()  # asking again is possible
        assert not window.findChildren(QMessageBox) and not form.findChildren(QMessageBox)
        form.grab().save(str(SCREENSHOT))
        assert save() == said  # asked again while it is still down: the same answer
        # Typing on meanwhile: the form's own checks cannot reach the server either;
        # the form says so in its line, no message box per pause in the typing.
        type_in_summary(" Bellen")
        typed = summary.toPlainText()
        assert form.message.text() == said and unhandled == []
    # Back: the same Ctrl+S saves it, on a new connection.
    assert save() == "Opgeslagen." and not form.is_dirty()
    assert stored_summary() == typed
    assert unhandled == []
    assert office.database in window.db_label.text()
    _no_database_file_appeared(before)
    form.discard_and_close()
    window.close()
