"""Issue #15, point 7: a fresh demo start shows the login at once, with its accounts, and
makes the database in steps with a percentage; logging in waits until it is ready."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ikodesk.services import demo
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.login import LoginDialog
from ikodesk.ui.start import StartController


def test_the_demo_login_comes_first_and_lists_the_accounts(
    qtbot: QtBot, worker: DbWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = demo.populate
    monkeypatch.setattr(
        demo,
        "populate",
        lambda db, years, progress=None: real(db, [2024], scale=0.02, progress=progress),
    )
    controller = StartController(worker, argparse.Namespace(db=None, demo=True, recovery_key=False))
    controller.start()
    # The login is up before any database work has run, not a bar without a percentage.
    login = controller._dialog
    assert isinstance(login, LoginDialog) and login.isVisible()
    qtbot.addWidget(login)
    assert login.is_preparing() and not login.login_button.isEnabled()
    assert login.preparing_text.text().startswith("De demodatabase wordt aangemaakt: stap 1 van 4")
    accounts = login.demo_info.text()
    for name in ("jdevries", "tmeijer", "mediation", "directie", "beheer", demo.DEMO_PASSWORD):
        assert name in accounts, name
    assert "Werkstudent" in accounts and "Jurist" in accounts
    assert login.username.text() == "jdevries"  # not the computer's account ("root")

    percents: list[int] = []
    steps: list[str] = []
    login.preparing.valueChanged.connect(percents.append)

    def sample() -> bool:
        steps.append(login.preparing_text.text())
        return not login.is_preparing()

    # Typing meanwhile is fine; Enter does not log in before the database is ready.
    qtbot.keyClicks(login.password, demo.DEMO_PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert controller.main_window is None
    qtbot.waitUntil(sample, timeout=30_000)
    assert percents == sorted(percents) and percents[-1] >= 60
    assert any("stap 3 van 4" in s or "stap 4 van 4" in s for s in steps)
    assert login.login_button.isEnabled() and not login.preparing.isVisible()
    with qtbot.waitSignal(controller.logged_in, timeout=20_000) as blocker:
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    window = blocker.args[0]
    qtbot.addWidget(window)
    assert window.ctx.actor.username == "jdevries"


def test_the_steps_of_the_demo_move_forward_only() -> None:
    assert demo.overall_percent("aanmaken", 0, 1) == (1, 0)
    assert demo.overall_percent("lezen", 5000, 10000) == (2, 15)
    assert demo.overall_percent("controleren", 10, 10) == (3, 60)
    assert demo.overall_percent("schrijven", 1, 1) == (4, 97)
    # The reading step's total is an estimate: past it, the step is simply full.
    assert demo.overall_percent("lezen", 20000, 10000) == (2, 28)
    assert demo.estimated_records([2025], 1.0, demo.date(2025, 12, 31)) == 35_000
    assert demo.demo_accounts()[:2] == [("jdevries", "jurist"), ("tmeijer", "student")]
