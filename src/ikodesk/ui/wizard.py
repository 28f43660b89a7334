"""The first-run wizard: create a new encrypted database, or open an existing one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ikodesk.errors import QT_TRANSLATE_NOOP, UsageError
from ikodesk.services.application import default_sslmode, keyring_available, make_server_url
from ikodesk.ui.common.messages import service_text
from ikodesk.ui.login import os_username

PAGE_START, PAGE_LOCATION, PAGE_ADMIN, PAGE_RECOVERY, PAGE_SERVER = range(5)


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.hide()
    return label


def _path_row(edit: QLineEdit, browse: QPushButton) -> QWidget:
    row = QWidget()
    h = QHBoxLayout(row)
    h.setContentsMargins(0, 0, 0, 0)
    h.addWidget(edit, 1)
    h.addWidget(browse)
    return row


class StartPage(QWizardPage):
    def __init__(self, default_path: Path) -> None:
        super().__init__()
        self.setTitle(self.tr("Welkom bij ikodesk"))
        self.setSubTitle(
            self.tr("Er is op deze computer nog geen database ingesteld. Wat wilt u doen?")
        )
        layout = QVBoxLayout(self)
        self.create_new = QRadioButton(self.tr("Een &nieuwe, versleutelde database maken"))
        self.open_existing = QRadioButton(self.tr("Een &bestaande database openen"))
        self.connect_server = QRadioButton(self.tr("Verbinden met de &kantoorserver"))
        self.connect_server.setObjectName("connectServer")
        self.create_new.setChecked(True)
        layout.addWidget(self.create_new)
        layout.addWidget(self.open_existing)
        layout.addWidget(self.connect_server)
        self.existing_path = QLineEdit()
        self.existing_path.setObjectName("existingPath")
        self.existing_path.setPlaceholderText(self.tr("pad naar het .db-bestand"))
        browse = QPushButton(self.tr("Bladeren…"))
        browse.clicked.connect(self._browse)
        self.existing_row = _path_row(self.existing_path, browse)
        layout.addWidget(self.existing_row)
        self.error = _error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.open_existing.toggled.connect(self._toggle)
        self._toggle()

    def _toggle(self) -> None:
        self.existing_row.setEnabled(self.open_existing.isChecked())
        self.setFinalPage(self.open_existing.isChecked())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Database openen"), "", self.tr("ikodesk-database (*.db)")
        )
        if path:
            self.existing_path.setText(path)

    def nextId(self) -> int:
        if self.connect_server.isChecked():
            return PAGE_SERVER
        return -1 if self.open_existing.isChecked() else PAGE_LOCATION

    def validatePage(self) -> bool:
        if not self.open_existing.isChecked():
            return True
        path = Path(self.existing_path.text().strip()).expanduser()
        if not path.is_file():
            self.error.setText(self.tr("Er is geen bestand op {0}.").format(path))
            self.error.show()
            return False
        return True


# TLS choices: (label, sslmode); None follows the rule of storage.server.address.
TLS_CHOICES = (
    (
        QT_TRANSLATE_NOOP(
            "ServerPage", "Automatisch: versleuteld en certificaat gecontroleerd (aanbevolen)"
        ),
        None,
    ),
    (QT_TRANSLATE_NOOP("ServerPage", "Certificaat controleren met dit CA-bestand"), "verify-full"),
    (QT_TRANSLATE_NOOP("ServerPage", "Versleuteld, certificaat niet controleren"), "require"),
)


class ServerPage(QWizardPage):
    """The office server's address: host, port, database and TLS; remembered per workstation."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Verbinden met de kantoorserver"))
        self.setSubTitle(
            self.tr(
                "Het kantoor werkt in één PostgreSQL-database. U logt daarna in met uw eigen "
                "naam en wachtwoord; deze computer bewaart geen sleutel."
            )
        )
        form = QFormLayout(self)
        self.host = QLineEdit()
        self.host.setObjectName("serverHost")
        self.host.setPlaceholderText(self.tr("bijvoorbeeld server.kantoor.local"))
        self.port = QSpinBox()
        self.port.setObjectName("serverPort")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("ikodesk")
        self.database.setObjectName("serverDatabase")
        self.tls = QComboBox()
        self.tls.setObjectName("serverTls")
        for label, mode in TLS_CHOICES:
            self.tls.addItem(QCoreApplication.translate("ServerPage", label), mode)
        self.ca_file = QLineEdit()
        self.ca_file.setObjectName("serverCaFile")
        self.ca_file.setPlaceholderText(self.tr("optioneel: het CA-certificaat van het kantoor"))
        browse = QPushButton(self.tr("Bladeren…"))
        browse.clicked.connect(self._browse)
        form.addRow(self.tr("&Server"), self.host)
        form.addRow(self.tr("&Poort"), self.port)
        form.addRow(self.tr("&Database"), self.database)
        form.addRow(self.tr("&Beveiliging"), self.tls)
        form.addRow(self.tr("&CA-bestand"), _path_row(self.ca_file, browse))
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #595959;")
        form.addRow(self.rule)
        self.error = _error_label()
        form.addRow(self.error)
        self.url = ""
        self.host.textChanged.connect(self._explain)
        self.tls.currentIndexChanged.connect(self._explain)
        self._explain()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA-certificaat"), "", self.tr("Certificaat (*.crt *.pem)")
        )
        if path:
            self.ca_file.setText(path)

    def _explain(self) -> None:
        mode = self.tls.currentData() or default_sslmode(self.host.text().strip() or "x")
        texts = {
            "prefer": self.tr("Op deze computer zelf: versleuteld als de server dat kan."),
            "verify-full": self.tr(
                "Versleuteld; het certificaat van de server moet door het CA van het kantoor "
                "(of van het systeem) zijn getekend en de servernaam dragen."
            ),
            "require": self.tr(
                "Versleuteld, maar wie tussen u en de server zit, merkt u niet op. Alleen "
                "voor een proefopstelling."
            ),
        }
        self.rule.setText(texts.get(mode, ""))

    def nextId(self) -> int:
        return -1

    def validatePage(self) -> bool:
        if not self.host.text().strip():
            problem = self.tr("Vul de naam of het adres van de server in.")
        elif not self.database.text().strip():
            problem = self.tr("Vul de naam van de database in.")
        else:
            try:
                self.url = make_server_url(
                    self.host.text(),
                    self.database.text(),
                    port=self.port.value(),
                    sslmode=self.tls.currentData(),
                    sslrootcert=self.ca_file.text().strip() or None,
                )
                problem = ""
            except UsageError as exc:
                problem = service_text(exc)
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        return not problem


