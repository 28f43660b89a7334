"""One mediation request in its own window: the registration and the workflow.

Left, the registration (kind, date, referral, a linked centre case with its
basic facts only, the parents, the children), saved with Ctrl+S through
`mediation.register_request` / `update_request`. Right, the workflow: one
row per step with what happened so far and the step's button, enabled by
the steps the mediation's status allows (`MediationDetail.steps`). Unsaved
changes to the registration are never lost silently.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ikodesk.errors import ValidationError
from ikodesk.models.enums import (
    Action,
    MediationKind,
    MediationStatus,
    ReferredBy,
)
from ikodesk.services.application import Application
from ikodesk.services.mediation import (
    Assignment,
    MediationDetail,
    RequestData,
    Step,
)
from ikodesk.services.validation import ChildData, FieldProblem, MediationParentData
from ikodesk.ui.cases.children_editor import ChildrenEditor
from ikodesk.ui.common.changes import MEDIATIONS
from ikodesk.ui.common.editor_window import EditorWindow
from ikodesk.ui.common.field_errors import ERROR_STYLE, FieldErrors
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.problems import problem_text
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.mediation.mediation_list import status_text
from ikodesk.ui.mediation.mediation_steps import (
    WARNING_STYLE,
    StepDialog,
    select_data,
)
from ikodesk.ui.mediation.request_sections import ParentFields, RequestSection
from ikodesk.ui.mediation.workflow_panel import WorkflowPanel

OK_STYLE = "color: #1d5e20;"
STATUS_STYLES = {
    MediationStatus.REQUESTED: "background:#d6e2f3; color:#1f3b63;",
    MediationStatus.RUNNING: "background:#d3ebd3; color:#1d5e20;",
    MediationStatus.NOT_STARTED: "background:#dcdfe4; color:#2b2f36;",
    MediationStatus.ENDED: "background:#e2d9f0; color:#3d2466;",
}


class MediationWindow(EditorWindow):
    """One mediation request: its registration and its workflow."""

    saved = Signal(int)  # the mediation id, after any change was stored
    loaded = Signal()
    validated = Signal(list)  # the problems shown after saving was tried

    def __init__(
        self, ctx: AppContext, mediation_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.mediation_id = mediation_id
        self.detail: MediationDetail | None = None
        self.writable = ctx.can(Action.MEDIATION_WRITE)
        self._dirty = False
        self._loading = True  # until the fields show what is stored (or the defaults)
        self._saving = False
        self._close_after_save = False
        # Which parent box each parent sent to the services came from (for their messages).
        self._parent_index: list[int] = [0, 1]
        self.errors = FieldErrors()
        self.setWindowTitle(
            self.tr("Nieuwe mediationaanvraag") if mediation_id is None else self.tr("Laden…")
        )
        self.resize(1280, 860)
        self._build()
        if mediation_id is not None:
            self._load()
        else:
            self.requested.set_value(date.today())
            self._refresh_children_date()
            self._loading = False
            self._update_header()
            self._update_workflow()
            self.kind.setFocus()

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = title_label()
        self.title.setObjectName("mediationTitle")
        self.status_label = QLabel()
        self.status_label.setObjectName("mediationStatus")
        self.save_button = QPushButton(self.tr("&Opslaan"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.status_label)
        header.addStretch(1)
        header.addWidget(self.save_button)

        left = QWidget()
        lv = QVBoxLayout(left)
        self.request = RequestSection(self.ctx, self.errors)
        lv.addWidget(self.request)
        self.kind, self.requested = self.request.kind, self.request.requested
        self.referred_by, self.case_ref = self.request.referred_by, self.request.case_ref
        self.case_facts, self._look_up_case = self.request.case_facts, self.request.look_up_case
        self.parents = [
            ParentFields(i, self.ctx.facts.residence_countries, self.errors) for i in range(2)
        ]
        parents_row = QHBoxLayout()
        for p in self.parents:
            parents_row.addWidget(p.box)
        lv.addLayout(parents_row)
        children_box = QGroupBox(self.tr("Kinderen"))
        cv = QVBoxLayout(children_box)
        self.children_editor = ChildrenEditor(
            age_hint=self.tr(
                "Leeftijd op de aanvraagdatum; vul alleen in als de geboortedatum onbekend is"
            ),
            opened_what=self.tr("de aanvraagdatum"),
        )
        cv.addWidget(self.children_editor)
        cv.addWidget(self.errors.label("children", self.children_editor.view))
        self.children_editor.problem_changed.connect(
            lambda text: self.errors.live("children", text)
        )
        lv.addWidget(children_box)
        lv.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setWidget(left)

        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        self.workflow = WorkflowPanel(self.ctx, self.writable)
        self.workflow.step_done.connect(self._step_done)
        self.workflow.step_refused.connect(self.show_message)
        self.workflow.asked.connect(self._asked)
        w = self.workflow  # the workflow's widgets, by the names the tests use
        self.start_button, self.not_continue_button = w.start_button, w.not_continue_button
        self.reopen_button, self.curator_button = w.reopen_button, w.curator_button
        self.mediators_button, self.intake_button = w.mediators_button, w.intake_button
        self.interview_button, self.outcome_button = w.interview_button, w.outcome_button
        self.remove_interview_button, self.interviews = w.remove_interview_button, w.interviews
        self.decision_value, self.curator_value = w.decision_value, w.curator_value
        self.mediators_value, self.intake_value = w.mediators_value, w.intake_value
        self.interviews_value, self.outcome_value = w.interviews_value, w.outcome_value
        self.workflow_hint, self.step_buttons = w.hint, w.step_buttons
        self.start, self.not_continue, self.curator = w.start, w.not_continue, w.curator
        self.assign_mediators, self.intake = w.assign_mediators, w.intake
        self.add_interview, self.outcome = w.add_interview, w.outcome
        self.reopen, self.remove_interview = w.reopen, w.remove_interview
        right_scroll.setWidget(self.workflow)

        char = self.fontMetrics().averageCharWidth()
        splitter = QSplitter()
        splitter.addWidget(left_scroll)
        splitter.addWidget(right_scroll)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([char * 100, char * 80])
        left_scroll.setMinimumWidth(char * 60)
        right_scroll.setMinimumWidth(char * 55)

        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        # -- behaviour ------------------------------------------------------------------
        for combo in (self.kind, self.referred_by, *(p.relation for p in self.parents)):
            combo.currentIndexChanged.connect(self._changed)
        for edit in (
            self.requested,
            self.request.court_hearing,
            self.case_ref,
            *(w for p in self.parents for w in (p.first, p.last, p.birth)),
        ):
            edit.textChanged.connect(self._changed)
        for p in self.parents:
            p.country.changed.connect(self._changed)
        self.children_editor.changed.connect(self._changed)
        self.requested.textChanged.connect(self._refresh_children_date)
        self.request.watch_case_ref()
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        self.workflow.connect_delete_key()

        # The tab order is the reading order: the request, parent 1, parent 2, the
        # children, then the workflow from top to bottom.
        chain: list[QWidget] = [self.kind, self.requested, self.referred_by]
        chain += [self.request.court_hearing, self.case_ref]
        for p in self.parents:
            chain += p.widgets()
        chain += [
            self.children_editor.view,
            self.children_editor.add_button,
            self.children_editor.remove_button,
        ]
        steps = self.step_buttons()
        chain += [*steps[:-1], self.interviews, steps[-1]]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    # -- loading and showing --------------------------------------------------------------
    def _load(self) -> None:
        actor, mid = self.ctx.actor, self.mediation_id
        assert mid is not None

        def failed(exc: BaseException) -> None:
            self._loading = False
            show_error(self.parentWidget() or self, exc)
            self.discard_and_close()

        self.ctx.worker.call(
            lambda app: app.mediation.get(actor, mid), self._loaded, failed, owner=self
        )

    def _loaded(self, detail: MediationDetail) -> None:
        self.show_detail(detail, refill=True)
        self._loading = False
        self.loaded.emit()
        self.kind.setFocus()

    def show_detail(self, detail: MediationDetail, *, refill: bool) -> None:
        """Show a mediation as the services returned it; the registration fields only
        when `refill` (never over unsaved changes)."""
        self.detail = detail
        self.mediation_id = detail.id
        if refill:
            self._loading = True
            select_data(self.kind, detail.kind.value)
            self.requested.set_value(detail.requested)
            select_data(self.referred_by, detail.referred_by.value if detail.referred_by else None)
            self.request.show_case(detail.case)
            self.request.show_hearing(detail, refill=True)
            for i, p in enumerate(self.parents):
                p.show(detail.parents[i] if i < len(detail.parents) else None)
            self.children_editor.model.set_children(
                [
                    ChildData(
                        c.first_name,
                        c.last_name,
                        c.birth_date,
                        c.age_at_request if c.birth_date is None else None,
                    )
                    for c in detail.children
                ]
            )
            self._refresh_children_date()
            self._dirty = False
            self._loading = False
        self.request.show_hearing(detail, refill=False)
        self._update_header()
        self._update_workflow()

    def _update_header(self) -> None:
        ref = self.detail.ref if self.detail else self.tr("Nieuwe aanvraag")
        self.title.setText(ref + (" *" if self._dirty else ""))
        window = self.detail.ref if self.detail else self.tr("Nieuwe mediationaanvraag")
        self.setWindowTitle(("* " if self._dirty else "") + self.tr("{0} — ikodesk").format(window))
        if self.detail is None:
            self.status_label.setText(self.tr("nog niet opgeslagen"))
            self.status_label.setStyleSheet("")
        else:
            d = self.detail
            self.status_label.setText(status_text(d.status, d.intake, d.outcome))
            self.status_label.setStyleSheet(
                STATUS_STYLES[d.status] + " border-radius:4px; padding:2px 8px;"
            )
        editable = self.writable and (self.detail is None or Step.EDIT in self.detail.steps)
        self.save_button.setEnabled(editable and not self._saving)

    def _update_workflow(self) -> None:
        self.workflow.show_detail(self.detail, self._saving)

    def _refresh_children_date(self) -> None:
        try:
            day = self.requested.value()
        except ValueError:
            day = None
        self.children_editor.model.set_opened(day)

    # -- the linked case ------------------------------------------------------------------
    # -- state ------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self._dirty

    def _changed(self, *_args: Any) -> None:
        if self._loading or self._dirty:
            return
        self._dirty = True
        self._update_header()

    def show_message(self, text: str, style: str = ERROR_STYLE) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- saving the registration ------------------------------------------------------------
    def collect(self) -> tuple[RequestData | None, list[FieldProblem]]:
        """The registration as the services take it, and what is wrong before asking them."""
        problems: list[FieldProblem] = []
        kind = self.kind.currentData()
        if kind is None:
            problems.append(FieldProblem("kind", self.tr("kies IKO of NIKO")))
        try:
            requested = self.requested.value()
        except ValueError as exc:
            requested = None
            problems.append(FieldProblem("requested", str(exc)))
        else:
            if requested is None:
                problems.append(FieldProblem("requested", self.tr("verplicht")))
        parents: list[MediationParentData] = []
        self._parent_index = []
        for p in self.parents:
            data = p.collect(problems)
            if data is not None:
                parents.append(data)
                self._parent_index.append(p.index)
        children, child_problems = self.children_editor.model.child_records()
        problems += child_problems
        referred = self.referred_by.currentData()
        if kind is None or requested is None:
            return None, problems
        return (
            RequestData(
                kind=MediationKind(kind),
                requested=requested,
                referred_by=ReferredBy(referred) if referred else None,
                parents=parents,
                children=children,
                case_ref=self.case_ref.text().strip() or None,
                court_hearing=self.request.read_hearing(problems),
            ),
            problems,
        )

    def save(self) -> None:
        if self._saving or self._loading or not self.save_button.isEnabled():
            return
        self.children_editor.commit_editing()  # Ctrl+S while a child's cell is typed
        data, problems = self.collect()
        if problems or data is None:
            self.show_problems(problems)
            self._close_after_save = False
            return
        self._saving = True
        self._update_header()
        actor, mid = self.ctx.actor, self.mediation_id

        def job(app: Application) -> MediationDetail:
            if mid is None:
                return app.mediation.register(actor, data)
            return app.mediation.update(actor, mid, data)

        self.ctx.worker.call(job, self._stored, self._save_failed, owner=self, changes=MEDIATIONS)

    def _stored(self, detail: MediationDetail) -> None:
        new = self.mediation_id is None
        self._saving = False
        self._dirty = False
        self.errors.clear()
        self.show_detail(detail, refill=True)
        self.show_message(
            self.tr("Aanvraag {0} geregistreerd.").format(detail.ref)
            if new
            else self.tr("Opgeslagen."),
            OK_STYLE,
        )
        self.validated.emit([])
        self.saved.emit(detail.id)
        if self._close_after_save:
            self.discard_and_close()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._close_after_save = False
        self._update_header()
        self._update_workflow()
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
            return
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            return
        self.show_message(message)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """The problems next to their fields; children's by number under the table."""
        shown: list[FieldProblem] = []
        children: list[str] = []
        index = self._parent_index
        for p in problems:
            if p.field.startswith("children["):
                number = int(p.field[len("children[") : p.field.index("]")]) + 1
                children.append(self.tr("Kind {0}: {1}").format(number, problem_text(p)))
            elif p.field.startswith("parents[") and "]" in p.field:
                # The services number the parents registered; the form has two boxes.
                i = int(p.field[len("parents[") : p.field.index("]")])
                box = index[i] if i < len(index) else i
                shown.append(p.at(f"parents[{box}]{p.field[p.field.index(']') + 1 :]}"))
            else:
                shown.append(p)
        if children:
            shown.append(FieldProblem("children", "\n".join(children)))
        other = self.errors.show(shown)
        if problems:
            count = len(self.errors.shown) or len(problems)
            text = (
                self.tr("Nog niet opgeslagen: 1 veld vraagt aandacht.")
                if count == 1
                else self.tr("Nog niet opgeslagen: {0} velden vragen aandacht.").format(count)
            )
            self.show_message(" ".join([text, *other]))
            self.errors.focus_first()
        else:
            self.show_message("")
        self.validated.emit(problems)

    # -- workflow steps ----------------------------------------------------------------------
    def _step_done(self, result: MediationDetail | Assignment) -> None:
        if isinstance(result, Assignment):
            detail = result.detail
            warnings = list(result.warnings)
        else:
            detail, warnings = result, []
        self.show_detail(detail, refill=not self._dirty)
        if warnings:
            self.show_message(" ".join(warnings), WARNING_STYLE)
        else:
            self.show_message(self.tr("Verloop bijgewerkt."), OK_STYLE)
        self.saved.emit(detail.id)

    @property
    def step_dialog(self) -> StepDialog | None:
        return self.workflow.step_dialog

    def _asked(self, box: QMessageBox) -> None:
        self.confirm_box = box  # the open question, as for closing with changes

    # -- closing ---------------------------------------------------------------------------
    def unsaved_question(self) -> str:
        if self.detail is None:
            return self.tr("Deze nieuwe aanvraag is nog niet opgeslagen.")
        return self.tr("De wijzigingen in aanvraag {0} zijn nog niet opgeslagen.").format(
            self.detail.ref
        )
