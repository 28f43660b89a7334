"""The workflow steps of a mediation, one small dialog each: the base they share.

The dialogs of the steps (start, not continuing, curator, intake,
interview, outcome) are in `step_dialogs`; assigning mediators in `mediator_pick`.

Each dialog collects a few fields, runs one service call of
`services.mediation` on the worker and closes on success; the services'
Dutch messages appear next to the fields, refusals of the state machine on
the message line. The dialog stays open on an error, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ikodesk.services.application import Application
from ikodesk.services.mediation import MediationDetail
from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.changes import MEDIATIONS
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.fields import DateField
from ikodesk.ui.common.submit_dialog import SubmitDialog
from ikodesk.ui.context import AppContext

Index = QModelIndex | QPersistentModelIndex
# A step's service call on the open application (see DbWorker.call).
Job = Callable[[Application], Any]


def not_run(app: Application) -> None:
    """The job of a step whose fields have problems: `submit` shows them and never runs it."""
    raise AssertionError("a step with field problems was submitted")


HINT_STYLE = "color: #444444;"
WARNING_STYLE = "background: #fff1d6; color: #6b4100; border-radius: 4px; padding: 6px;"


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def choice_combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    """A combo with an empty first choice: a required value is chosen, not defaulted."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem("—", None)
    for text, value in items:
        combo.addItem(text, value)
    return combo


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class StepDialog(SubmitDialog):
    """One workflow step: fields, an OK button that runs the step on the worker.

    `stored` carries what the service returned (a MediationDetail, an Assignment).
    """

    changes = MEDIATIONS

    def __init__(
        self, ctx: AppContext, detail: MediationDetail, title: str, ok_text: str, parent: QWidget
    ) -> None:
        super().__init__(ctx, parent)
        self.detail = detail
        self.setWindowTitle(title + " — " + detail.ref)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 84)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.message.setObjectName("stepMessage")
        self.add_buttons(ok_text, self.tr("Annuleren"))
        self.ok.setObjectName("stepOk")

    def finish_layout(self) -> None:
        """Message and buttons below the fields (call after adding the rows)."""
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)

    def add_row(self, label: str, widget: QWidget, field: str) -> None:
        row_label = QLabel(label)
        row_label.setBuddy(widget)
        self.form.addRow(row_label, self.errors.wrap(widget, field))

    def step_dates(self) -> DayRange:
        """A step happened: not before the request, not in the future."""
        return DayRange(
            self.detail.requested,
            latest_today=True,
            earliest_what=self.tr("de aanvraagdatum"),
        )

    def date_field(self, name: str) -> DateField:
        """The date field of a step (the forms' date field, with the step's range)."""
        field = DateField(limits=self.step_dates())
        field.set_name(name)
        return field

    def day(self, widget: DateField, field: str, required: bool = True) -> date | None:
        """The date of a field; a problem for the field when it is no date (or empty)."""
        try:
            value = widget.value()
        except ValueError as exc:
            self.problems.append(FieldProblem(field, str(exc)))
            return None
        if value is None and required:
            self.problems.append(FieldProblem(field, self.tr("verplicht")))
        return value
