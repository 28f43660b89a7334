"""Idle lock (input kept), Beheer (users, backup, settings) and the languages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import Case, User
from ikodesk.models.enums import Role
from ikodesk.services import app_settings, users
from ikodesk.services.actors import Actor
from ikodesk.services.logins import AUTH_FAILED
from ikodesk.storage import Database
from ikodesk.ui import i18n
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.conftest import TEST_PASSPHRASE
from tests.ui.conftest import PASSWORD, in_session, make_ctx


@pytest.mark.slow
def test_idle_lock_hides_everything_and_keeps_unsaved_input(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    # A long idle time while the case loads (a slow load must not lock the screen
    # before the test waits for it), then a short one with no input at all.
    window = MainWindow(make_ctx(worker, sample_cases, people["jdevries"]), idle_lock_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    case_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == "2024-L2-00017"))
    )
    form = window.open_case(case_id)
    qtbot.waitUntil(lambda: form.ref == "2024-L2-00017")
    qtbot.keyClicks(form.summary, " Nog niet opgeslagen aantekening.")
    assert form.is_dirty()

    assert not window.locked
    with qtbot.waitSignal(window.locked_changed, timeout=5_000) as blocker:
        window.idle.set_timeout_ms(300)  # no input from here on: the timer runs out
    assert blocker.args == [True]
    assert window.outer.currentWidget() is window.lock_screen
    assert not window.content.isVisible() and not form.isVisible()
    assert not window.menuBar().isEnabled()
    # Shortcuts do nothing while locked.
    window.new_line1()
    window.focus_search()
    assert window.outer.currentWidget() is window.lock_screen

    qtbot.keyClicks(window.lock_screen.password, "verkeerd")
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen.error.isVisibleTo(window), timeout=10_000)
    assert window.lock_screen.error.text() == AUTH_FAILED  # the one answer, delay and lock included
    assert window.locked

    with qtbot.waitSignal(window.locked_changed, timeout=10_000) as blocker:
        qtbot.keyClicks(window.lock_screen.password, PASSWORD)
        qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert blocker.args == [False]
    assert window.content.isVisible() and form.isVisible()
    assert form.is_dirty()
    assert "Nog niet opgeslagen aantekening." in form.summary.toPlainText()
    window.idle.set_timeout_ms(60_000)


def test_a_case_that_loads_while_locked_shows_after_the_unlock(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    """A case window shows once its case has loaded: never over the lock screen."""
    window = MainWindow(make_ctx(worker, sample_cases, people["jdevries"]))
    qtbot.addWidget(window)
    window.show()
    case_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == "2024-L2-00017"))
    )
    form = window.open_case(case_id)
    assert not form.isVisible()  # loading
    window.lock()
    qtbot.waitUntil(lambda: form.ref == "2024-L2-00017")
    assert not form.isVisible()
    window.unlock_done()
    assert form.isVisible()
    assert window.open_case(case_id) is form  # the open window, not a second one


@pytest.mark.slow
def test_admin_users_backup_and_idle_setting(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
    tmp_path: Path,
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["beheer"], "F. Beheerder"))
    qtbot.addWidget(window)
    window.show()
    page = window.admin_page
    assert page is not None and window.pages.currentWidget() is page
    assert window.cases_page is None and window.line1_page is None  # no dossiers for admins
    qtbot.waitUntil(lambda: page.users_model.rowCount() == 5)

    # Add a student.
    dialog = page.add_user()
    qtbot.keyClicks(dialog.username, "ebos")
    qtbot.keyClicks(dialog.name, "E. Bos")
    dialog.role.setCurrentIndex(dialog.role.findData("student"))
    qtbot.keyClicks(dialog.password, "kort")
    qtbot.keyClicks(dialog.password2, "kort")
    qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "minstens 12" in dialog.error.text(), timeout=10_000)
    for field in (dialog.password, dialog.password2):
        field.clear()
        qtbot.keyClicks(field, "Bruine-Beer-Slaapt-9753")
    qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.users_model.rowCount() == 6, timeout=10_000)
    row = [u.username for u in page.users_model.items].index("ebos")
    assert page.users_model.data(page.users_model.index(row, 2)) == "Werkstudent"

    # Deactivate, after confirming.
    page.users_view.setCurrentIndex(page.users_model.index(row, 0))
    page.toggle_active()
    box = page.findChild(QMessageBox, "question")
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(
        lambda: not page.users_model.items[row].active if page.users_model.items else False,
        timeout=10_000,
    )
    assert page.users_model.data(page.users_model.index(row, 3)) == "gedeactiveerd"

    # Reset a password.
    row = [u.username for u in page.users_model.items].index("tmeijer")
    page.users_view.setCurrentIndex(page.users_model.index(row, 0))
    dialog = page.reset_password()
    assert dialog is not None and dialog.username.text() == "tmeijer"
    qtbot.keyClicks(dialog.password, "Zilveren-Maan-Schijnt-1357")
    qtbot.keyClicks(dialog.password2, "Zilveren-Maan-Schijnt-1357")
    qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10_000)  # closed

    def check(s):  # type: ignore[no-untyped-def]
        active = s.scalar(select(User.active).where(User.username == "ebos"))
        actor = users.authenticate(s, "tmeijer", "Zilveren-Maan-Schijnt-1357")
        return active, actor.role

    assert in_session(worker, check) == (False, Role.STUDENT)

    # Backup now: an encrypted copy that opens with the same key.
    page.tabs.setCurrentIndex(2)
    dest = tmp_path / "kopie.db"
    page.backup_path.setText(str(dest))
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Back-up gemaakt" in page.backup_status.text(), timeout=20_000)
    assert dest.is_file() and b"SQLite format 3" not in dest.read_bytes()[:16]
    copy = Database.open(dest, passphrase=TEST_PASSPHRASE)
    copy.close()
    # A second backup to the same file is refused in plain Dutch.
    page.backup_path.setText(str(dest))
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "bestaat al" in page.backup_status.text(), timeout=20_000)

    # Idle lock for every workstation.
    page.idle_minutes.setValue(5)
    qtbot.mouseClick(
        page.findChild(type(page.backup_button), "saveIdle"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: window.idle.timeout_ms == 5 * 60_000, timeout=10_000)
    assert in_session(worker, app_settings.idle_lock_minutes) == 5

    # Reference data: countries with their Hague status.
    page.countries_filter.setText("polen")
    assert page.countries_model.rowCount() == 1
    cells = [page.countries_model.data(page.countries_model.index(0, c)) for c in range(5)]
    assert cells[:3] == ["Polen", "PL", "ja"] and cells[4] == "ja"
    assert "Locatie" in [w.text() for w in page.findChildren(type(page.backup_status))]


def test_dutch_without_translations_and_english_from_the_ts(qtbot: QtBot) -> None:
    assert i18n.apply_language("nl") == "nl"
    assert QCoreApplication.translate("CasesPage", "Zaken") == "Zaken"
    assert i18n.apply_language("en") == "en"
    try:
        assert QCoreApplication.translate("CasesPage", "Zaken") == "Cases"
        assert QCoreApplication.translate("LoginDialog", "&Wachtwoord") == "&Password"
        from ikodesk.models.enums import CaseCode

        assert i18n.enum_label(CaseCode.PREVENTION) == "Prevention"
    finally:
        i18n.apply_language("nl")
    assert QCoreApplication.translate("CasesPage", "Zaken") == "Zaken"


def test_beheer_reminds_of_the_anchor_makes_one_and_unlocks_a_user(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    """Issue #11 points 11 and 14 in the desktop client."""
    from ikodesk.services import audit_anchor, logins
    from ikodesk.ui.admin.admin_security import AnchorCodeDialog

    def lock_jdevries(s):  # type: ignore[no-untyped-def]
        user = s.scalar(select(User).where(User.username == "jdevries"))
        user.failed_logins = logins.LOCK_AFTER
        user.locked_until = logins.utc_now() + timedelta(minutes=10)

    ctx = make_ctx(worker, sample_cases, people["beheer"], "F. Beheerder")
    in_session(worker, lock_jdevries)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.admin_page
    assert page is not None and page.anchor_box is not None
    box = page.anchor_box
    # No anchor yet: a visible reminder.
    qtbot.waitUntil(lambda: "nog nooit" in box.status_label.text(), timeout=10_000)
    assert box.due and box.make_button.isVisible()

    box.make_button.click()
    qtbot.waitUntil(lambda: box.dialog is not None, timeout=10_000)
    dialog = box.dialog
    assert isinstance(dialog, AnchorCodeDialog)
    code = dialog.code.text()
    anchor = audit_anchor.parse(code)
    qtbot.waitUntil(lambda: "Laatste anker" in box.status_label.text(), timeout=10_000)
    assert not box.due
    assert in_session(worker, lambda s: audit_anchor.verify_anchor(s, anchor).ok)
    dialog.accept()

    # The locked user shows as such, and "Vrijgeven" lets them log in again.
    qtbot.waitUntil(lambda: page.users_model.rowCount() == 5)
    row = [u.username for u in page.users_model.items].index("jdevries")
    assert page.users_model.data(page.users_model.index(row, 3)).startswith("vergrendeld")
    page.users_view.setCurrentIndex(page.users_model.index(row, 0))
    page.unlock_user()
    qtbot.waitUntil(
        lambda: not page.users_model.items[row].locked if page.users_model.items else False,
        timeout=10_000,
    )
    actor = in_session(worker, lambda s: users.authenticate(s, "jdevries", PASSWORD))
    assert actor.username == "jdevries"
