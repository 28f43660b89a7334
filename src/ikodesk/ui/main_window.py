"""The main window: navigation, status bar, shortcuts, idle lock and case windows."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ikodesk.errors import AuthenticationError
from ikodesk.models.enums import Action, Role
from ikodesk.services.application import Application
from ikodesk.ui import i18n
from ikodesk.ui.admin.admin_page import AdminPage
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.cases.cases_page import CasesPage
from ikodesk.ui.cases.conflicts_view import ConflictsPage
from ikodesk.ui.common.messages import ask, inform, service_text, show_error
from ikodesk.ui.context import AppContext
from ikodesk.ui.deadlines.deadlines_page import DeadlinesPage, DueSoonLine
from ikodesk.ui.i18n import enum_label
from ikodesk.ui.idle import IdleWatcher, LockScreen
from ikodesk.ui.line1.line1_page import Line1Page
from ikodesk.ui.mediation.mediation_page import MediationPage
from ikodesk.ui.reports.reports_page import ReportsPage

SHORTCUT_NEW_LINE1 = QKeySequence("Ctrl+N")
SHORTCUT_NEW_LINE2 = QKeySequence("Ctrl+Shift+L")
SHORTCUTS_SEARCH = (QKeySequence("Ctrl+K"), QKeySequence("Ctrl+F"))
SHORTCUT_LOCK = QKeySequence("Ctrl+L")
STATUS_MESSAGE_MS = 6000  # how long a page's message stays in the status bar


class MainWindow(QMainWindow):
    logout_requested = Signal()
    locked_changed = Signal(bool)

    def __init__(self, ctx: AppContext, *, idle_lock_ms: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("ikodesk — Centrum Internationale Kinderontvoering"))
        self.case_windows: dict[int | None, list[CaseWindow]] = {}
        self._hidden_on_lock: list[QWidget] = []
        self.locked = False
        self._close_confirmed = False

        # -- pages ------------------------------------------------------------------
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.pages = QStackedWidget()
        self.line1_page: Line1Page | None = None
        self.cases_page: CasesPage | None = None
        self.mediation_page: MediationPage | None = None
        self.reports_page: ReportsPage | None = None
        self.admin_page: AdminPage | None = None
        self.conflicts_page: ConflictsPage | None = None
        self.deadlines_page: DeadlinesPage | None = None
        if ctx.can(Action.CASE_CREATE):
            self.line1_page = Line1Page(ctx)
            self.line1_page.open_case_requested.connect(self.open_case)
            self._add_page(self.tr("Lijn 1"), self.line1_page)
        if ctx.can(Action.CASE_LIST):
            self.cases_page = CasesPage(ctx)
            self.cases_page.open_case_requested.connect(self.open_case)
            self._add_page(self.tr("Zaken (lijn 2)"), self.cases_page)
        if ctx.can(Action.DEADLINES_VIEW) or ctx.can(Action.DEADLINES_COUNT):
            self.deadlines_page = DeadlinesPage(ctx)
            self.deadlines_page.open_case_requested.connect(self.open_case)
            self.deadlines_page.announced.connect(self.show_status)
            self._add_page(self.tr("Termijnen"), self.deadlines_page)
        if ctx.can(Action.MEDIATION_READ):
            self.mediation_page = MediationPage(ctx)
            self._add_page(self.tr("Mediation"), self.mediation_page)
        if ctx.can(Action.FIGURES_VIEW):
            self.reports_page = ReportsPage(ctx)
            self._add_page(self.tr("Rapportages"), self.reports_page)
        if ctx.can(Action.USER_MANAGE):
            self.admin_page = AdminPage(ctx)
            self.admin_page.announced.connect(self.show_status)
            self.admin_page.idle_minutes_saved.connect(self._idle_minutes_saved)
            self._add_page(self.tr("Beheer"), self.admin_page)
        elif ctx.can(Action.CONFLICTS_VIEW):  # management: the conflict list (in Beheer for admins)
            self.conflicts_page = ConflictsPage(ctx)
            self.conflicts_page.decided.connect(self.show_status)
            self._add_page(self.tr("Conflictzaken"), self.conflicts_page)
        self.nav.currentRowChanged.connect(self._page_changed)
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 40, 170))

        self.content = QWidget()
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        # The login line "3 termijnen binnen 7 dagen": a link to the Termijnen page.
        self.due_soon = DueSoonLine(ctx)
        self.due_soon.open_requested.connect(lambda: self.show_page(self.deadlines_page))
        column.addWidget(self.due_soon)
        row = QHBoxLayout()
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        column.addLayout(row, 1)

        self.lock_screen = LockScreen(f"{ctx.user_name} ({ctx.actor.username})")
        self.lock_screen.unlock_requested.connect(self._unlock)
        self.lock_screen.logout_requested.connect(self.request_logout)
        self.outer = QStackedWidget()
        self.outer.addWidget(self.content)
        self.outer.addWidget(self.lock_screen)
        self.setCentralWidget(self.outer)

        self._build_menus()
        self._build_status_bar()

        minutes = ctx.facts.idle_lock_minutes
        self.idle = IdleWatcher(idle_lock_ms or minutes * 60_000, self)
        self.idle.idle.connect(self.lock)
        self.idle.start()
        # Each role starts where it works: jurists on the cases, administrators on Beheer.
        start = (
            {
                Role.JURIST: self.cases_page,
                Role.ADMIN: self.admin_page,
                Role.MANAGER: self.reports_page,
            }.get(ctx.role)
            if ctx.role is not None
            else None
        )
        if not self.show_page(start) and self.nav.count():
            self.nav.setCurrentRow(0)

    # -- building --------------------------------------------------------------------
    def _add_page(self, title: str, page: QWidget) -> None:
        self.pages.addWidget(page)
        item = QListWidgetItem(title)
        item.setSizeHint(QSize(0, int(self.fontMetrics().height() * 2.2)))
        self.nav.addItem(item)

    def _page_changed(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        page = self.pages.currentWidget()
        activate = getattr(page, "activate", None)
        if activate is not None:
            activate()

    def show_page(self, page: QWidget | None) -> bool:
        if page is None:
            return False
        index = self.pages.indexOf(page)
        if index < 0:
            return False
        self.nav.setCurrentRow(index)
        return True

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcuts: tuple[QKeySequence, ...] = (),
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts(list(shortcuts))
            action.setShortcutContext(context)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&Bestand"))
        if self.line1_page is not None:
            # Ctrl+N works from every window of the application (case windows too).
            self.new_line1_action = self._action(
                self.tr("Nieuwe registratie &lijn 1"),
                self.new_line1,
                (SHORTCUT_NEW_LINE1,),
                Qt.ShortcutContext.ApplicationShortcut,
            )
            file_menu.addAction(self.new_line1_action)
            new_case = self._action(
                self.tr("Nieuwe &tweedelijnszaak"), self.new_line2_case, (SHORTCUT_NEW_LINE2,)
            )
            file_menu.addAction(new_case)
        if self.cases_page is not None:
            search = self._action(self.tr("&Zoeken"), self.focus_search, SHORTCUTS_SEARCH)
            file_menu.addAction(search)
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("&Vergrendelen"), self.lock_now, (SHORTCUT_LOCK,)))
        file_menu.addAction(self._action(self.tr("&Afmelden"), self.request_logout))
        file_menu.addAction(
            self._action(self.tr("A&fsluiten"), self.close, (QKeySequence("Ctrl+Q"),))
        )

        view_menu = bar.addMenu(self.tr("B&eeld"))
        lang_menu = view_menu.addMenu(self.tr("&Taal"))
        group = QActionGroup(self)
        for code, name in i18n.LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == i18n.saved_language())
            action.triggered.connect(lambda _checked=False, c=code: self._set_language(c))
            group.addAction(action)
            lang_menu.addAction(action)

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&Sneltoetsen"), self._show_shortcuts))
        help_menu.addAction(self._action(self.tr("&Over ikodesk"), self._show_about))

    def _build_status_bar(self) -> None:
        ctx = self.ctx
        status = self.statusBar()
        self.user_label = QLabel(
            self.tr("Gebruiker: {0} ({1})").format(ctx.user_name, ctx.actor.username)
        )
        role = enum_label(ctx.role) if ctx.role is not None else self.tr("sleutelhouder")
        self.role_label = QLabel(self.tr("Rol: {0}").format(role))
        self.db_label = QLabel(self.tr("Database: {0}").format(ctx.facts.location))
        self.db_label.setToolTip(ctx.facts.location)
        for w in (self.user_label, self.role_label, self.db_label):
            w.setContentsMargins(6, 0, 6, 0)
            status.addPermanentWidget(w)

    def show_status(self, text: str) -> None:
        """What a page did, in the status bar for a few seconds."""
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    def _idle_minutes_saved(self, minutes: int) -> None:
        self.idle.set_timeout_ms(minutes * 60_000)

    # -- actions -----------------------------------------------------------------------
    def new_line1(self) -> None:
        if self.locked or self.line1_page is None:
            return
        self.show_page(self.line1_page)
        self.raise_()
        self.activateWindow()
        self.line1_page.start_new()

    def new_line2_case(self) -> None:
        if not self.locked:
            self.open_case(None)

    def focus_search(self) -> None:
        if self.cases_page is not None and not self.locked:
            self.show_page(self.cases_page)
            self.cases_page.focus_search()

    def open_case(self, case_id: int | None, *, add_contact: bool = False) -> CaseWindow:
        if case_id is not None:
            for window in self.case_windows.get(case_id, []):
                if window.is_loading():  # it shows itself when loaded (and if allowed)
                    if add_contact:
                        window.new_contact_when_loaded()
                    return window
                window.show()
                window.raise_()
                window.activateWindow()
                if add_contact:
                    window.new_contact()
                return window
        window = CaseWindow(self.ctx, case_id, parent=self)
        window.present_requested.connect(lambda w=window: self.present(w))
        window.saved.connect(self._case_saved)
        window.open_case_requested.connect(self.open_case)
        window.walled.connect(self._case_walled)
        window.destroyed.connect(lambda _obj=None, w=window: self._forget_window(w))
        self.case_windows.setdefault(case_id, []).append(window)
        window.show_when_loaded()  # a refused case: a message, no window
        if add_contact:
            window.new_contact_when_loaded()
        return window

    def present(self, window: QWidget) -> None:
        """Show a window that has finished loading; while locked, after the unlock."""
        if self.locked:
            self._hidden_on_lock.append(window)
            return
        window.show()
        window.raise_()
        window.activateWindow()

    def _forget_window(self, window: CaseWindow) -> None:
        for key, windows in list(self.case_windows.items()):
            if window in windows:
                windows.remove(window)
                if not windows:
                    del self.case_windows[key]

    def _case_walled(self, message: str) -> None:
        """A case window closed because its case is now walled for this user: say why."""
        self.show_status(message)
        self.walled_box = inform(self, self.tr("Zaak afgeschermd"), message)

    def _case_saved(self, case_id: int) -> None:
        for key, windows in list(self.case_windows.items()):
            for w in windows:
                if key is None and w.case_id == case_id:
                    windows.remove(w)
                    self.case_windows.setdefault(case_id, []).append(w)
        # The lists refresh themselves on the worker's `changed` (ui.common.changes).

    def _set_language(self, code: str) -> None:
        i18n.save_language(code)
        inform(
            self,
            self.tr("Taal"),
            self.tr("De taal wordt toegepast wanneer u ikodesk opnieuw start."),
        )

    def _show_shortcuts(self) -> None:
        rows = [
            (
                SHORTCUT_NEW_LINE1.toString(QKeySequence.SequenceFormat.NativeText),
                self.tr("nieuwe registratie lijn 1 (vanuit elk venster)"),
            ),
            (
                SHORTCUT_NEW_LINE2.toString(QKeySequence.SequenceFormat.NativeText),
                self.tr("nieuwe tweedelijnszaak"),
            ),
            ("Ctrl+K / Ctrl+F", self.tr("zoeken in zaken")),
            ("Ctrl+S", self.tr("zaak opslaan")),
            ("Ctrl+Shift+N", self.tr("nieuw contactmoment in een zaak")),
            ("Enter", self.tr("registratie lijn 1 opslaan; zaak openen in de lijst")),
            (
                SHORTCUT_LOCK.toString(QKeySequence.SequenceFormat.NativeText),
                self.tr("vergrendelen"),
            ),
        ]
        text = (
            "<table>"
            + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
            + "</table>"
        )
        inform(self, self.tr("Sneltoetsen"), text)

    def _show_about(self) -> None:
        from ikodesk import __version__

        inform(
            self,
            self.tr("Over ikodesk"),
            self.tr(
                "ikodesk {0}<br>Zaakregistratie van het Centrum Internationale "
                "Kinderontvoering en het Mediation Bureau."
            ).format(__version__),
        )

    # -- locking ------------------------------------------------------------------------
    def lock_now(self) -> None:
        """Ctrl+L: locked on purpose (the lock screen says so, not "idle")."""
        self.lock(manual=True)

    def lock(self, manual: bool = False) -> None:
        if self.locked:
            return
        self.lock_screen.show_reason(manual=manual)
        self.locked = True
        self.idle.stop()
        # Hide every other window (case windows, dialogs) without closing it: input stays.
        self._hidden_on_lock = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isVisible() and not w.isHidden()
        ]
        for w in self._hidden_on_lock:
            w.hide()
        self.outer.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        self.lock_screen.reset()
        self.locked_changed.emit(True)

    def _unlock(self, password: str) -> None:
        username = self.ctx.actor.username

        def job(app: Application) -> None:
            # Through the application: on the office server the server checks the password.
            app.log_in(username, password)  # the services' checks: audited, throttled

        def failed(exc: BaseException) -> None:
            if isinstance(exc, AuthenticationError):
                # The service's one answer for every failure: it also tells of the
                # growing delay and the lock, which a bare "wrong password" would hide.
                self.lock_screen.failed(service_text(exc))
            else:
                self.lock_screen.reset()
                show_error(self, exc)

        self.ctx.worker.call(job, lambda _r: self.unlock_done(), failed, owner=self)

    def unlock_done(self) -> None:
        self.locked = False
        self.lock_screen.unlocked()
        self.outer.setCurrentWidget(self.content)
        self.menuBar().setEnabled(True)
        for w in self._hidden_on_lock:
            if shiboken6.isValid(w):  # (a window may have been deleted meanwhile)
                w.show()
        self._hidden_on_lock = []
        self.idle.start()
        self.locked_changed.emit(False)

    # -- logging out and closing ---------------------------------------------------------
    def request_logout(self) -> None:
        """Log out; unsaved case windows are discarded only after a yes."""
        dirty = self.unsaved_windows()
        if not dirty:
            self._close_confirmed = True
            self.logout_requested.emit()
            return

        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Discard:
                self._close_confirmed = True
                self.logout_requested.emit()

        self.confirm_box = ask(
            self,
            self.tr("Afmelden"),
            self.tr(
                "Afmelden verwerpt de niet-opgeslagen wijzigingen in {0} zaakvenster(s). "
                "Toch afmelden?"
            ).format(len(dirty)),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            answered,
            QMessageBox.StandardButton.Cancel,
        )

    # -- closing -------------------------------------------------------------------------
    def unsaved_windows(self) -> list[QWidget]:
        dirty: list[QWidget] = [w for ws in self.case_windows.values() for w in ws if w.is_dirty()]
        if self.mediation_page is not None:
            dirty += self.mediation_page.unsaved_windows()
        return dirty

    def closeEvent(self, event: QCloseEvent) -> None:
        dirty = self.unsaved_windows()
        if dirty and not self._close_confirmed:
            event.ignore()
            if self.locked:
                return  # nobody may decide about the changes while locked

            def answered(button: QMessageBox.StandardButton) -> None:
                if button == QMessageBox.StandardButton.Discard:
                    self._close_confirmed = True
                    self.close()
                else:
                    dirty[0].show()
                    dirty[0].raise_()

            self.confirm_box = ask(
                self,
                self.tr("Niet-opgeslagen wijzigingen"),
                self.tr(
                    "{0} zaakvenster(s) hebben wijzigingen die nog niet zijn opgeslagen. "
                    "Toch afsluiten en de wijzigingen verwerpen?"
                ).format(len(dirty)),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                answered,
                QMessageBox.StandardButton.Cancel,
            )
            return
        for ws in list(self.case_windows.values()):
            for w in list(ws):
                w.discard_and_close()
        self.idle.remove()
        event.accept()
