"""Start the desktop client."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("ikodesk")
    window.setCentralWidget(QLabel("ikodesk: de desktopapplicatie wordt geladen."))
    window.resize(800, 500)
    window.show()
    return int(app.exec())