class LocationPage(QWizardPage):
    def __init__(self, default_path: Path) -> None:
        super().__init__()
        self.setTitle(self.tr("Locatie en sleutel"))
        self.setSubTitle(
            self.tr(
                "De database wordt altijd versleuteld opgeslagen. Kies waar ze komt en hoe "
                "de sleutel bewaard wordt."
            )
        )
        form = QFormLayout(self)
        self.path = QLineEdit(str(default_path))
        self.path.setObjectName("newPath")
        browse = QPushButton(self.tr("Bladeren…"))
        browse.clicked.connect(self._browse)
        form.addRow(self.tr("&Bestand"), _path_row(self.path, browse))
        self.use_keyring = QRadioButton(
            self.tr("Sleutel in de &sleutelbos van het besturingssysteem (aanbevolen)")
        )
        self.use_passphrase = QRadioButton(self.tr("Beveiligen met een &wachtwoordzin"))
        form.addRow(self.use_keyring)
        form.addRow(self.use_passphrase)
        if keyring_available():
            self.use_keyring.setChecked(True)
        else:
            self.use_keyring.setEnabled(False)
            self.use_keyring.setText(
                self.tr("Sleutelbos van het besturingssysteem (niet beschikbaar op deze computer)")
            )
            self.use_passphrase.setChecked(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase2 = QLineEdit()
        self.passphrase2.setObjectName("passphrase2")
        self.passphrase2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Wachtwoord&zin"), self.passphrase)
        form.addRow(self.tr("Nogmaals"), self.passphrase2)
        self.error = _error_label()
        form.addRow(self.error)
        self.use_passphrase.toggled.connect(self._toggle)
        self._toggle()

    def _toggle(self) -> None:
        on = self.use_passphrase.isChecked()
        self.passphrase.setEnabled(on)
        self.passphrase2.setEnabled(on)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Nieuwe database"), self.path.text(), self.tr("ikodesk-database (*.db)")
        )
        if path:
            self.path.setText(path)

    def nextId(self) -> int:
        return PAGE_ADMIN

    def validatePage(self) -> bool:
        path = Path(self.path.text().strip()).expanduser()
        problem = ""
        if not self.path.text().strip():
            problem = self.tr("Kies een bestand voor de database.")
        elif path.exists():
            problem = self.tr("Er bestaat al een bestand op {0}; kies een andere naam.").format(
                path
            )
        elif self.use_passphrase.isChecked():
            if len(self.passphrase.text()) < 12:
                problem = self.tr("Een wachtwoordzin heeft minstens 12 tekens.")
            elif self.passphrase.text() != self.passphrase2.text():
                problem = self.tr("De twee wachtwoordzinnen zijn niet gelijk.")
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        return not problem


