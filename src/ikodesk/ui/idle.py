"""Locking after idle time: the window hides its contents until the password is given again.

Nothing is closed or reset while locked, so unsaved input stays where it was.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` after `timeout_ms` without keyboard or mouse input in the application."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout_ms(self, ms: int) -> None:
        self._timer.setInterval(ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()


class LockScreen(QWidget):
    unlock_requested = Signal(str)
    logout_requested = Signal()

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        box = QWidget()
        box.setFixedWidth(max(460, self.fontMetrics().averageCharWidth() * 60))
        layout = QVBoxLayout(box)
        title = QLabel(self.tr("ikodesk is vergrendeld"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        info = QLabel(
            self.tr(
                "De inhoud is verborgen omdat er een tijd niets is gedaan. Uw niet-opgeslagen "
                "invoer is bewaard. Ingelogd als {0}."
            ).format(who)
        )
        info.setWordWrap(True)
        layout.addWidget(info)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("wachtwoord"))
        self.password.returnPressed.connect(self._submit)
        layout.addWidget(self.password)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.unlock_button = QPushButton(self.tr("&Ontgrendelen"))
        self.unlock_button.clicked.connect(self._submit)
        logout = QPushButton(self.tr("&Afmelden"))
        logout.clicked.connect(self.logout_requested)
        row.addWidget(self.unlock_button)
        row.addWidget(logout)
        row.addStretch(1)
        layout.addLayout(row)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(box)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(3)
        self.setFocusProxy(self.password)

    def _submit(self) -> None:
        if not self.password.text():
            return
        self.unlock_button.setEnabled(False)
        self.password.setEnabled(False)
        self.unlock_requested.emit(self.password.text())

    def reset(self) -> None:
        self.password.clear()
        self.password.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.error.hide()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def failed(self, message: str) -> None:
        self.reset()
        self.error.setText(message)
        self.error.show()
