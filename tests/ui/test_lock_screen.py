"""Issue #15, point 10: the lock screen says why it is locked and waits after wrong passwords."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import PASSWORD, make_ctx


def _window(qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor) -> MainWindow:
    window = MainWindow(make_ctx(worker, db, actor), idle_lock_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_ctrl_l_says_it_was_locked_on_purpose(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, sample_cases, people["jdevries"])
    with qtbot.waitSignal(window.locked_changed, timeout=5_000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    reason = window.lock_screen.info.text()
    assert reason.startswith("U heeft ikodesk vergrendeld.")
    assert "een tijd niets is gedaan" not in reason
    with qtbot.waitSignal(window.locked_changed, timeout=10_000):
        qtbot.keyClicks(window.lock_screen.password, PASSWORD)
        qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    # Idle: the other reason.
    with qtbot.waitSignal(window.locked_changed, timeout=5_000):
        window.idle.set_timeout_ms(200)
    assert "een tijd niets is gedaan" in window.lock_screen.info.text()
    window.idle.set_timeout_ms(60_000)


def test_wrong_passwords_make_the_lock_screen_wait_as_the_login_does(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, sample_cases, people["jdevries"])
    window.lock_now()
    screen = window.lock_screen
    for attempt in range(1, 4):
        qtbot.waitUntil(screen.password.isEnabled, timeout=15_000)
        qtbot.keyClicks(screen.password, f"verkeerd-{attempt}")
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda n=attempt: screen.failures == n, timeout=10_000)
    # After the third wrong password: a wait, counted down; Enter does nothing meanwhile.
    assert not screen.password.isEnabled() and not screen.unlock_button.isEnabled()
    assert "kunt u over" in screen.error.text()
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(screen.password.isEnabled, timeout=15_000)
    assert "kunt u over" not in screen.error.text()
    with qtbot.waitSignal(window.locked_changed, timeout=10_000):
        qtbot.keyClicks(screen.password, PASSWORD)
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert screen.failures == 0