class AdminPage(QWizardPage):
    """The first administrator; finishing this page creates the database (in the worker)."""

    create_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.created = False
        self.setTitle(self.tr("Eerste beheerder"))
        self.setSubTitle(
            self.tr("Met dit account beheert u gebruikers, referentiegegevens en back-ups.")
        )
        form = QFormLayout(self)
        default = os_username()
        self.username = QLineEdit(default if len(default) >= 2 else "beheer")
        self.username.setObjectName("adminUsername")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("adminName")
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("adminPassword2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Gebruikersnaam"), self.username)
        form.addRow(self.tr("&Volledige naam"), self.full_name)
        form.addRow(self.tr("&Wachtwoord"), self.password)
        form.addRow(self.tr("&Nogmaals"), self.password2)
        self.error = _error_label()
        form.addRow(self.error)
        self.busy = QLabel(self.tr("De database wordt aangemaakt…"))
        self.busy.hide()
        form.addRow(self.busy)

    def nextId(self) -> int:
        return PAGE_RECOVERY

    def show_error(self, message: str) -> None:
        self.busy.hide()
        self.setEnabled(True)
        self.error.setText(message)
        self.error.show()

    def validatePage(self) -> bool:
        if self.created:
            return True
        # Loaded here, not with the wizard: the users service brings the models and
        # SQLAlchemy, the password policy zxcvbn (issue #16: the first window first).
        from ikodesk.services.passwords import password_problem
        from ikodesk.services.users import username_problem

        username = self.username.text().strip().lower()
        problem = username_problem(username)
        weak = password_problem(self.password.text(), username=username)
        message = ""
        if problem:
            message = self.tr("Ongeldige gebruikersnaam: {0}.").format(problem)
        elif weak:
            message = weak
        elif self.password.text() != self.password2.text():
            message = self.tr("De twee wachtwoorden zijn niet gelijk.")
        if message:
            self.show_error(message)
            return False
        self.error.hide()
        self.busy.show()
        self.setEnabled(False)
        self.create_requested.emit()
        return False  # the wizard moves on when the worker has created the database


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Bewaar de sleutel"))
        self.setSubTitle(self.tr("De database is aangemaakt. Nog één ding voordat u begint."))
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.key = QLineEdit()
        self.key.setObjectName("recoveryKey")
        self.key.setReadOnly(True)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.key.setFont(mono)
        layout.addWidget(self.key)
        self.confirm = QCheckBox(self.tr("Ik heb de &herstelsleutel veilig bewaard"))
        self.confirm.setObjectName("confirmSaved")
        layout.addWidget(self.confirm)
        layout.addStretch(1)
        self.registerField("savedRecovery*", self.confirm)

    def set_recovery_key(self, recovery: str | None) -> None:
        if recovery:
            self.text.setText(
                self.tr(
                    "De sleutel van de database staat in de sleutelbos van uw account. Met de "
                    "<b>herstelsleutel</b> hieronder opent u de database op een andere computer "
                    "of na verlies van de sleutelbos. Hij wordt maar één keer getoond: schrijf "
                    "hem op of bewaar hem in de kluis van de organisatie."
                )
            )
            self.key.setText(recovery)
            self.key.show()
            self.confirm.setText(self.tr("Ik heb de &herstelsleutel veilig bewaard"))
        else:
            self.text.setText(
                self.tr(
                    "De database is beveiligd met uw wachtwoordzin. Zonder de wachtwoordzin "
                    "is de database niet te openen: bewaar hem op een veilige plek."
                )
            )
            self.key.hide()
            self.confirm.setText(self.tr("Ik heb de &wachtwoordzin veilig bewaard"))

    def nextId(self) -> int:
        return -1


