"""The simple workflow steps of a mediation, one small dialog each (on `StepDialog`):
start, not continuing, the special curator, the intake, a child interview, the outcome.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import FailureReason, Intake, Outcome
from ikodesk.services import mediation as med
from ikodesk.services.mediation import MediationDetail
from ikodesk.services.validation import INTERVIEW_MIN_AGE, FieldProblem
from ikodesk.ui.common.fields import format_date
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label
from ikodesk.ui.mediation.mediation_steps import (
    Job,
    StepDialog,
    choice_combo,
    hint_label,
    not_run,
    select_data,
)


class StartDialog(StepDialog):
    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(
            ctx, detail, self.tr("Mediation starten"), self.tr("Mediation &starten"), parent
        )
        self.form.addRow(
            hint_label(
                self.tr("De ouders zijn bereid tot mediation. Aangevraagd op {0}.").format(
                    format_date(detail.requested)
                )
            )
        )
        self.started = self.date_field("startedDate")
        self.started.set_value(date.today())
        self.add_row(self.tr("Start&datum"), self.started, "started")
        self.finish_layout()
        self.started.setFocus()

    def job(self) -> Job:
        day = self.day(self.started, "started")
        if day is None:
            return not_run
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.start(actor, mid, day)


class NotContinueDialog(StepDialog):
    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(
            ctx,
            detail,
            self.tr("Aanvraag niet voortzetten"),
            self.tr("&Niet voortzetten"),
            parent,
        )
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("notStartedReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().height() * 5)
        self.reason.setPlaceholderText(
            self.tr("Bijvoorbeeld: ouders willen na de regiezitting niet meer deelnemen.")
        )
        self.add_row(self.tr("&Reden"), self.reason, "not_started_reason")
        self.form.addRow(
            hint_label(
                self.tr(
                    "Bij een kind van {0} jaar of ouder benoemt het bureau daarna een "
                    "bijzondere curator."
                ).format(med.CURATOR_MIN_AGE)
            )
        )
        self.finish_layout()
        self.reason.setFocus()

    def job(self) -> Job:
        reason = self.reason.toPlainText()
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.not_continue(actor, mid, reason)


class CuratorDialog(StepDialog):
    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(
            ctx, detail, self.tr("Bijzondere curator"), self.tr("&Registreren"), parent
        )
        self.appointed = self.date_field("curatorDate")
        self.appointed.set_value(detail.special_curator or date.today())
        self.add_row(self.tr("&Benoemd op"), self.appointed, "special_curator")
        if detail.special_curator is not None:
            self.form.addRow(
                hint_label(self.tr("Maak de datum leeg om de benoeming in te trekken."))
            )
        self.finish_layout()
        self.appointed.setFocus()

    def job(self) -> Job:
        required = self.detail.special_curator is None
        day = self.day(self.appointed, "special_curator", required=required)
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.appoint_curator(actor, mid, day)


class IntakeDialog(StepDialog):
    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(
            ctx, detail, self.tr("Intake met de mediators"), self.tr("&Registreren"), parent
        )
        self.intake = choice_combo("intake", [(enum_label(i), i.value) for i in Intake])
        select_data(self.intake, detail.intake.value if detail.intake else None)
        self.add_row(self.tr("&Uitkomst van de intake"), self.intake, "intake")
        self.ended = self.date_field("intakeEnded")
        self.add_row(self.tr("&Einddatum"), self.ended, "ended")
        self.form.addRow(
            hint_label(
                self.tr(
                    "Niet geschikt: de mediation eindigt na de intake, zonder uitkomst. "
                    "Geef dan de einddatum."
                )
            )
        )
        self.intake.currentIndexChanged.connect(self._intake_changed)
        self._intake_changed()
        self.finish_layout()
        self.intake.setFocus()

    def _intake_changed(self) -> None:
        not_suitable = self.intake.currentData() == Intake.NOT_SUITABLE.value
        self.ended.setEnabled(not_suitable)
        if not_suitable and not self.ended.text():
            self.ended.set_value(date.today())
        elif not not_suitable:
            self.ended.clear()

    def job(self) -> Job:
        value = self.intake.currentData()
        if value is None:
            self.problems.append(FieldProblem("intake", self.tr("kies geschikt of niet geschikt")))
        intake = Intake(value) if value else Intake.SUITABLE
        ended = self.day(self.ended, "ended") if intake is Intake.NOT_SUITABLE else None
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.record_intake(actor, mid, intake, ended)


class InterviewDialog(StepDialog):
    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(
            ctx, detail, self.tr("Kindgesprek"), self.tr("Kindgesprek &toevoegen"), parent
        )
        self.day_field = self.date_field("interviewDate")
        self.day_field.set_value(date.today())
        self.add_row(self.tr("&Datum"), self.day_field, "date")
        self.children_heard = QSpinBox()
        self.children_heard.setObjectName("childrenHeard")
        self.children_heard.setRange(1, 20)
        self.add_row(self.tr("&Kinderen gehoord"), self.children_heard, "children")
        ages = [c.age_at_request for c in detail.children]
        known = sorted((a for a in ages if a is not None), reverse=True)
        if known:
            text = self.tr("Kinderen in deze mediation (leeftijd bij de aanvraag): {0}.").format(
                ", ".join(self.tr("{0} jaar").format(a) for a in known)
            )
        else:
            text = self.tr("Van de kinderen in deze mediation is geen leeftijd bekend.")
        text += " " + self.tr("Kinderen worden gehoord vanaf {0} jaar.").format(INTERVIEW_MIN_AGE)
        self.hint = hint_label(text)
        self.form.addRow(self.hint)
        self.finish_layout()
        self.day_field.setFocus()

    def job(self) -> Job:
        day = self.day(self.day_field, "date")
        if day is None:
            return not_run
        heard = self.children_heard.value()
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.add_interview(actor, mid, day, heard)


class OutcomeDialog(StepDialog):
    def __init__(self, ctx: AppContext, detail: MediationDetail, parent: QWidget) -> None:
        super().__init__(
            ctx, detail, self.tr("Uitkomst van de mediation"), self.tr("&Registreren"), parent
        )
        self.outcome = choice_combo("outcome", [(enum_label(o), o.value) for o in Outcome])
        select_data(self.outcome, detail.outcome.value if detail.outcome else None)
        self.add_row(self.tr("&Uitkomst"), self.outcome, "outcome")
        self.ended = self.date_field("outcomeEnded")
        self.ended.set_value(detail.ended or date.today())
        self.add_row(self.tr("&Einddatum"), self.ended, "ended")
        reasons = QWidget()
        rv = QVBoxLayout(reasons)
        rv.setContentsMargins(0, 0, 0, 0)
        self.reasons: dict[FailureReason, QCheckBox] = {}
        for r in FailureReason:
            box = QCheckBox(enum_label(r))
            box.setObjectName(f"reason:{r.value}")
            box.setChecked(r in detail.failure_reasons)
            rv.addWidget(box)
            self.reasons[r] = box
        self.reasons_label = QLabel(self.tr("Waarom niet geslaagd"))
        self.form.addRow(self.reasons_label, self.errors.wrap(reasons, "failure_reasons"))
        if detail.outcome is not None:
            self.form.addRow(
                hint_label(self.tr("De mediation heeft al een uitkomst: dit corrigeert haar."))
            )
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._outcome_changed()
        self.finish_layout()
        self.outcome.setFocus()

    def _outcome_changed(self) -> None:
        failed = self.outcome.currentData() == Outcome.NO_AGREEMENT.value
        for box in self.reasons.values():
            box.setEnabled(failed)
        self.reasons_label.setEnabled(failed)

    def job(self) -> Job:
        value = self.outcome.currentData()
        if value is None:
            self.problems.append(FieldProblem("outcome", self.tr("kies de uitkomst")))
        outcome = Outcome(value) if value else Outcome.NO_AGREEMENT
        day = self.day(self.ended, "ended")
        if day is None:
            return not_run
        reasons = (
            [r for r, box in self.reasons.items() if box.isChecked()]
            if outcome is Outcome.NO_AGREEMENT
            else []
        )
        actor, mid = self.ctx.actor, self.detail.id
        return lambda app: app.mediation.record_outcome(actor, mid, outcome, day, reasons)


# -- assigning mediators ------------------------------------------------------------------
