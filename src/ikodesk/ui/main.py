"""Start the desktop client."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ikodesk.ui import i18n, thread_guard
from ikodesk.ui.messages import install_crash_handler, show_error
from ikodesk.ui.worker import DbWorker


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ikodesk")
    app.setOrganizationName("ikodesk")
    app.setApplicationDisplayName("ikodesk")
    thread_guard.set_gui_thread()
    return app


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
    controller.start()
    try:
        return int(app.exec())
    finally:
        worker.stop()
