"""From start to the main window: first-run wizard or unlock, then login.

All database work (creating, unlocking with SQLCipher's KDF, filling the demo
database, checking the password) runs on the worker; the dialogs stay
responsive and show what is going on.
"""

from __future__ import annotations

import argparse
import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from ikodesk.errors import AuthenticationError
from ikodesk.models.enums import Role
from ikodesk.services import demo_facts
from ikodesk.services.actors import Actor
from ikodesk.services.application import (
    Application,
    DatabaseFacts,
    KeyMode,
    KeyPlan,
    LoggedIn,
    default_database_path,
    demo_database_path,
    is_server_url,
    parse_server_url,
    plan_opening,
)
from ikodesk.services.demo_facts import DEMO_PASSPHRASE
from ikodesk.ui import i18n
from ikodesk.ui.common.messages import service_text, show_error, user_message
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label
from ikodesk.ui.login import LoginDialog, UnlockDialog
from ikodesk.ui.wizard import FirstRunWizard

if TYPE_CHECKING:
    from ikodesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SETTINGS_DB_PATH = "database/path"
# The office server this workstation connects to (an address without user or password).
SETTINGS_SERVER = "database/server"
DEMO_YEARS = None  # services.demo: 2024 up to this year


class StartController(QObject):
    """Leads the user from start to a logged-in main window."""

    # Emitted for every dialog the flow shows (tests and screenshots use it).
    dialog_shown = Signal(QWidget)
    logged_in = Signal(QWidget)  # the main window
    quit_requested = Signal()

    def __init__(
        self,
        worker: DbWorker,
        args: argparse.Namespace | None = None,
        *,
        idle_lock_ms: int | None = None,
    ) -> None:
        super().__init__()
        self.worker = worker
        self.args = args or argparse.Namespace(db=None, demo=False, recovery_key=False)
        self.idle_lock_ms = idle_lock_ms
        self.demo = bool(getattr(self.args, "demo", False)) and not getattr(self.args, "db", None)
        self.path: Path | None = None
        self.facts: DatabaseFacts | None = None
        self.main_window: MainWindow | None = None
        self._dialog: QWidget | None = None
        self._login_username = ""
        self.server_url: str | None = None  # the office server (None: a database file)
        self._main_window_loading = False

    # -- entry ------------------------------------------------------------------------
    def start(self) -> None:
        if self.demo:
            path = demo_database_path()
            if path.is_file():
                self.unlock(path, passphrase=DEMO_PASSPHRASE)
            else:
                self._create_demo(path)
            return
        db_arg = getattr(self.args, "db", None)
        saved_server = i18n.settings().value(SETTINGS_SERVER, "")
        if is_server_url(db_arg) or (not db_arg and is_server_url(str(saved_server or ""))):
            self.server_url = db_arg if is_server_url(db_arg) else str(saved_server)
            self.show_login()
            return
        if db_arg:
            path = Path(self.args.db).expanduser()
        else:
            saved = i18n.settings().value(SETTINGS_DB_PATH, "")
            path = Path(saved) if isinstance(saved, str) and saved else default_database_path()
        if path.is_file():
            self.unlock(path)
        else:
            self.show_wizard(path)

    def _show(self, dialog: QWidget) -> None:
        if self._dialog is not None and self._dialog is not dialog:
            # hide(), not close(): closing a dialog rejects it, and rejecting means "quit".
            self._dialog.hide()
            self._dialog.deleteLater()
        self._dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.dialog_shown.emit(dialog)
        if isinstance(dialog, LoginDialog):
            self._load_main_window()

    def _load_main_window(self) -> None:
        """Import the main window's modules (pages, reports, charts) while the login is up.

        The first window shows before they are loaded (issue #16: start in a blink);
        the worker imports them while the user types, so logging in (queued behind
        on the same worker) finds them ready. Only classes are defined at import:
        no widget is made off the GUI thread.
        """
        if self._main_window_loading:
            return
        self._main_window_loading = True

        def failed(exc: BaseException) -> None:  # the login's own import will say it again
            log.warning("loading the main window in advance failed: %s", exc)

        self.worker.submit(lambda: importlib.import_module("ikodesk.ui.main_window"), None, failed)

    # -- the demo database -------------------------------------------------------
    def _create_demo(self, path: Path) -> None:
        """Make the demo database on the worker while the login screen is already up.

        The login shows the demo accounts at once and the making in steps with a
        percentage; logging in waits until the database is ready.
        """
        dialog = self._login_dialog(path, preparing=self._demo_step_text(1, 0))

        def on_progress(done: int, total: int, text: str) -> None:
            step, percent = demo_facts.overall_percent(text, done, total)
            dialog.set_preparing(percent, self._demo_step_text(step, percent))

        self.worker.progress.connect(on_progress)
        report = self.worker.report_progress

        def job() -> DatabaseFacts:
            report(0, 1, "aanmaken")
            app, _ = Application.create(path, passphrase=DEMO_PASSPHRASE)
            self.worker.adopt_app(app)
            report(1, 1, "aanmaken")
            app.fill_with_demo_data(
                DEMO_YEARS, progress=lambda stage, done, total: report(done, total, stage)
            )
            return app.facts()

        def done(facts: DatabaseFacts) -> None:
            self.worker.progress.disconnect(on_progress)
            self.facts = facts
            self.path = facts.path
            dialog.set_ready()

        def failed(exc: BaseException) -> None:
            self.worker.progress.disconnect(on_progress)
            dialog.hide()
            show_error(None, exc)

        self.worker.submit(job, done, failed)

    def _demo_step_text(self, step: int, percent: int) -> str:
        names = {
            1: self.tr("database aanmaken"),
            2: self.tr("fictieve gegevens maken"),
            3: self.tr("gegevens controleren"),
            4: self.tr("gegevens opslaan"),
        }
        return self.tr(
            "De demodatabase wordt aangemaakt: stap {0} van {1}, {2} ({3}%). U kunt alvast "
            "uw gebruikersnaam en wachtwoord typen."
        ).format(step, len(demo_facts.DEMO_STEPS), names.get(step, ""), percent)

    # -- the first-run wizard ------------------------------------------------------
    def show_wizard(self, default_path: Path) -> FirstRunWizard:
        wizard = FirstRunWizard(default_path)
        wizard.create_requested.connect(lambda: self._create(wizard))
        wizard.accepted.connect(lambda: self._wizard_done(wizard))
        wizard.rejected.connect(self.quit_requested)
        self._show(wizard)
        return wizard

    def _create(self, wizard: FirstRunWizard) -> None:
        path, passphrase = wizard.new_path, wizard.passphrase
        username, name, password = wizard.admin

        def job() -> tuple[str | None, DatabaseFacts]:
            app, recovery = Application.create(path, passphrase=passphrase)
            self.worker.adopt_app(app)
            app.create_admin(username, name, password)
            return recovery, app.facts()

        def done(result: tuple[str | None, DatabaseFacts]) -> None:
            recovery, facts = result
            self.facts = facts
            self.path = facts.path
            self._login_username = username
            i18n.settings().setValue(SETTINGS_DB_PATH, str(facts.path))
            wizard.creation_done(recovery)

        def failed(exc: BaseException) -> None:
            message = user_message(exc)
            if message is None:
                show_error(wizard, exc)
                message = self.tr("De database kon niet worden aangemaakt.")
            wizard.creation_failed(message)

        self.worker.submit(job, done, failed, owner=wizard)

    def _wizard_done(self, wizard: FirstRunWizard) -> None:
        if wizard.server_url is not None:
            # Remembered per workstation; from now on this computer logs in to the server.
            i18n.settings().setValue(SETTINGS_SERVER, wizard.server_url)
            self.server_url = wizard.server_url
            self.show_login()
        elif wizard.opens_existing:
            path = wizard.existing_path
            i18n.settings().setValue(SETTINGS_DB_PATH, str(path))
            self.unlock(path)
        elif self.facts is not None:
            self._opened(self.facts)

    # -- unlocking ---------------------------------------------------------------
    def unlock(
        self,
        path: Path,
        *,
        passphrase: str | None = None,
        recovery: str | None = None,
        dialog: UnlockDialog | None = None,
    ) -> None:
        """Open `path`: keyring first; without a usable key, ask in the unlock dialog."""
        self.path = path
        # The key-info file is read once, here; nothing supplied: the environment's keys.
        plan: KeyPlan = plan_opening(
            path,
            passphrase=passphrase,
            recovery_key=recovery,
            from_env=passphrase is None and recovery is None,
        )
        if not (plan.supplied or plan.keyring_expected):
            self._ask_key(path, plan.key_mode, "")
            return

        def job() -> DatabaseFacts | Path:
            # Proven through the driver, the login can show before the application
            # (SQLAlchemy, the models, the facts) is opened behind it (issue #16).
            unlocked = Application.unlocks(plan)
            if unlocked is not None:
                return unlocked
            return self._open_application(plan)

        def failed(exc: BaseException) -> None:
            message = user_message(exc)
            if message is None:
                if dialog is not None:
                    dialog.set_busy(False)
                show_error(dialog, exc)
                return
            if dialog is not None:
                dialog.show_error(message)
            else:
                self._ask_key(path, plan.key_mode, message)

        def done(result: DatabaseFacts | Path) -> None:
            opened = result if isinstance(result, Path) else result.path
            if not self.demo and getattr(self.args, "db", None) is None:
                i18n.settings().setValue(SETTINGS_DB_PATH, str(opened))
            if isinstance(result, Path):
                self._open_behind_login(plan, result, failed)
            else:
                self._opened(result)

        self.worker.submit(job, done, failed)

    def _open_application(self, plan: KeyPlan) -> DatabaseFacts:
        """On the worker: open the database of `plan`, adopt it, read its facts."""
        app = Application.open(plan)
        self.worker.adopt_app(app)
        return app.facts()

    def _open_behind_login(
        self, plan: KeyPlan, path: Path, failed: Callable[[BaseException], None]
    ) -> None:
        """Show the login on an unlocked file while the worker opens the application.

        The open is queued first: logging in (on the same serial worker) finds it done.
        Should it fail after all, the login goes and the unlock's failure is shown.
        """
        self.facts = None
        self.path = path

        def opened(facts: DatabaseFacts) -> None:
            self.facts = facts

        def open_failed(exc: BaseException) -> None:
            if self._dialog is not None:
                self._dialog.hide()
            failed(exc)

        self.worker.submit(lambda: self._open_application(plan), opened, open_failed)
        self._login_dialog(path)

    def _ask_key(self, path: Path, mode: KeyMode | None, message: str) -> UnlockDialog:
        dialog = UnlockDialog(path, mode, message)
        dialog.unlock_requested.connect(
            lambda passphrase, recovery: self.unlock(
                path, passphrase=passphrase, recovery=recovery, dialog=dialog
            )
        )
        dialog.other_database_requested.connect(lambda: self.show_wizard(default_database_path()))
        dialog.rejected.connect(self.quit_requested)
        self._show(dialog)
        return dialog

    # -- login -----------------------------------------------------------------------
    def _opened(self, facts: DatabaseFacts) -> None:
        self.facts = facts
        self.path = facts.path
        self.show_login()

    def show_login(self) -> LoginDialog:
        if self.server_url is not None:
            where = parse_server_url(self.server_url).label
            dialog = LoginDialog(where, self._login_username, server=True)
            dialog.login_requested.connect(lambda u, p: self._login(dialog, u, p))
            dialog.rejected.connect(self.quit_requested)
            self._show(dialog)
            return dialog
        path = self.facts.path if self.facts is not None else self.path
        assert path is not None
        return self._login_dialog(path)

    def _login_dialog(self, path: Path, preparing: str = "") -> LoginDialog:
        """The login; `preparing`: the database is still being made (said, with 0%)."""
        # The demo lists its accounts (one per role) with the public password.
        accounts = (
            [(name, enum_label(Role(role))) for name, role in demo_facts.demo_accounts()]
            if self.demo
            else None
        )
        dialog = LoginDialog(path, self._login_username, demo_accounts=accounts)
        if preparing:
            dialog.set_preparing(0, preparing)
        dialog.login_requested.connect(lambda u, p: self._login(dialog, u, p))
        dialog.rejected.connect(self.quit_requested)
        self._show(dialog)
        return dialog

    def _login(self, dialog: LoginDialog, username: str, password: str) -> None:
        url = self.server_url

        def job() -> LoggedIn:
            if url is not None:
                # The server checks the password: the login is the connection itself.
                # Never a local file instead: an unreachable server is said so, plainly.
                app = Application.connect(url, username.strip().lower(), password)
                self.worker.adopt_app(app)
                self.facts = app.facts()
            return self.worker.app.log_in(username, password)

        def done(result: LoggedIn) -> None:
            self._dialog = None
            dialog.accept()
            dialog.deleteLater()
            self.open_main_window(result.actor, result.name)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, AuthenticationError):
                dialog.login_failed(service_text(exc))
            else:
                dialog.show_error(user_message(exc) or self.tr("Inloggen is niet gelukt."))
                if user_message(exc) is None:
                    show_error(dialog, exc)

        self.worker.submit(job, done, failed, owner=dialog)

    def open_main_window(self, actor: Actor, name: str) -> MainWindow:
        from ikodesk.ui.main_window import MainWindow  # loaded while the login was up

        assert self.facts is not None
        ctx = AppContext(self.worker, actor, name, self.facts)
        window = MainWindow(ctx, idle_lock_ms=self.idle_lock_ms)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.logout_requested.connect(self._logout)
        self.main_window = window
        screen = QApplication.primaryScreen()
        if screen is not None:
            avail = screen.availableGeometry()
            window.resize(min(1400, avail.width() - 40), min(900, avail.height() - 60))
        window.show()
        self.logged_in.emit(window)
        return window

    def _logout(self) -> None:
        window = self.main_window
        self.main_window = None
        self._login_username = ""
        if self.server_url is not None:
            # The connection is the user's own login: it ends with the session.
            self.worker.submit(self.worker.close_db, lambda _: None, lambda _: None)
        self.show_login()  # first, so that closing the window does not quit the application
        if window is not None:
            window.close()
