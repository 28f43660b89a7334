"""Unlocking the database and logging in."""

from __future__ import annotations

import getpass
import math
import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ikodesk.services.application import KeyMode
from ikodesk.services.demo_facts import DEMO_PASSWORD


def os_username() -> str:
    """The OS account as an ikodesk user name (prefilled at login)."""
    try:
        name = getpass.getuser().lower()
    except Exception:
        return ""
    return re.sub(r"[^a-z0-9._-]", "", name)


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class UnlockDialog(QDialog):
    """Asks for the passphrase or the recovery key of a database."""

    unlock_requested = Signal(object, object)  # passphrase | None, recovery key | None
    other_database_requested = Signal()

    def __init__(
        self, path: Path, key_mode: KeyMode | None, message: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("ikodesk: database ontgrendelen"))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "De database <b>{0}</b> is versleuteld. Geef de sleutel om haar te openen."
            ).format(path.name)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        where = QLabel(str(path))
        where.setStyleSheet("color: #595959;")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)

        self.use_passphrase = QRadioButton(self.tr("&Wachtwoordzin"))
        self.use_recovery = QRadioButton(self.tr("&Herstelsleutel (17 groepen van 4 tekens)"))
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setObjectName("secret")
        layout.addWidget(self.use_passphrase)
        layout.addWidget(self.use_recovery)
        layout.addWidget(self.secret)
        if key_mode is KeyMode.KEYRING:
            self.use_recovery.setChecked(True)
            self.use_passphrase.setEnabled(False)
            self.use_passphrase.hide()
        else:
            self.use_passphrase.setChecked(True)
        self.use_recovery.toggled.connect(self._mode_changed)
        self._mode_changed()

        self.error = _error_label()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            self.tr("&Openen"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button.setDefault(True)
        other = buttons.addButton(
            self.tr("Andere &database…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        quit_button = buttons.addButton(
            self.tr("Afsluiten"), QDialogButtonBox.ButtonRole.RejectRole
        )
        # Only "Openen" reacts to Enter, wherever the focus is.
        for b in (other, quit_button):
            b.setAutoDefault(False)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        other.clicked.connect(self.other_database_requested)
        layout.addWidget(buttons)
        self.secret.setFocus()
        if message:
            self.show_error(message)

    def _mode_changed(self) -> None:
        recovery = self.use_recovery.isChecked()
        self.secret.setEchoMode(
            QLineEdit.EchoMode.Normal if recovery else QLineEdit.EchoMode.Password
        )
        self.secret.setPlaceholderText(
            self.tr("XXXX-XXXX-…") if recovery else self.tr("wachtwoordzin van de database")
        )

    def _submit(self) -> None:
        text = self.secret.text()
        if not text.strip():
            self.show_error(self.tr("Vul de sleutel in."))
            return
        self.set_busy(True)
        if self.use_recovery.isChecked():
            self.unlock_requested.emit(None, text)
        else:
            self.unlock_requested.emit(text, None)

    def set_busy(self, busy: bool) -> None:
        self.open_button.setEnabled(not busy)
        # Read-only, not disabled: a disabled field would push the focus to another button.
        self.secret.setReadOnly(busy)
        if busy:
            self.error.hide()

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.adjustSize()  # room for the wrapped message
        self.secret.selectAll()
        self.secret.setFocus()


class LoginDialog(QDialog):
    """Username and password; a short, growing delay after repeated failures."""

    login_requested = Signal(str, str)
    FREE_ATTEMPTS = 3
    MAX_DELAY_S = 30

    def __init__(
        self,
        database: Path | str,
        username: str = "",
        parent: QWidget | None = None,
        *,
        server: bool = False,
        demo_accounts: list[tuple[str, str]] | None = None,
    ) -> None:
        """`demo_accounts`: (username, role label) of the demo database, listed with its
        public password; the first is filled in (not the computer's account). `server`:
        `database` is the office server's address."""
        super().__init__(parent)
        self.failures = 0
        self._remaining = 0
        self._preparing = False
        self.setWindowTitle(self.tr("ikodesk: inloggen"))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<b>Inloggen bij ikodesk</b>"))
        layout.addWidget(title)
        where = QLabel(
            self.tr("Kantoorserver: {0}").format(database)
            if server
            else self.tr("Database: {0}").format(database)
        )
        where.setWordWrap(True)
        where.setStyleSheet("color: #595959;")
        layout.addWidget(where)
        self.demo_info = QLabel()
        self.demo_info.setObjectName("demoAccounts")
        self.demo_info.setWordWrap(True)
        self.demo_info.setTextFormat(Qt.TextFormat.RichText)
        self.demo_info.setStyleSheet(
            "background: #eef4fb; border: 1px solid #b9cde6; border-radius: 4px; padding: 6px;"
        )
        self.demo_info.setVisible(bool(demo_accounts))
        if demo_accounts:
            rows = "".join(
                f"<tr><td><b>{name}</b></td><td>&nbsp;{role}</td></tr>"
                for name, role in demo_accounts
            )
            self.demo_info.setText(
                self.tr(
                    "Demodatabase met fictieve gegevens. Log in met een van deze accounts; "
                    "het wachtwoord is <b>{0}</b>:"
                ).format(DEMO_PASSWORD)
                + f"<table>{rows}</table>"
            )
            username = username or demo_accounts[0][0]
        layout.addWidget(self.demo_info)
        self.preparing = QProgressBar()
        self.preparing.setObjectName("preparing")
        self.preparing.setRange(0, 100)
        self.preparing.hide()
        self.preparing_text = QLabel()
        self.preparing_text.setObjectName("preparingText")
        self.preparing_text.setWordWrap(True)
        self.preparing_text.hide()
        layout.addWidget(self.preparing_text)
        layout.addWidget(self.preparing)
        form = QFormLayout()
        self.username = QLineEdit(username or os_username())
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Gebruikersnaam"), self.username)
        form.addRow(self.tr("&Wachtwoord"), self.password)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.login_button: QPushButton = buttons.addButton(
            self.tr("&Inloggen"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setDefault(True)
        quit_button = buttons.addButton(
            self.tr("Afsluiten"), QDialogButtonBox.ButtonRole.RejectRole
        )
        quit_button.setAutoDefault(False)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        (self.password if self.username.text() else self.username).setFocus()

    @classmethod
    def delay_after(cls, failures: int) -> int:
        """Seconds to wait before the next attempt: none for the first few, then doubling.

        Never less than the database's own delay (services.logins), which refuses an
        attempt made too early even with the right password.
        """
        from ikodesk.services import logins  # after a failure only: not for the first window

        server = math.ceil(logins.delay_after(failures).total_seconds())
        if failures < cls.FREE_ATTEMPTS:
            return server
        return max(server, int(min(2 ** (failures - cls.FREE_ATTEMPTS), cls.MAX_DELAY_S)))

    def set_preparing(self, percent: int, text: str) -> None:
        """The database is still being made (the demo): typing yes, logging in not yet."""
        self._preparing = True
        self.preparing.setValue(percent)
        self.preparing.show()
        self.preparing_text.setText(text)
        self.preparing_text.show()
        self.login_button.setEnabled(False)

    def set_ready(self) -> None:
        self._preparing = False
        self.preparing.hide()
        self.preparing_text.hide()
        self.login_button.setEnabled(self._remaining <= 0)

    def is_preparing(self) -> bool:
        return self._preparing

    def _submit(self) -> None:
        if self._remaining > 0 or self._preparing:
            return
        if not self.username.text().strip() or not self.password.text():
            self.show_error(self.tr("Vul uw gebruikersnaam en wachtwoord in."))
            return
        self._set_enabled(False)
        self.error.hide()
        self.login_requested.emit(self.username.text().strip(), self.password.text())

    def _set_enabled(self, enabled: bool) -> None:
        self.login_button.setEnabled(enabled)
        # Read-only, not disabled: the focus stays in the field.
        self.username.setReadOnly(not enabled)
        self.password.setReadOnly(not enabled)

    def login_failed(self, message: str) -> None:
        self.failures += 1
        self.password.clear()
        self._remaining = self.delay_after(self.failures)
        if self._remaining > 0:
            self._message = message
            self._set_enabled(False)
            self._tick_text()
            self._countdown.start()
        else:
            self.show_error(message)

    def _tick(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self._countdown.stop()
            self.show_error(self._message)
        else:
            self._tick_text()

    def _tick_text(self) -> None:
        self.error.setText(
            self.tr("{0} Na meerdere mislukte pogingen kunt u over {1} s opnieuw proberen.").format(
                self._message, self._remaining
            )
        )
        self.error.show()

    def show_error(self, message: str) -> None:
        self._set_enabled(True)
        self.error.setText(message)
        self.error.show()
        self.adjustSize()
        self.password.setFocus()
