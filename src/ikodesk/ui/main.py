"""Start the desktop client."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ikodesk.resources import resource_path
from ikodesk.ui import i18n
from ikodesk.ui.common import thread_guard
from ikodesk.ui.common.messages import install_crash_handler, show_error
from ikodesk.ui.common.worker import DbWorker

if TYPE_CHECKING:
    from ikodesk.ui.start import StartController


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ikodesk")
    app.setOrganizationName("ikodesk")
    app.setApplicationDisplayName("ikodesk")
    app.setDesktopFileName("ikodesk")  # matches installer/linux/ikodesk.desktop
    icon = resource_path("icons", "ikodesk.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    thread_guard.set_gui_thread()
    return app


STARTUP_PROBE_ENV = "IKODESK_STARTUP_PROBE"


def _install_startup_probe(app: QApplication, controller: StartController, path: Path) -> None:
    """Measurement hook (installer smoke test, benchmarks/bench_start.py): once the login
    window has been painted, create the file `path` ("login shown"); when that login is
    still waiting for a new demo database, add "ready" once it may log in; then quit.
    The caller times the file's lines."""
    from PySide6.QtCore import QTimer

    from ikodesk.ui.login import LoginDialog

    def shown(dialog: object) -> None:
        if not isinstance(dialog, LoginDialog):
            return
        dialog.repaint()
        path.write_text("login shown\n", encoding="utf-8")
        if not dialog.is_preparing():
            QTimer.singleShot(0, app.quit)  # (shown before the event loop runs, too)
            return
        timer = QTimer(dialog)

        def ready() -> None:
            if not dialog.is_preparing():
                timer.stop()
                with path.open("a", encoding="utf-8") as f:
                    f.write("ready\n")
                app.quit()

        timer.timeout.connect(ready)
        timer.start(50)

    controller.dialog_shown.connect(shown)


def run_gui(args: argparse.Namespace) -> int:
    from ikodesk.ui.start import StartController

    app = make_application()
    install_crash_handler()
    i18n.apply_language(i18n.saved_language())
    worker = DbWorker()
    worker.unhandled_error.connect(lambda exc: show_error(None, exc))
    worker.start()
    controller = StartController(worker, args)
    controller.quit_requested.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    probe = os.environ.get(STARTUP_PROBE_ENV)
    if probe:
        _install_startup_probe(app, controller, Path(probe))
    controller.start()
    try:
        return int(app.exec())
    finally:
        worker.stop()
