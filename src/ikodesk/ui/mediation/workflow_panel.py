"""The mediation window's workflow: one row per step, what happened so far and its buttons.

The texts come from `workflow_texts.workflow_texts` (Qt-free); a button is
enabled when the mediation's status allows its step (`MediationDetail.steps`)
and the user may write. The steps run in their dialogs (`mediation_steps`) or,
for reopening and deleting an interview, after a question; the panel says what
came of it with `step_done` (the service's answer) or `step_refused` (why not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ikodesk.errors import ValidationError
from ikodesk.services.application import Application
from ikodesk.services.mediation import MediationDetail, Step
from ikodesk.ui import i18n
from ikodesk.ui.common.changes import MEDIATIONS
from ikodesk.ui.common.fields import format_date
from ikodesk.ui.common.messages import ask, show_error, user_message
from ikodesk.ui.common.problems import problem_text
from ikodesk.ui.common.tables import row_table
from ikodesk.ui.context import AppContext
from ikodesk.ui.mediation.mediation_steps import HINT_STYLE, WARNING_STYLE, StepDialog
from ikodesk.ui.mediation.mediator_pick import MediatorsDialog
from ikodesk.ui.mediation.step_dialogs import (
    CuratorDialog,
    IntakeDialog,
    InterviewDialog,
    NotContinueDialog,
    OutcomeDialog,
    StartDialog,
)
from ikodesk.ui.mediation.workflow_texts import workflow_texts


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class WorkflowPanel(QGroupBox):
    step_done = Signal(object)  # the MediationDetail (or Assignment) a step returned
    step_refused = Signal(str)  # why a step without a dialog was not done
    asked = Signal(object)  # the QMessageBox of a question before a step

    def __init__(self, ctx: AppContext, writable: bool) -> None:
        super().__init__(self.tr("Verloop"))
        self.ctx = ctx
        self.writable = writable
        self.detail: MediationDetail | None = None
        self.saving = False
        self.step_dialog: StepDialog | None = None
        self._build()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        return b

    def _build(self) -> None:
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(self.fontMetrics().height())
        bold = QFont(self.font())
        bold.setBold(True)
        button = self._button
        self.start_button = button(self.tr("&Starten…"), "stepStart", self.start)
        self.not_continue_button = button(
            self.tr("&Niet voortzetten…"), "stepNotContinue", self.not_continue
        )
        self.reopen_button = button(self.tr("&Heropenen"), "stepReopen", self.reopen)
        self.curator_button = button(self.tr("&Curator benoemen…"), "stepCurator", self.curator)
        self.mediators_button = button(
            self.tr("&Mediators toewijzen…"), "stepMediators", self.assign_mediators
        )
        self.intake_button = button(self.tr("&Intake…"), "stepIntake", self.intake)
        self.interview_button = button(
            self.tr("&Kindgesprek toevoegen…"), "stepInterview", self.add_interview
        )
        self.remove_interview_button = button(
            self.tr("Kindgesprek verwijderen"), "removeInterview", self.remove_interview
        )
        self.outcome_button = button(self.tr("&Uitkomst…"), "stepOutcome", self.outcome)

        self.decision_value = _value_label("decisionValue")
        self.curator_value = _value_label("curatorValue")
        self.mediators_value = _value_label("mediatorsValue")
        self.intake_value = _value_label("intakeValue")
        self.interviews_value = _value_label("interviewsValue")
        self.outcome_value = _value_label("outcomeValue")
        self.interviews = row_table(QTableWidget(0, 2), "interviews", alternating=False)
        self.interviews.setHorizontalHeaderLabels([self.tr("Datum"), self.tr("Kinderen gehoord")])
        self.interviews.horizontalHeader().setStretchLastSection(True)
        self.interviews.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.interviews.itemSelectionChanged.connect(self.update_remove_button)

        self.hint = QLabel()
        self.hint.setObjectName("workflowHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        grid.addWidget(self.hint, 0, 0, 1, 3)

        rows: list[tuple[str, QWidget, list[QPushButton]]] = [
            (
                self.tr("Besluit"),
                self.decision_value,
                [self.start_button, self.not_continue_button, self.reopen_button],
            ),
            (self.tr("Bijzondere curator"), self.curator_value, [self.curator_button]),
            (self.tr("Mediators"), self.mediators_value, [self.mediators_button]),
            (self.tr("Intake"), self.intake_value, [self.intake_button]),
            (
                self.tr("Kindgesprekken"),
                self.interviews_value,
                [self.interview_button, self.remove_interview_button],
            ),
            (self.tr("Uitkomst"), self.outcome_value, [self.outcome_button]),
        ]
        row = 1
        for title, value, buttons in rows:
            label = QLabel(title)
            label.setFont(bold)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignTop)
            column = QVBoxLayout()
            column.setSpacing(4)
            for b in buttons:
                column.addWidget(b)
            grid.addLayout(column, row, 2, Qt.AlignmentFlag.AlignTop)
            row += 1
            if value is self.interviews_value:
                grid.addWidget(self.interviews, row, 1, 1, 1)
                row += 1
        grid.setRowStretch(row, 1)

    def connect_delete_key(self) -> None:
        """Delete in the interview table deletes the selected interview (after a question)."""
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.interviews,
            self.remove_interview,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

    def step_buttons(self) -> list[QPushButton]:
        return [
            self.start_button,
            self.not_continue_button,
            self.reopen_button,
            self.curator_button,
            self.mediators_button,
            self.intake_button,
            self.interview_button,
            self.remove_interview_button,
            self.outcome_button,
        ]

    # -- showing ------------------------------------------------------------------------
    def show_detail(self, d: MediationDetail | None, saving: bool) -> None:
        """Show the workflow of `d` (None: not yet saved); no step runs while saving."""
        self.detail, self.saving = d, saving
        texts = workflow_texts(d, QCoreApplication.translate, i18n.current_language())
        self.hint.setText(texts.hint)
        self.decision_value.setText(texts.decision)
        self.curator_value.setStyleSheet(WARNING_STYLE if texts.curator_warning else "")
        self.curator_value.setText(texts.curator)
        self.mediators_value.setText(texts.mediators)
        self.intake_value.setText(texts.intake)
        self.interviews_value.setText(texts.interviews)
        self.outcome_value.setText(texts.outcome)
        if d is None:
            self.interviews.setRowCount(0)
            self.interviews.hide()
            for b in self.step_buttons():
                b.setEnabled(False)
            return
        self._show_interviews(d)
        # The buttons: what the status allows, for a user who may write.
        can = self.writable and not saving
        steps = d.steps
        self.start_button.setEnabled(can and Step.START in steps)
        self.not_continue_button.setEnabled(can and Step.NOT_CONTINUE in steps)
        self.reopen_button.setEnabled(can and Step.REOPEN in steps)
        self.curator_button.setEnabled(can and Step.APPOINT_CURATOR in steps)
        self.curator_button.setText(
            self.tr("&Curator wijzigen…")
            if texts.curator_appointed
            else self.tr("&Curator benoemen…")
        )
        self.mediators_button.setEnabled(can and Step.ASSIGN_MEDIATORS in steps)
        self.intake_button.setEnabled(can and Step.INTAKE in steps)
        self.interview_button.setEnabled(can and Step.ADD_INTERVIEW in steps)
        self.outcome_button.setEnabled(can and Step.OUTCOME in steps)
        self.update_remove_button()

    def _show_interviews(self, d: MediationDetail) -> None:
        n = len(d.interviews)
        shown = [self.interviews.item(i, 0) for i in range(self.interviews.rowCount())]
        if len(shown) != n or any(
            item is None or item.data(Qt.ItemDataRole.UserRole) != iv.id
            for item, iv in zip(shown, d.interviews, strict=True)
        ):
            self.interviews.clearSelection()
            self.interviews.setRowCount(n)
            for i, iv in enumerate(d.interviews):
                day = QTableWidgetItem(format_date(iv.date))
                day.setData(Qt.ItemDataRole.UserRole, iv.id)
                self.interviews.setItem(i, 0, day)
                self.interviews.setItem(i, 1, QTableWidgetItem(str(iv.children)))
        rows = min(max(n, 1), 6)
        self.interviews.setFixedHeight(
            self.interviews.horizontalHeader().sizeHint().height()
            + rows * self.interviews.verticalHeader().defaultSectionSize()
            + 2 * self.interviews.frameWidth()
        )
        self.interviews.setVisible(n > 0)

    def update_remove_button(self) -> None:
        self.remove_interview_button.setEnabled(
            self.writable
            and not self.saving
            and self.detail is not None
            and bool(self.interviews.selectionModel().selectedRows())
        )

    # -- the steps -----------------------------------------------------------------------
    def _step(
        self, dialog: Callable[[AppContext, MediationDetail, QWidget], StepDialog], step: Step
    ) -> StepDialog | None:
        if self.detail is None or step not in self.detail.steps or not self.writable:
            return None
        opened = dialog(self.ctx, self.detail, self.window())
        opened.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        opened.stored.connect(self.step_done)
        opened.open()
        self.step_dialog = opened
        return opened

    def start(self) -> StepDialog | None:
        return self._step(StartDialog, Step.START)

    def not_continue(self) -> StepDialog | None:
        return self._step(NotContinueDialog, Step.NOT_CONTINUE)

    def curator(self) -> StepDialog | None:
        return self._step(CuratorDialog, Step.APPOINT_CURATOR)

    def assign_mediators(self) -> StepDialog | None:
        return self._step(MediatorsDialog, Step.ASSIGN_MEDIATORS)

    def intake(self) -> StepDialog | None:
        return self._step(IntakeDialog, Step.INTAKE)

    def add_interview(self) -> StepDialog | None:
        return self._step(InterviewDialog, Step.ADD_INTERVIEW)

    def outcome(self) -> StepDialog | None:
        return self._step(OutcomeDialog, Step.OUTCOME)

    def _run(self, call: Callable[[Application], MediationDetail]) -> None:
        """A step without a dialog (reopen, delete an interview); refusals on the message line."""

        def failed(exc: BaseException) -> None:
            self.show_detail(self.detail, self.saving)
            if isinstance(exc, ValidationError):
                # The state machine's refusal, in the form's words (a date as dd-mm-jjjj).
                self.step_refused.emit(problem_text(exc.problems[0]) + ".")
                return
            message = user_message(exc)
            if message is None:
                show_error(self.window(), exc)
            else:
                self.step_refused.emit(message)

        self.ctx.worker.call(
            call,
            self.step_done.emit,
            failed,
            owner=self,
            changes=MEDIATIONS,
        )

    def _confirm(
        self, title: str, question: str, call: Callable[[Application], MediationDetail]
    ) -> None:
        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self._run(call)

        box = ask(
            self.window(),
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            answered,
            QMessageBox.StandardButton.No,
        )
        self.asked.emit(box)

    def reopen(self) -> None:
        d = self.detail
        if d is None or Step.REOPEN not in d.steps or not self.writable:
            return
        question = self.tr(
            "De aanvraag {0} wordt weer open; de reden waarom zij niet werd voortgezet "
            "vervalt. Een benoemde bijzondere curator blijft geregistreerd. Heropenen?"
        ).format(d.ref)
        actor, mid = self.ctx.actor, d.id
        self._confirm(
            self.tr("Aanvraag heropenen"),
            question,
            lambda app: app.mediation.reopen(actor, mid),
        )

    def remove_interview(self) -> None:
        d = self.detail
        rows = self.interviews.selectionModel().selectedRows()
        if d is None or not rows or not self.writable:
            return
        item = self.interviews.item(rows[0].row(), 0)
        if item is None:
            return
        interview_id = int(item.data(Qt.ItemDataRole.UserRole))
        question = self.tr(
            "Het kindgesprek van {0} verwijderen? Doe dit alleen bij een vergissing."
        ).format(item.text())
        actor = self.ctx.actor
        self._confirm(
            self.tr("Kindgesprek verwijderen"),
            question,
            lambda app: app.mediation.remove_interview(actor, interview_id),
        )
