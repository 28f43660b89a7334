"""Start: the first-run wizard, unlocking (passphrase, recovery key) and login."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard
from pytestqt.qtbot import QtBot

from ikodesk.services import users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.storage import Database, KeyMode, read_key_info
from ikodesk.storage import keys as keymod
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.login import LoginDialog, UnlockDialog, os_username
from ikodesk.ui.main_window import MainWindow
from ikodesk.ui.start import StartController
from ikodesk.ui.wizard import FirstRunWizard
from tests.conftest import TEST_PASSPHRASE
from tests.support.test_keyring import MemoryKeyring
from tests.ui.conftest import PASSWORD, add_users, in_session


def _controller(worker: DbWorker, db: Path | None = None) -> StartController:
    args = argparse.Namespace(db=str(db) if db else None, demo=False, recovery_key=False)
    return StartController(worker, args)


def _current(controller: StartController, kind: type[QWidget]) -> QWidget:
    dialog = controller._dialog
    assert isinstance(dialog, kind), f"expected {kind.__name__}, got {dialog!r}"
    return dialog


def _wait_for(qtbot: QtBot, controller: StartController, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(lambda: isinstance(controller._dialog, kind), timeout=20_000)
    return _current(controller, kind)


def _login(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_first_run_wizard_creates_a_keyring_database_and_its_admin(
    qtbot: QtBot, worker: DbWorker, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    target = tmp_path / "nieuw" / "ikodesk.db"
    controller = _controller(worker, target)
    controller.start()
    wizard = _wait_for(qtbot, controller, FirstRunWizard)
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    assert wizard.start_page.create_new.isChecked()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    page = wizard.location_page
    assert wizard.currentPage() is page
    assert page.use_keyring.isChecked()  # a usable keyring: the recommended mode
    page.path.clear()
    qtbot.keyClicks(page.path, str(target))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    admin = wizard.admin_page
    assert wizard.currentPage() is admin
    admin.username.clear()
    qtbot.keyClicks(admin.username, "fbeheer")
    qtbot.keyClicks(admin.full_name, "F. Beheerder")
    qtbot.keyClicks(admin.password, "kort")
    qtbot.keyClicks(admin.password2, "kort")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert "minstens 12" in admin.error.text()
    assert wizard.currentPage() is admin
    for field in (admin.password, admin.password2):
        field.clear()
        qtbot.keyClicks(field, "Witte-Zwaan-Vliegt-3176")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=20_000)
    recovery = wizard.recovery_page.key.text()
    assert len(keymod.parse_recovery_key(recovery)) == 32
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # the recovery key must be confirmed as saved
    # The last page has the focus where the one thing left to do is (issue #15, point 10).
    assert wizard.focusWidget() is wizard.recovery_page.confirm
    qtbot.keyClick(wizard.recovery_page.confirm, Qt.Key.Key_Space)
    assert wizard.recovery_page.confirm.isChecked() and finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    login = _wait_for(qtbot, controller, LoginDialog)
    assert isinstance(login, LoginDialog)
    assert login.username.text() == "fbeheer"
    assert target.is_file()
    info = read_key_info(target)
    assert info is not None and info.key_mode is KeyMode.KEYRING
    assert memory_keyring.entries  # the key went to the (test) keyring
    with qtbot.waitSignal(controller.logged_in, timeout=20_000) as blocker:
        qtbot.keyClicks(login.password, "Witte-Zwaan-Vliegt-3176")
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.admin_page is not None and window.cases_page is None
    assert "Beheerder" in window.role_label.text()
    assert str(target) in window.db_label.text()


@pytest.mark.slow
def test_wizard_with_a_passphrase_when_there_is_no_keyring(
    qtbot: QtBot, worker: DbWorker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keymod, "keyring_usable", lambda: False)
    target = tmp_path / "ikodesk.db"
    controller = _controller(worker, target)
    controller.start()
    wizard = _wait_for(qtbot, controller, FirstRunWizard)
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    wizard.next()
    page = wizard.location_page
    assert not page.use_keyring.isEnabled() and page.use_passphrase.isChecked()
    qtbot.keyClicks(page.passphrase, "een lange wachtwoordzin")
    qtbot.keyClicks(page.passphrase2, "een andere wachtwoordzin")
    wizard.next()
    assert "niet gelijk" in page.error.text()
    page.passphrase2.clear()
    qtbot.keyClicks(page.passphrase2, "een lange wachtwoordzin")
    wizard.next()
    admin = wizard.admin_page
    qtbot.keyClicks(admin.password, "Witte-Zwaan-Vliegt-3176")
    qtbot.keyClicks(admin.password2, "Witte-Zwaan-Vliegt-3176")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=20_000)
    assert not wizard.recovery_page.key.isVisibleTo(wizard)
    assert "wachtwoordzin" in wizard.recovery_page.text.text()
    info = read_key_info(target)
    assert info is not None and info.key_mode is KeyMode.PASSPHRASE


def test_wizard_opens_an_existing_database(
    qtbot: QtBot, db_path: Path, tmp_path: Path, worker: DbWorker
) -> None:
    Database.create(db_path, passphrase=TEST_PASSPHRASE)[0].close()
    controller = _controller(worker, tmp_path / "elders.db")
    controller.start()
    wizard = _wait_for(qtbot, controller, FirstRunWizard)
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    wizard.start_page.open_existing.setChecked(True)
    qtbot.keyClicks(wizard.start_page.existing_path, str(db_path))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    unlock = _wait_for(qtbot, controller, UnlockDialog)
    assert isinstance(unlock, UnlockDialog)
    assert unlock.use_passphrase.isChecked()


@pytest.mark.slow
def test_unlock_with_passphrase_then_login_with_wrong_and_right_password(
    qtbot: QtBot, db: Database, worker: DbWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_users(db)
    path = db.path
    db.close()
    controller = _controller(worker, path)
    controller.start()
    unlock = _wait_for(qtbot, controller, UnlockDialog)
    assert isinstance(unlock, UnlockDialog)
    qtbot.keyClicks(unlock.secret, "niet de wachtwoordzin")
    qtbot.keyClick(unlock.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: unlock.error.isVisibleTo(unlock), timeout=20_000)
    assert "sleutel is onjuist" in unlock.error.text()
    unlock.secret.clear()
    qtbot.keyClicks(unlock.secret, TEST_PASSPHRASE)
    qtbot.keyClick(unlock.secret, Qt.Key.Key_Return)
    login = _wait_for(qtbot, controller, LoginDialog)
    assert isinstance(login, LoginDialog)

    monkeypatch.setattr(LoginDialog, "FREE_ATTEMPTS", 2)
    _login(qtbot, login, "jdevries", "fout-wachtwoord")
    qtbot.waitUntil(lambda: login.error.isVisibleTo(login), timeout=10_000)
    assert login.error.text() == users.AUTH_FAILED
    assert login.password.text() == "" and login.login_button.isEnabled()
    # The second failure in a row (FREE_ATTEMPTS = 2 here) costs a short wait.
    _login(qtbot, login, "jdevries", "weer-fout")
    qtbot.waitUntil(lambda: "opnieuw proberen" in login.error.text(), timeout=10_000)
    assert not login.login_button.isEnabled() and login.password.isReadOnly()
    qtbot.waitUntil(login.login_button.isEnabled, timeout=5_000)
    with qtbot.waitSignal(controller.logged_in, timeout=20_000) as blocker:
        _login(qtbot, login, "jdevries", PASSWORD)
    window = blocker.args[0]
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert window.cases_page is not None and window.admin_page is None
    assert window.pages.currentWidget() is window.cases_page  # jurists start on the cases


def test_recovery_key_opens_a_keyring_database_on_another_workstation(
    qtbot: QtBot, worker: DbWorker, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "ikodesk.db"
    db, recovery = Database.create(path)
    assert recovery is not None
    db.close()
    memory_keyring.entries.clear()  # another workstation: its keyring has no key
    controller = _controller(worker, path)
    controller.start()
    unlock = _wait_for(qtbot, controller, UnlockDialog)
    assert isinstance(unlock, UnlockDialog)
    assert unlock.use_recovery.isChecked() and "herstelsleutel" in unlock.error.text()
    qtbot.keyClicks(unlock.secret, recovery.replace("-", " "))
    qtbot.keyClick(unlock.secret, Qt.Key.Key_Return)
    _wait_for(qtbot, controller, LoginDialog)
    assert memory_keyring.entries  # remembered for the next start


@pytest.mark.slow
def test_demo_database_is_created_in_the_background_then_login(
    qtbot: QtBot, worker: DbWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikodesk.services import demo
    from ikodesk.ui import start

    real = demo.populate
    monkeypatch.setattr(
        demo,
        "populate",
        lambda db, years, progress=None: real(db, [2024], scale=0.01, progress=progress),
    )
    controller = StartController(worker, argparse.Namespace(db=None, demo=True, recovery_key=False))
    controller.start()
    login = _wait_for(qtbot, controller, LoginDialog)
    assert isinstance(login, LoginDialog)
    qtbot.waitUntil(lambda: not login.is_preparing(), timeout=20_000)  # issue #15, point 7
    with qtbot.waitSignal(controller.logged_in, timeout=20_000) as blocker:
        _login(qtbot, login, "tmeijer", demo.DEMO_PASSWORD)
    window = blocker.args[0]
    qtbot.addWidget(window)
    assert window.line1_page is not None
    assert start.demo_database_path().is_file()
    count = in_session(worker, lambda s: len(users.list_users(s, Actor.key_holder())))
    assert count > 5


@pytest.mark.slow
def test_logout_from_the_lock_screen_returns_to_the_login(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    from ikodesk.ui.context import load_database_facts
    from tests.ui.conftest import in_worker

    people = add_users(db)
    worker.adopt_app(Application(db))
    controller = _controller(worker, db.path)
    controller.facts = in_worker(worker, lambda: load_database_facts(db))
    window = controller.open_main_window(people["jdevries"], "J. de Vries")  # deletes on close
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    qtbot.keyClicks(form.req_last, "Jansen")  # unsaved
    window.lock()
    window.lock_screen.logout_requested.emit()
    box = window.confirm_box
    assert box.isVisible() and "niet-opgeslagen" in box.text()
    box.button(QMessageBox.StandardButton.Discard).click()
    login = _wait_for(qtbot, controller, LoginDialog)
    assert isinstance(login, LoginDialog) and login.username.text() == os_username()
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: controller.main_window is None and not shiboken6.isValid(window))


def test_unlocking_reads_the_key_info_file_once(
    qtbot: QtBot, db: Database, worker: DbWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #12: the key source is decided once per opening (services.application)."""
    from tests.test_maintenance_service import count_key_info_reads

    add_users(db)
    path = db.path
    db.close()
    monkeypatch.setenv("IKODESK_PASSPHRASE", TEST_PASSPHRASE)
    reads = count_key_info_reads(monkeypatch)
    controller = _controller(worker, path)
    controller.start()
    login = _wait_for(qtbot, controller, LoginDialog)
    assert isinstance(login, LoginDialog)
    assert len(reads) == 1, reads
