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

from ikodesk.ui.login import LoginDialog

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
        self.who = who
        self.failures = 0
        self._remaining = 0
        self._message = ""
        self.info = QLabel()
        self.info.setObjectName("lockReason")
        self.info.setWordWrap(True)
        self.show_reason(manual=False)
        layout.addWidget(self.info)
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
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

    def show_reason(self, *, manual: bool) -> None:
        """Why the screen is locked: locked on purpose (Ctrl+L), or after a while idle."""
        if manual:
            text = self.tr(
                "U heeft ikodesk vergrendeld. Uw niet-opgeslagen invoer is bewaard. "
                "Ingelogd als {0}."
            )
        else:
            text = self.tr(
                "De inhoud is verborgen omdat er een tijd niets is gedaan. Uw niet-opgeslagen "
                "invoer is bewaard. Ingelogd als {0}."
            )
        self.info.setText(text.format(self.who))

    def _submit(self) -> None:
        if not self.password.text() or self._remaining > 0:
            return
        self.unlock_button.setEnabled(False)
        self.password.setEnabled(False)
        self.unlock_requested.emit(self.password.text())

    def reset(self) -> None:
        """Ready for the password (after locking, or after an unlock that was not tried)."""
        self.password.clear()
        self.password.setEnabled(self._remaining <= 0)
        self.unlock_button.setEnabled(self._remaining <= 0)
        if self._remaining <= 0:
            self.error.hide()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def unlocked(self) -> None:
        self.failures = 0

    def failed(self, message: str) -> None:
        """A wrong password: the services' answer, and the same growing wait as at login."""
        self.failures += 1
        self._remaining = LoginDialog.delay_after(self.failures)
        self._message = message
        self.reset()
        if self._remaining > 0:
            self._tick_text()
            self._countdown.start()
        else:
            self.error.setText(message)
            self.error.show()

    def _tick(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self._countdown.stop()
            self.reset()
            self.error.setText(self._message)
            self.error.show()
        else:
            self._tick_text()

    def _tick_text(self) -> None:
        self.error.setText(
            self.tr("{0} Na meerdere mislukte pogingen kunt u over {1} s opnieuw proberen.").format(
                self._message, self._remaining
            )
        )
        self.error.show()
