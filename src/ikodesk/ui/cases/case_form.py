"""The case form (Line 2, and Line 1 cases opened from a list) with its contact moments.

The code decides which fields show (`validation.code_rule`); the services'
checks (`cases.check_case`) are shown next to the fields, in Dutch, before
anything is saved. Unsaved changes are never lost silently.

Its parts: `case_sections`, `contacts`, `case_problems`, `close_dialog`; the
worker calls `app.cases` (services.usecases.cases).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ikodesk.errors import ConcurrentChange, HandlerWalled, ServerUnavailable, ValidationError
from ikodesk.models.enums import (
    CloseReason,
    RequesterKind,
)
from ikodesk.services.application import Application
from ikodesk.services.case_detail import CaseDetail
from ikodesk.services.case_facets import HandlerChoice
from ikodesk.services.validation import CaseData, FieldProblem
from ikodesk.ui.cases import case_actions, case_clocks, concurrent
from ikodesk.ui.cases.case_guard import FamilyNoticeBar, FamilyWatch, WallWatch
from ikodesk.ui.cases.case_problems import CaseProblems
from ikodesk.ui.cases.case_sections import (
    CaseHeader,
    CaseSection,
    ChildrenSection,
    OtherParentSection,
    RequesterSection,
    SummarySection,
)
from ikodesk.ui.cases.case_status import case_status_text
from ikodesk.ui.cases.close_dialog import CloseDialog
from ikodesk.ui.cases.contacts import ContactDialog, ContactsPanel
from ikodesk.ui.common.changes import CASES
from ikodesk.ui.common.editor_window import EditorWindow
from ikodesk.ui.common.field_errors import ERROR_STYLE
from ikodesk.ui.common.messages import save_failed_text, service_text, show_error
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label

VALIDATE_DELAY_MS = 300
OK_STYLE = "color: #1d5e20;"


class CaseWindow(EditorWindow):
    """One case in its own window (several can be open side by side)."""

    saved = Signal(int)
    loaded = Signal()
    validated = Signal(list)  # the problems shown
    present_requested = Signal()  # loaded and allowed: the main window shows it
    open_case_requested = Signal(int)  # the person's earlier case (the typing check)
    walled = Signal(str)  # the case is now walled for this user: why the window closed
    close_dialog: CloseDialog
    contact_dialog: ContactDialog | None

    def __init__(
        self,
        ctx: AppContext,
        case_id: int | None,
        *,
        line: int = 2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.case_id = case_id
        self.ref: str | None = None
        self.line = line
        self._dirty = False
        self._version: int | None = None  # the stored version shown (optimistic locking)
        self._typed: CaseData | None = None  # what the last save sent
        self._loading = True
        self._saving = False
        self._live_validation = case_id is not None
        self._closed: date | None = None
        self._close_reason: CloseReason | None = None
        self._close_after_save = False
        self._contact_pending = False
        self._reveal_when_loaded = False
        self.conflict = False
        self.printed_path: Path | None = None  # the last dossier PDF written (Afdrukken)
        # The handler the policy last refused, with its message: shown at the field for
        # as long as that handler stays chosen (the services decide again on each save).
        self._refused_handler: tuple[str, str] | None = None
        self.errors = CaseProblems()
        self.error_labels = self.errors.labels  # by field name, for the tests
        self.problems: list[FieldProblem] = []
        self.setWindowTitle(self.tr("Nieuwe zaak") if case_id is None else self.tr("Zaak laden…"))
        self.resize(1280, 860)
        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate)
        self._load()

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        ctx = self.ctx
        header = CaseHeader()  # reference, status and the actions
        self.title, self.status_label = header.title, header.status_label
        self.conflict_badge, self.save_button = header.conflict_badge, header.save_button
        self.close_case_button, self.reopen_button = header.close_case_button, header.reopen_button
        self.print_button = header.print_button
        self.print_button.clicked.connect(lambda: self.print_dossier())
        self.save_button.clicked.connect(self.save)
        self.close_case_button.clicked.connect(self.close_case)
        self.reopen_button.clicked.connect(self.reopen_case)

        # -- the case, who asks, the other parent (ui.cases.case_sections) ------------
        home = (ctx.facts.netherlands,) if ctx.facts.netherlands else ()
        case_box = CaseSection(self.line, ctx.facts.countries, self.errors.wrap, home)
        req_box = RequesterSection(self.errors.wrap)
        other_box = OtherParentSection(self.errors.wrap)
        self.case_section, self.requester, self.other_parent = case_box, req_box, other_box
        # The fields the tests and screenshots reach by name.
        self.code, self.opened, self.handler = case_box.code, case_box.opened, case_box.handler
        self.country, self.direction = case_box.country, case_box.direction
        self.taker, self.mover = case_box.taker, case_box.mover
        self.req_kind, self.req_side = req_box.kind, req_box.side
        self.req_parent_relation = req_box.parent_relation
        self.req_first, self.req_last = req_box.person.first, req_box.person.last
        self.req_birth = req_box.person.birth
        self.other_known, self.other_relation = other_box.known, other_box.relation
        self.other_first, self.other_last = other_box.person.first, other_box.person.last

        # -- children, the clocks (ui.cases.case_clocks) and summary ----------------------
        children_box = ChildrenSection()
        children_box.add_error(self.errors.label("children", children_box.editor.view))
        self.clock_section = case_clocks.ClockSection(ctx.facts, self.errors.wrap, self.collect)
        summary_box = SummarySection()
        summary_box.add_error(self.errors.label("summary", summary_box.summary))
        self.children_editor, self.summary = children_box.editor, summary_box.summary
        self.errors.focus_child = self.children_editor.focus_cell
        self.children_editor.problem_changed.connect(
            lambda text: self.errors.live("children", text)
        )

        # One column, in the order a case is told: the case and its clocks, who asks, the other
        # parent, the children, the summary. It fits beside the contact moments even at 150%.
        left = QWidget()
        lv = QVBoxLayout(left)
        for box in (case_box, self.clock_section, req_box, other_box, children_box, summary_box):
            lv.addWidget(box)
        lv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        self.form_scroll = scroll

        # -- contact moments ---------------------------------------------------------
        contacts_box = ContactsPanel()
        self.contacts_panel = contacts_box
        self.new_contact_button = contacts_box.new_button
        self.new_contact_button.clicked.connect(self.new_contact)
        self.contacts_model = contacts_box.model
        char = self.fontMetrics().averageCharWidth()

        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(contacts_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([11 * char * 10, 9 * char * 10])
        scroll.setMinimumWidth(char * 60)

        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        # The typing check's notice (ui.cases.case_guard), between the message and the form.
        self.family_bar = FamilyNoticeBar()
        self.family_bar.open_requested.connect(self.open_case_requested)
        self.family = FamilyWatch(
            ctx, self.family_bar, self._family_record, self._exclude_handlers, self
        )
        # A handler chosen instead of an excluded one: the mark goes at once.
        self.handler.currentIndexChanged.connect(
            lambda: self._exclude_handlers(self.family.notice.excluded_handlers)
        )
        self.wall_watch = WallWatch(ctx, self, lambda: self.case_id)
        self.wall_watch.walled.connect(self._walled_now)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.family_bar)
        layout.addWidget(splitter, 1)
        self.message.hide()

        # -- behaviour ---------------------------------------------------------------
        self.code.currentIndexChanged.connect(case_box.code_changed)
        self.code.currentIndexChanged.connect(self._code_changed)
        self.clock_section.attach(self.code, self._changed)
        self.req_kind.currentIndexChanged.connect(req_box.kind_changed)
        self.opened.textChanged.connect(self._opened_changed)
        for w in (self.code, self.handler, self.direction, self.taker, self.mover):
            w.currentIndexChanged.connect(self._changed)
        for w in (*req_box.combos(), self.other_relation):
            w.currentIndexChanged.connect(self._changed)
        for e in (*req_box.line_edits(), *other_box.person.line_edits()):
            e.textChanged.connect(self._changed)
        self.opened.textChanged.connect(self._changed)
        self.country.changed.connect(self._changed)
        self.other_known.toggled.connect(self._changed)
        self.children_editor.changed.connect(self._changed)
        self.summary.textChanged.connect(self._changed)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.new_contact)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(QKeySequence("Ctrl+P"), self, lambda: self.print_dossier())

        case_box.code_changed()
        self._code_changed()
        req_box.kind_changed()
        self._update_header()

    # -- dynamic fields ------------------------------------------------------------------
    def _code_changed(self) -> None:
        self.requester.set_code(self.case_section.current_code())

    def opened_day(self) -> date | None:
        """The opening date typed, None while it is no (plausible) date."""
        return self.opened.reading().day

    def _opened_changed(self) -> None:
        day = self.opened_day()
        self.country.set_reference_date(day)
        self.children_editor.model.set_opened(day)

    # -- loading ---------------------------------------------------------------------
    def _load(self) -> None:
        actor, case_id = self.ctx.actor, self.case_id

        def failed(exc: BaseException) -> None:
            self._loading = False
            if case_id is None:
                show_error(self, exc)
                return
            # Refused (a conflict wall, a role) or gone: the message stays on the main
            # window, this window (never shown, holding nothing) goes.
            show_error(self.parentWidget(), exc)
            self.discard_and_close()

        self.ctx.worker.call(
            lambda app: app.cases.form(actor, case_id), self._loaded, failed, owner=self
        )

    def _loaded(self, result: tuple[CaseDetail | None, list[HandlerChoice]]) -> None:
        loaded, handlers = result
        current = loaded.data.handler if loaded else self.ctx.actor.username
        self.case_section.set_handlers(handlers, current)
        if loaded is not None:
            self._version = loaded.version
            self.ref = loaded.ref
            self.line = loaded.data.line
            self.conflict = loaded.conflict
            self._show_data(loaded.data)
            self.contacts_panel.set_items(loaded.contacts)
        else:
            self._opened_changed()
        self._loading = False
        self._dirty = False
        self._update_header()
        if self._reveal_when_loaded:
            self._reveal_when_loaded = False
            self._present()
        self.loaded.emit()
        self.code.setFocus()
        if self._contact_pending:
            self._contact_pending = False
            self.new_contact()

    def _show_data(self, d: CaseData) -> None:
        self._loading = True
        self.case_section.fill(d)
        self.requester.fill(d.requester)
        self.other_parent.fill(d.other_parent)
        self.children_editor.model.set_children(d.children)
        self.summary.setPlainText(d.summary or "")
        self.clock_section.fill(d)
        self._closed, self._close_reason = d.closed, d.close_reason
        self._opened_changed()

    # -- showing ------------------------------------------------------------------------
    def show_when_loaded(self) -> None:
        """Show the window once its case has loaded: a refused case opens no window."""
        if self._loading and self.case_id is not None:
            self._reveal_when_loaded = True
        else:
            self._present()

    def _present(self) -> None:
        if self.parentWidget() is not None:
            self.present_requested.emit()
        else:
            self.show()
            self.raise_()
            self.activateWindow()

    # -- state ------------------------------------------------------------------------
    def is_loading(self) -> bool:
        return self._loading

    def is_dirty(self) -> bool:
        return self._dirty

    def _changed(self, *_args: Any) -> None:
        if self._loading:
            return
        self.clock_section.schedule()
        if not self._dirty:
            self._dirty = True
            self._update_header()
        if self._live_validation:
            self._validate_timer.start()
        self.family.schedule()

    def _family_record(self) -> tuple[CaseData | None, int | None]:
        """The record as typed, for the typing check (None while loading or saving)."""
        if self._loading:
            return None, self.case_id
        return self.collect()[0], self.case_id

    def _update_header(self) -> None:
        is_new = self.case_id is None
        ref = self.ref or self.tr("nieuwe zaak")
        self.title.setText(ref + (" *" if self._dirty else ""))
        self.setWindowTitle(("* " if self._dirty else "") + self.tr("{0} — ikodesk").format(ref))
        reason = enum_label(self._close_reason) if self._close_reason else ""
        status = case_status_text(is_new, self._closed, reason, QCoreApplication.translate)
        self.status_label.setText(status)
        self.conflict_badge.setVisible(self.conflict)
        self.case_section.closed_info.setText(self.tr("Status: {0}").format(status))
        self.close_case_button.setVisible(not is_new and self._closed is None)
        self.reopen_button.setVisible(not is_new and self._closed is not None)
        self.new_contact_button.setEnabled(not is_new)
        self.print_button.setVisible(not is_new)
        self.clock_section.schedule()  # loaded, saved, closed: the clocks follow

    def _say(self, text: str, style: str = ERROR_STYLE) -> None:
        """A sentence on the message line above the form."""
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.message.show()

    # -- collecting and validating ---------------------------------------------------------
    collect = case_actions.collect

    def validate(self, then_save: bool = False) -> None:
        data, local = self.collect()

        def done(found: list[FieldProblem]) -> None:
            problems = local + [p for p in found if p.field not in {q.field for q in local}]
            self.show_problems(problems)
            if then_save:
                if problems:
                    self._saving = False
                    self.save_button.setEnabled(True)
                    self._close_after_save = False
                    self._focus_first_problem()
                else:
                    self._store(data)

        self.ctx.worker.call(
            lambda app: app.cases.check(data),
            done,
            self._save_failed if then_save else self._check_failed,
            owner=self,
        )

    def _check_failed(self, exc: BaseException) -> None:
        """The check while typing did not get through: the office server gone is said on
        the message line (once, not a box per pause in the typing)."""
        message = save_failed_text(exc) if isinstance(exc, ServerUnavailable) else None
        if message is None:
            show_error(None, exc)  # a bug: as for any job without its own handler
            return
        self._say(message)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        refused = self._refused_handler
        refusal: FieldProblem | None = None
        if (
            refused is not None
            and self.handler.currentData() == refused[0]
            and not any(p.field == "handler" for p in problems)
        ):
            refusal = FieldProblem("handler", refused[1])
            problems = [*problems, refusal]
        self.problems = problems
        family = self.req_kind.currentData() == RequesterKind.FAMILY
        other = self.errors.show(problems, refusal, family)
        if problems:
            count = len(self.errors.shown) or len(problems)
            text = (
                self.tr("Nog niet opgeslagen: 1 veld vraagt aandacht.")
                if count == 1
                else self.tr("Nog niet opgeslagen: {0} velden vragen aandacht.").format(count)
            )
            self._say(" ".join([text, *other]))
        else:
            self.message.hide()
        self.validated.emit(problems)

    def _focus_first_problem(self) -> None:
        """Scroll to the first field with a problem and put the cursor there."""
        if not self.errors.focus_first() and self.problems:
            self.message.setFocus()

    # -- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        if self._saving or self._loading:
            return
        self.children_editor.commit_editing()  # Ctrl+S while a child's cell is typed
        self._saving = True
        self._live_validation = True
        self.save_button.setEnabled(False)
        self._validate_timer.stop()  # saving validates; a later result would hide its answer
        self.validate(then_save=True)

    def _store(self, data: CaseData) -> None:
        actor, case_id = self.ctx.actor, self.case_id
        version, self._typed = self._version, data
        self._change(lambda app: app.cases.store(actor, case_id, data, version), self._stored)

    def _change(self, job: Callable[[Application], Any], done: Callable[[Any], None]) -> None:
        """Run a job that changes the case; the worker tells every screen (ui.common.changes)."""
        self.ctx.worker.call(job, done, self._save_failed, owner=self, changes=CASES)

    def _stored(self, loaded: CaseDetail) -> None:
        if loaded.walled:
            # Handed over to a colleague on the other side of the family: saved, and
            # from now on behind the wall for this user.
            self.case_id, self.ref = loaded.id, loaded.ref
            self.saved.emit(loaded.id)
            self.close_walled(
                self.tr(
                    "Opgeslagen als {0} en overgedragen. Deze zaak is voor u afgeschermd: u "
                    "staat aan de andere kant van deze familie. Het venster is gesloten."
                ).format(loaded.ref)
            )
            return
        self._version = loaded.version
        self._saving = False
        self.save_button.setEnabled(True)
        self.case_id = loaded.id
        self.ref = loaded.ref
        self.conflict = loaded.conflict
        self._refused_handler = None
        self._dirty = False
        self._say(self.tr("Opgeslagen."), OK_STYLE)
        self._update_header()
        self.saved.emit(loaded.id)
        if self._close_after_save:
            self.discard_and_close()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._close_after_save = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
            return
        if isinstance(exc, ConcurrentChange):  # saved by someone else first: nothing written
            self.concurrent_box = concurrent.offer(self, exc, self._typed, reload=self._load)
            return
        if isinstance(exc, HandlerWalled):
            # The chosen handler stands on the other side of this family's conflict:
            # nothing was written. The policy's message, as it is, next to the field.
            self._refused_handler = (self.handler.currentData(), service_text(exc))
            self.show_problems([])
            self._say(self.tr("Niet opgeslagen: kies een andere behandelaar."))
            self.handler.setFocus()
            return
        # The office server gone: which one, what to check, and that nothing typed is lost.
        message = save_failed_text(exc)
        if message is None:
            show_error(self, exc)
            return
        self._say(message)

    # -- actions, the typing check, walls (ui.cases.case_actions) -------------------------
    close_case = case_actions.close_case
    _do_close = case_actions._do_close
    reopen_case = case_actions.reopen_case
    _status_changed = case_actions._status_changed
    new_contact_when_loaded = case_actions.new_contact_when_loaded
    new_contact = case_actions.new_contact
    print_dossier = case_actions.print_dossier
    _dossier_printed = case_actions._dossier_printed
    _print_failed = case_actions._print_failed
    _exclude_handlers = case_actions._exclude_handlers
    close_walled = case_actions.close_walled
    _walled_now = case_actions._walled_now
    _forget_personal_data = case_actions._forget_personal_data

    # -- closing the window --------------------------------------------------------------
    def unsaved_question(self) -> str:
        if self.ref is None:
            return self.tr("Deze nieuwe zaak is nog niet opgeslagen.")
        return self.tr("De wijzigingen in zaak {0} zijn nog niet opgeslagen.").format(self.ref)
