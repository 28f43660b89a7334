"""Beheer: users and roles, reference data, database facts, backups, settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action, Role
from ikodesk.services.application import Application
from ikodesk.services.users import UserRow
from ikodesk.ui.admin.admin_database import DatabaseTab
from ikodesk.ui.admin.admin_security import AnchorBox
from ikodesk.ui.admin.audit_view import AuditPanel
from ikodesk.ui.admin.countries_tab import CountriesTab
from ikodesk.ui.admin.retention_tab import DestructionTab, PeriodsTab
from ikodesk.ui.admin.subject_access_tab import SubjectAccessTab
from ikodesk.ui.cases.conflicts_view import ConflictsPanel
from ikodesk.ui.common.messages import ask, inform, show_error, user_message
from ikodesk.ui.common.tables import ListModel, plain_table
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label

Index = QModelIndex | QPersistentModelIndex


class UsersModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("UsersModel", "Gebruikersnaam"),
            QCoreApplication.translate("UsersModel", "Naam"),
            QCoreApplication.translate("UsersModel", "Rol"),
            QCoreApplication.translate("UsersModel", "Status"),
        ]

    def cells(self, u: UserRow) -> list[str]:
        if u.locked:
            status = QCoreApplication.translate(
                "UsersModel", "vergrendeld (mislukte inlogpogingen)"
            )
        elif not u.active:
            status = QCoreApplication.translate("UsersModel", "gedeactiveerd")
        elif not u.has_password:
            status = QCoreApplication.translate("UsersModel", "actief, nog geen wachtwoord")
        else:
            status = QCoreApplication.translate("UsersModel", "actief")
        return [u.username, u.name, enum_label(u.role), status]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and not self.items[index.row()].active
        ):
            return QBrush(QColor(128, 128, 128))
        return super().data(index, role)


class UserDialog(QDialog):
    """A new user, or a new password for an existing one."""

    def __init__(self, parent: QWidget, username: str | None = None) -> None:
        super().__init__(parent)
        self.reset = username is not None
        self.setWindowTitle(
            self.tr("Wachtwoord opnieuw instellen")
            if self.reset
            else self.tr("Gebruiker toevoegen")
        )
        self.setMinimumWidth(440)
        form = QFormLayout(self)
        self.username = QLineEdit(username or "")
        self.username.setObjectName("newUsername")
        self.username.setReadOnly(self.reset)
        self.name = QLineEdit()
        self.name.setObjectName("newName")
        self.role = QComboBox()
        self.role.setObjectName("newRole")
        for r in Role:
            self.role.addItem(enum_label(r), r.value)
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("newPassword2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Gebruikersnaam"), self.username)
        if not self.reset:
            form.addRow(self.tr("&Naam"), self.name)
            form.addRow(self.tr("&Rol"), self.role)
        form.addRow(self.tr("&Wachtwoord"), self.password)
        form.addRow(self.tr("N&ogmaals"), self.password2)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("&Opslaan"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.password if self.reset else self.username).setFocus()

    submitted = Signal()

    def _check(self) -> None:
        if self.password.text() != self.password2.text():
            self.show_error(self.tr("De twee wachtwoorden zijn niet gelijk."))
            return
        self.submitted.emit()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class AdminPage(QWidget):
    announced = Signal(str)  # what was done, for the status bar
    idle_minutes_saved = Signal(int)  # the new idle-lock time, for the running session

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._loaded = False
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        title = title_label(self.tr("Beheer"))
        layout.addWidget(title)
        self.anchor_box: AnchorBox | None = None
        if ctx.can(Action.AUDIT_ANCHOR):
            self.anchor_box = AnchorBox(ctx, self)
            layout.addWidget(self.anchor_box)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # -- users ------------------------------------------------------------------------
        users_tab = QWidget()
        uv = QVBoxLayout(users_tab)
        self.users_model = UsersModel(self)
        self.users_view = plain_table(self.users_model, "users", (18, 26, 18), char)
        uv.addWidget(self.users_view, 1)
        row = QHBoxLayout()
        self.add_user_button = QPushButton(self.tr("Gebruiker &toevoegen…"))
        self.add_user_button.setObjectName("addUser")
        self.toggle_button = QPushButton(self.tr("(De)&activeren"))
        self.toggle_button.setObjectName("toggleActive")
        self.reset_button = QPushButton(self.tr("&Wachtwoord opnieuw instellen…"))
        self.reset_button.setObjectName("resetPassword")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("roleCombo")
        for r in Role:
            self.role_combo.addItem(enum_label(r), r.value)
        self.role_button = QPushButton(self.tr("&Rol wijzigen"))
        self.role_button.setObjectName("setRole")
        self.add_user_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.unlock_button = QPushButton(self.tr("&Vrijgeven"))
        self.unlock_button.setObjectName("unlockUser")
        self.unlock_button.setToolTip(self.tr("Een vergrendeld account weer laten inloggen"))
        self.unlock_button.clicked.connect(self.unlock_user)
        buttons = (self.add_user_button, self.toggle_button, self.reset_button, self.unlock_button)
        for w in buttons:
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.role_combo)
        row.addWidget(self.role_button)
        uv.addLayout(row)
        self.tabs.addTab(users_tab, self.tr("&Gebruikers en rollen"))

        # -- reference data (ui.admin.countries_tab) --------------------------------------
        ref_tab = CountriesTab(ctx)
        ref_tab.changed.connect(self.announced)
        self.countries_tab = ref_tab
        self.countries_filter, self.countries_model = ref_tab.filter, ref_tab.model
        self.countries_view = ref_tab.view
        self.tabs.addTab(ref_tab, self.tr("&Referentiegegevens"))

        # -- database, backup and settings (ui.admin_database) -----------------------
        self.database_tab = DatabaseTab(ctx)
        self.database_tab.idle_minutes_saved.connect(self.idle_minutes_saved)
        # The widgets the tests and screenshots reach by name.
        tab = self.database_tab
        self.backup_path, self.backup_button = tab.backup_path, tab.backup_button
        self.backup_status, self.check_box = tab.backup_status, tab.check_box
        self.idle_minutes, self.settings_status = tab.idle_minutes, tab.settings_status
        self.tabs.addTab(tab, self.tr("&Database en back-up"))

        # -- conflict cases and the audit log (references only) -----------------------
        self.conflicts_panel: ConflictsPanel | None = None
        self.audit_panel: AuditPanel | None = None
        if ctx.can(Action.CONFLICTS_VIEW):
            self.conflicts_panel = ConflictsPanel(ctx)
            self.conflicts_panel.decided.connect(self.announced)
            self.tabs.addTab(self.conflicts_panel, self.tr("&Conflictzaken"))
        if ctx.can(Action.AUDIT_VIEW):
            self.audit_panel = AuditPanel(ctx)
            self.tabs.addTab(self.audit_panel, self.tr("A&uditlog"))
        # -- retention (ui.admin.retention_tab; issue #18) -----------------------------
        self.periods_tab: PeriodsTab | None = None
        self.destruction_tab: DestructionTab | None = None
        if ctx.can(Action.RETENTION_MANAGE):
            self.periods_tab = PeriodsTab(ctx)
            self.periods_tab.announced.connect(self.announced)
            self.tabs.addTab(self.periods_tab, self.tr("Be&waartermijnen"))
        # Both backends: on the office server the server's own function anonymises
        # (docs/security.md, "On the office server").
        if ctx.can(Action.RETENTION_RUN):
            self.destruction_tab = DestructionTab(ctx)
            self.destruction_tab.announced.connect(self.announced)
            self.tabs.addTab(self.destruction_tab, self.tr("V&ernietiging"))
        # -- access requests (AVG art. 15; ui.admin.subject_access_tab) ----------------
        # Both backends: on the office server the server's own functions search and
        # gather (services.subject_access), the administrator still reads no dossier.
        self.subject_access_tab: SubjectAccessTab | None = None
        if ctx.can(Action.SUBJECT_ACCESS):
            self.subject_access_tab = SubjectAccessTab(ctx)
            self.subject_access_tab.announced.connect(self.announced)
            self.tabs.addTab(self.subject_access_tab, self.tr("&Inzageverzoek (AVG art. 15)"))
        self.tabs.currentChanged.connect(self._tab_changed)

    # -- life cycle --------------------------------------------------------------------
    def activate(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.refresh_users()
        if self.anchor_box is not None:
            self.anchor_box.refresh()
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, _index: int) -> None:
        # The conflict and audit tabs load when first shown (reading them is audited).
        activate = getattr(self.tabs.currentWidget(), "activate", None)
        if activate is not None:
            activate()

    def refresh_users(self) -> None:
        actor = self.ctx.actor

        def loaded(items: list[UserRow]) -> None:
            self.users_model.set_items(items)
            if self.audit_panel is not None:
                self.audit_panel.set_usernames([u.username for u in items])

        self.ctx.worker.call(
            lambda app: app.admin.users(actor), loaded, lambda e: show_error(self, e), owner=self
        )

    def selected_user(self) -> UserRow | None:
        index = self.users_view.currentIndex()
        if not index.isValid():
            inform(self, self.tr("Gebruikers"), self.tr("Kies eerst een gebruiker in de lijst."))
            return None
        item: UserRow = self.users_model.items[index.row()]
        return item

    def _run(self, job: Callable[[Application], None], done_text: str) -> None:
        def done(_result: Any) -> None:
            self.refresh_users()
            self.announced.emit(done_text)

        self.ctx.worker.call(job, done, lambda e: show_error(self, e), owner=self)

    # -- users ------------------------------------------------------------------------
    def add_user(self) -> UserDialog:
        dialog = UserDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        actor = self.ctx.actor

        def submit() -> None:
            username = dialog.username.text().strip().lower()
            name, role = dialog.name.text(), Role(dialog.role.currentData())
            password = dialog.password.text() or None

            def job(app: Application) -> None:
                app.admin.create_user(actor, username, role, name=name, password=password)

            def done(_r: Any) -> None:
                dialog.accept()
                self.refresh_users()
                self.announced.emit(self.tr("Gebruiker {0} toegevoegd.").format(username))

            def failed(exc: BaseException) -> None:
                message = user_message(exc)
                if message is None:
                    show_error(dialog, exc)
                else:
                    dialog.show_error(message)

            self.ctx.worker.call(job, done, failed, owner=dialog)

        dialog.submitted.connect(submit)
        dialog.open()
        return dialog

    def reset_password(self) -> UserDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = UserDialog(self, user.username)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        actor = self.ctx.actor

        def submit() -> None:
            password = dialog.password.text()

            def failed(exc: BaseException) -> None:
                message = user_message(exc)
                if message is None:
                    show_error(dialog, exc)
                else:
                    dialog.show_error(message)

            def done(_r: Any) -> None:
                dialog.accept()
                self.refresh_users()
                self.announced.emit(
                    self.tr("Nieuw wachtwoord ingesteld voor {0}.").format(user.username)
                )

            self.ctx.worker.call(
                lambda app: app.admin.set_password(actor, user.username, password),
                done,
                failed,
                owner=dialog,
            )

        dialog.submitted.connect(submit)
        dialog.open()
        return dialog

    def toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        actor, active = self.ctx.actor, not user.active

        def go(button: QMessageBox.StandardButton) -> None:
            if button != QMessageBox.StandardButton.Yes:
                return
            self._run(
                lambda app: app.admin.set_active(actor, user.username, active),
                self.tr("{0} is {1}.").format(
                    user.username, self.tr("geactiveerd") if active else self.tr("gedeactiveerd")
                ),
            )

        question = (
            self.tr("{0} weer activeren?")
            if active
            else self.tr("{0} deactiveren? Inloggen is dan niet meer mogelijk.")
        ).format(user.username)
        ask(
            self,
            self.tr("Gebruiker"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            go,
        )

    def unlock_user(self) -> None:
        user = self.selected_user()
        if user is not None:
            actor = self.ctx.actor
            self._run(
                lambda app: app.admin.unlock(actor, user.username),
                self.tr("{0} kan weer inloggen.").format(user.username),
            )

    def change_role(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        actor, role = self.ctx.actor, Role(self.role_combo.currentData())
        self._run(
            lambda app: app.admin.set_role(actor, user.username, role),
            self.tr("{0} heeft nu de rol {1}.").format(user.username, enum_label(role)),
        )
