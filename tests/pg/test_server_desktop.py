"""The desktop client on the office server: connect, log in, a walled case, a lost server."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from ikodesk.errors import WALL_MESSAGE
from ikodesk.models.enums import Role
from ikodesk.services import cases
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