class FirstRunWizard(QWizard):
    """Emits `create_requested` when the admin page is done; the start controller creates."""

    create_requested = Signal()

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("ikodesk: eerste start"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(640, 440)
        self.start_page = StartPage(default_path)
        self.location_page = LocationPage(default_path)
        self.admin_page = AdminPage()
        self.recovery_page = RecoveryPage()
        self.server_page = ServerPage()
        self.setPage(PAGE_SERVER, self.server_page)
        self.setPage(PAGE_START, self.start_page)
        self.setPage(PAGE_LOCATION, self.location_page)
        self.setPage(PAGE_ADMIN, self.admin_page)
        self.setPage(PAGE_RECOVERY, self.recovery_page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Volgende >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Vorige"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Voltooien"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Annuleren"))
        self.admin_page.create_requested.connect(self.create_requested)
        self.currentIdChanged.connect(self._buttons_for)

    def _buttons_for(self, page: int) -> None:
        # The recovery key's page is a point of no return; the server's page is not:
        # there the user may go back (a file after all) or cancel.
        back_and_cancel = page == PAGE_SERVER
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, not back_and_cancel)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, not back_and_cancel)

    # -- what the user chose ------------------------------------------------------
    @property
    def opens_existing(self) -> bool:
        return self.start_page.open_existing.isChecked()

    @property
    def server_url(self) -> str | None:
        """The office server's address when the user chose to connect to one."""
        return self.server_page.url if self.start_page.connect_server.isChecked() else None

    @property
    def existing_path(self) -> Path:
        return Path(self.start_page.existing_path.text().strip()).expanduser()

    @property
    def new_path(self) -> Path:
        return Path(self.location_page.path.text().strip()).expanduser()

    @property
    def passphrase(self) -> str | None:
        if self.location_page.use_passphrase.isChecked():
            return self.location_page.passphrase.text()
        return None

    @property
    def admin(self) -> tuple[str, str, str]:
        p = self.admin_page
        return p.username.text().strip().lower(), p.full_name.text().strip(), p.password.text()

    # -- the controller's answers ------------------------------------------------------
    def creation_done(self, recovery: str | None) -> None:
        self.admin_page.created = True
        self.admin_page.busy.hide()
        self.admin_page.setEnabled(True)
        self.recovery_page.set_recovery_key(recovery)
        self.next()
        # The one thing left to do on the last page, ready for the keyboard (Space).
        self.recovery_page.confirm.setFocus(Qt.FocusReason.OtherFocusReason)

    def creation_failed(self, message: str) -> None:
        self.admin_page.show_error(message)
