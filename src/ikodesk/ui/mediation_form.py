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
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ikodesk.errors import ValidationError
from ikodesk.models.enums import (
    Intake,
    MediationKind,
    MediationStatus,
    ParentRelation,
    ReferredBy,
)
from ikodesk.services import mediation as med
from ikodesk.services.access import Action
from ikodesk.services.mediation import (
    Assignment,
    LinkedCase,
    MediationDetail,
    ParentView,
    RequestData,
    Step,
)
from ikodesk.services.validation import ChildData, FieldProblem, MediationParentData
from ikodesk.ui.children_editor import ChildrenEditor
from ikodesk.ui.context import AppContext, CountryInfo
from ikodesk.ui.editor_window import EditorWindow
from ikodesk.ui.field_errors import ERROR_STYLE, FieldErrors
from ikodesk.ui.fields import CountryField, DateField, format_date
from ikodesk.ui.i18n import enum_label
from ikodesk.ui.mediation_list import status_text
from ikodesk.ui.mediation_steps import (
    HINT_STYLE,
    WARNING_STYLE,
    CuratorDialog,
    IntakeDialog,
    InterviewDialog,
    NotContinueDialog,
    OutcomeDialog,
    StartDialog,
    StepDialog,
    choice_combo,
    select_data,
)
from ikodesk.ui.mediator_pick import MediatorsDialog
from ikodesk.ui.messages import ask, show_error, user_message
from ikodesk.ui.problems import humanize
from ikodesk.ui.tables import row_table
from ikodesk.ui.titles import title_label

OK_STYLE = "color: #1d5e20;"
CASE_LOOKUP_DELAY_MS = 400
STATUS_STYLES = {
    MediationStatus.REQUESTED: "background:#d6e2f3; color:#1f3b63;",
    MediationStatus.RUNNING: "background:#d3ebd3; color:#1d5e20;",
    MediationStatus.NOT_STARTED: "background:#dcdfe4; color:#2b2f36;",
    MediationStatus.ENDED: "background:#e2d9f0; color:#3d2466;",
}


def case_facts_text(case: LinkedCase) -> str:
    """A linked case as the bureau may see it: code, opening date, country."""
    parts = [enum_label(case.code), QCoreApplication.translate("MediationWindow", "geopend {0}")]
    parts[1] = parts[1].format(format_date(case.opened))
    if case.country_name:
        parts.append(case.country_name)
    return " · ".join(parts)


def interviews_text(interviews: int, heard: int) -> str:
    if interviews == 0:
        return QCoreApplication.translate("MediationWindow", "Nog geen kindgesprekken.")
    first = (
        QCoreApplication.translate("MediationWindow", "1 kindgesprek")
        if interviews == 1
        else QCoreApplication.translate("MediationWindow", "{0} kindgesprekken").format(interviews)
    )
    second = (
        QCoreApplication.translate("MediationWindow", "1 kind gehoord")
        if heard == 1
        else QCoreApplication.translate("MediationWindow", "{0} kinderen gehoord").format(heard)
    )
    return f"{first}, {second}."


class ParentFields:
    """The fields of one parent of a request; empty fields mean no parent registered."""

    def __init__(self, index: int, countries: tuple[CountryInfo, ...], errors: FieldErrors) -> None:
        self.index = index
        n = index + 1
        self.box = QGroupBox(QCoreApplication.translate("MediationWindow", "Ouder {0}").format(n))
        form = QFormLayout(self.box)
        self.relation = choice_combo(
            f"parent{n}Relation", [(enum_label(r), r.value) for r in ParentRelation]
        )
        self.first = QLineEdit()
        self.first.setObjectName(f"parent{n}FirstName")
        self.last = QLineEdit()
        self.last.setObjectName(f"parent{n}LastName")
        self.birth = DateField()
        self.birth.setObjectName(f"parent{n}BirthDate")
        self.country = CountryField(countries)
        self.country.edit.setObjectName(f"parent{n}Country")
        self.country.edit.setPlaceholderText(
            QCoreApplication.translate("MediationWindow", "begin te typen: Nederland, …")
        )
        p = f"parents[{index}]"
        form.addRow(
            QCoreApplication.translate("MediationWindow", "Moeder of vader"),
            errors.wrap(self.relation, p + ".relation"),
        )
        form.addRow(
            QCoreApplication.translate("MediationWindow", "Voornaam"),
            errors.wrap(self.first, p + ".first_name"),
        )
        form.addRow(
            QCoreApplication.translate("MediationWindow", "Achternaam"),
            errors.wrap(self.last, p + ".last_name"),
        )
        form.addRow(
            QCoreApplication.translate("MediationWindow", "Geboortedatum"),
            errors.wrap(self.birth, p + ".birth_date"),
        )
        form.addRow(
            QCoreApplication.translate("MediationWindow", "Woonland"),
            errors.wrap(self.country, p + ".country"),
        )

    def widgets(self) -> list[QWidget]:
        return [self.relation, self.first, self.last, self.birth, self.country.edit]

    def is_empty(self) -> bool:
        return (
            self.relation.currentData() is None
            and not self.first.text().strip()
            and not self.last.text().strip()
            and not self.birth.text().strip()
            and not self.country.edit.text().strip()
        )

    def collect(self, problems: list[FieldProblem]) -> MediationParentData | None:
        if self.is_empty():
            return None
        p = f"parents[{self.index}]"
        relation = self.relation.currentData()
        if relation is None:
            problems.append(
                FieldProblem(
                    p + ".relation",
                    QCoreApplication.translate("MediationWindow", "kies moeder of vader"),
                )
            )
        try:
            born = self.birth.value()
        except ValueError:
            born = None
            problems.append(
                FieldProblem(
                    p + ".birth_date",
                    QCoreApplication.translate("MediationWindow", "ongeldige datum (dd-mm-jjjj)"),
                )
            )
        if not self.country.is_valid():
            problems.append(
                FieldProblem(
                    p + ".country",
                    QCoreApplication.translate(
                        "MediationWindow", "onbekend land: kies een land uit de lijst"
                    ),
                )
            )
        return MediationParentData(
            relation=ParentRelation(relation or ParentRelation.MOTHER.value),
            first_name=self.first.text().strip() or None,
            last_name=self.last.text().strip() or None,
            birth_date=born,
            country=self.country.iso2(),
        )

    def show(self, parent: ParentView | None) -> None:
        select_data(self.relation, parent.relation.value if parent else None)
        self.first.setText(parent.first_name or "" if parent else "")
        self.last.setText(parent.last_name or "" if parent else "")
        self.birth.set_value(parent.birth_date if parent else None)
        self.country.set_iso2(parent.country if parent else None)


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
        self._case_looked_up = ""
        # Which parent box each parent sent to the services came from (for their messages).
        self._parent_index: list[int] = [0, 1]
        self.errors = FieldErrors()
        self.step_dialog: StepDialog | None = None
        self.confirm_box: QMessageBox | None = None
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
        lv.addWidget(self._build_request())
        self.parents = [
            ParentFields(i, self.ctx.facts.residence_countries, self.errors) for i in range(2)
        ]
        parents_row = QHBoxLayout()
        for p in self.parents:
            parents_row.addWidget(p.box)
        lv.addLayout(parents_row)
        children_box = QGroupBox(self.tr("Kinderen"))
        cv = QVBoxLayout(children_box)
        self.children = ChildrenEditor(
            age_hint=self.tr(
                "Leeftijd op de aanvraagdatum; vul alleen in als de geboortedatum onbekend is"
            )
        )
        cv.addWidget(self.children)
        cv.addWidget(self.errors.label("children", self.children.view))
        lv.addWidget(children_box)
        lv.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setWidget(left)

        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setWidget(self._build_workflow())

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
            self.case_ref,
            *(w for p in self.parents for w in (p.first, p.last, p.birth)),
        ):
            edit.textChanged.connect(self._changed)
        for p in self.parents:
            p.country.changed.connect(self._changed)
        self.children.changed.connect(self._changed)
        self.requested.textChanged.connect(self._refresh_children_date)
        # The case's facts appear while typing (after a pause) and when leaving the field.
        self._case_timer = QTimer(self)
        self._case_timer.setSingleShot(True)
        self._case_timer.setInterval(CASE_LOOKUP_DELAY_MS)
        self._case_timer.timeout.connect(self._look_up_case)
        self.case_ref.textChanged.connect(lambda _t: self._case_timer.start())
        self.case_ref.editingFinished.connect(self._look_up_case)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.interviews,
            self.remove_interview,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        # The tab order is the reading order: the request, parent 1, parent 2, the
        # children, then the workflow from top to bottom.
        chain: list[QWidget] = [self.kind, self.requested, self.referred_by, self.case_ref]
        for p in self.parents:
            chain += p.widgets()
        chain += [self.children.view, self.children.add_button, self.children.remove_button]
        steps = self.step_buttons()
        chain += [*steps[:-1], self.interviews, steps[-1]]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _build_request(self) -> QGroupBox:
        box = QGroupBox(self.tr("Aanvraag"))
        form = QFormLayout(box)
        self.kind = choice_combo(
            "kind",
            [
                (self.tr("IKO (internationale kinderontvoering)"), MediationKind.IKO.value),
                (self.tr("NIKO (ander internationaal familiegeschil)"), MediationKind.NIKO.value),
            ],
        )
        self.requested = DateField()
        self.requested.setObjectName("requested")
        self.referred_by = choice_combo(
            "referredBy", [(enum_label(r), r.value) for r in ReferredBy]
        )
        self.case_ref = QLineEdit()
        self.case_ref.setObjectName("caseRef")
        self.case_ref.setPlaceholderText(self.tr("referentie, bijv. 2024-L2-00017 (optioneel)"))
        self.case_facts = QLabel()
        self.case_facts.setObjectName("caseFacts")
        self.case_facts.setWordWrap(True)
        self.case_facts.setStyleSheet(HINT_STYLE)
        case_box = QWidget()
        cv = QVBoxLayout(case_box)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.setSpacing(2)
        cv.addWidget(self.errors.wrap(self.case_ref, "case"))
        cv.addWidget(self.case_facts)
        for text, widget, field in (
            (self.tr("Soo&rt *"), self.kind, "kind"),
            (self.tr("&Aanvraagdatum *"), self.requested, "requested"),
            (self.tr("Verwezen &door"), self.referred_by, "referred_by"),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, self.errors.wrap(widget, field))
        case_label = QLabel(self.tr("&Zaak van het centrum"))
        case_label.setBuddy(self.case_ref)
        form.addRow(case_label, case_box)
        return box

    def _build_workflow(self) -> QWidget:
        box = QGroupBox(self.tr("Verloop"))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(self.fontMetrics().height())
        bold = QFont(self.font())
        bold.setBold(True)

        def button(text: str, name: str, slot: Any) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            return b

        def value_label(name: str) -> QLabel:
            label = QLabel()
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return label

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

        self.decision_value = value_label("decisionValue")
        self.curator_value = value_label("curatorValue")
        self.mediators_value = value_label("mediatorsValue")
        self.intake_value = value_label("intakeValue")
        self.interviews_value = value_label("interviewsValue")
        self.outcome_value = value_label("outcomeValue")
        self.interviews = row_table(QTableWidget(0, 2), "interviews", alternating=False)
        self.interviews.setHorizontalHeaderLabels([self.tr("Datum"), self.tr("Kinderen gehoord")])
        self.interviews.horizontalHeader().setStretchLastSection(True)
        self.interviews.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.interviews.itemSelectionChanged.connect(self._update_remove_button)

        self.workflow_hint = QLabel()
        self.workflow_hint.setObjectName("workflowHint")
        self.workflow_hint.setWordWrap(True)
        self.workflow_hint.setStyleSheet(HINT_STYLE)
        grid.addWidget(self.workflow_hint, 0, 0, 1, 3)

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
        return box

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

    # -- loading and showing --------------------------------------------------------------
    def _load(self) -> None:
        actor, mid = self.ctx.actor, self.mediation_id
        assert mid is not None

        def failed(exc: BaseException) -> None:
            self._loading = False
            show_error(self.parentWidget() or self, exc)
            self.discard_and_close()

        self.ctx.worker.session(
            lambda s: med.get_mediation(s, actor, mid), self._loaded, failed, owner=self
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
            self.case_ref.setText(detail.case.ref if detail.case else "")
            self._case_looked_up = self.case_ref.text()
            self.case_facts.setText(case_facts_text(detail.case) if detail.case else "")
            for i, p in enumerate(self.parents):
                p.show(detail.parents[i] if i < len(detail.parents) else None)
            self.children.model.set_children(
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
        d = self.detail
        if d is None:
            self.workflow_hint.setText(
                self.tr("Sla de aanvraag op (Ctrl+S); daarna registreert u hier het verloop.")
            )
            for value in (
                self.decision_value,
                self.curator_value,
                self.mediators_value,
                self.intake_value,
                self.interviews_value,
                self.outcome_value,
            ):
                value.setText("—")
            self.interviews.setRowCount(0)
            self.interviews.hide()
            for b in self.step_buttons():
                b.setEnabled(False)
            return
        self.workflow_hint.setText(
            self.tr("Aangevraagd op {0}{1}.").format(
                format_date(d.requested),
                self.tr(", verwezen door: {0}").format(enum_label(d.referred_by).lower())
                if d.referred_by
                else "",
            )
        )
        # Decision.
        if d.status is MediationStatus.REQUESTED:
            decision = self.tr(
                "Nog geen besluit: start de mediation of registreer dat de aanvraag "
                "niet wordt voortgezet."
            )
        elif d.status is MediationStatus.NOT_STARTED:
            decision = self.tr("Niet voortgezet: {0}").format(d.not_started_reason or "")
        else:
            decision = self.tr("Gestart op {0}.").format(format_date(d.started))
        self.decision_value.setText(decision)
        # Special curator.
        self.curator_value.setStyleSheet("")
        if d.special_curator is not None:
            curator = self.tr("Benoemd op {0}.").format(format_date(d.special_curator))
        elif d.curator_due:
            curator = self.tr(
                "Nog te benoemen: de aanvraag is niet voortgezet en er is een kind van {0} jaar "
                "of ouder (afspraak van het bureau)."
            ).format(med.CURATOR_MIN_AGE)
            self.curator_value.setStyleSheet(WARNING_STYLE)
        elif d.status is MediationStatus.NOT_STARTED:
            curator = self.tr("Niet nodig: geen kind van {0} jaar of ouder bekend.").format(
                med.CURATOR_MIN_AGE
            )
        else:
            curator = self.tr("Alleen bij een aanvraag die niet wordt voortgezet.")
        self.curator_value.setText(curator)
        # Mediators.
        if d.mediators:
            names = [
                m.name
                + (self.tr(" (CBFM)") if m.cbfm else "")
                + ("" if m.active else self.tr(" (inactief)"))
                for m in d.mediators
            ]
            self.mediators_value.setText(", ".join(names))
        else:
            self.mediators_value.setText(self.tr("Nog geen mediators toegewezen."))
        # Intake.
        if d.intake is Intake.SUITABLE:
            intake = self.tr("Geschikt.")
        elif d.intake is Intake.NOT_SUITABLE:
            intake = self.tr("Niet geschikt: beëindigd op {0}, zonder uitkomst.").format(
                format_date(d.ended)
            )
        elif d.status is MediationStatus.RUNNING:
            intake = self.tr("Nog geen intake.")
        else:
            intake = "—"
        self.intake_value.setText(intake)
        # Child interviews.
        n = len(d.interviews)
        self.interviews_value.setText(interviews_text(n, d.children_heard))
        if self.interviews.rowCount() != n or any(
            self.interviews.item(i, 0) is None
            or self.interviews.item(i, 0).data(Qt.ItemDataRole.UserRole) != iv.id
            for i, iv in enumerate(d.interviews)
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
        # Outcome.
        if d.outcome is not None:
            outcome = self.tr("{0}, beëindigd op {1}.").format(
                enum_label(d.outcome), format_date(d.ended)
            )
            if d.failure_reasons:
                outcome += " " + self.tr("Redenen: {0}.").format(
                    ", ".join(enum_label(r).lower() for r in d.failure_reasons)
                )
        elif d.intake is Intake.SUITABLE:
            outcome = self.tr("Nog geen uitkomst.")
        else:
            outcome = "—"
        self.outcome_value.setText(outcome)
        # The buttons: what the status allows, for a user who may write.
        can = self.writable and not self._saving
        steps = d.steps
        self.start_button.setEnabled(can and Step.START in steps)
        self.not_continue_button.setEnabled(can and Step.NOT_CONTINUE in steps)
        self.reopen_button.setEnabled(can and Step.REOPEN in steps)
        self.curator_button.setEnabled(can and Step.APPOINT_CURATOR in steps)
        self.curator_button.setText(
            self.tr("&Curator wijzigen…") if d.special_curator else self.tr("&Curator benoemen…")
        )
        self.mediators_button.setEnabled(can and Step.ASSIGN_MEDIATORS in steps)
        self.intake_button.setEnabled(can and Step.INTAKE in steps)
        self.interview_button.setEnabled(can and Step.ADD_INTERVIEW in steps)
        self.outcome_button.setEnabled(can and Step.OUTCOME in steps)
        self._update_remove_button()

    def _update_remove_button(self) -> None:
        self.remove_interview_button.setEnabled(
            self.writable
            and not self._saving
            and self.detail is not None
            and bool(self.interviews.selectionModel().selectedRows())
        )

    def _refresh_children_date(self) -> None:
        try:
            day = self.requested.value()
        except ValueError:
            day = None
        self.children.model.set_opened(day)

    # -- the linked case ------------------------------------------------------------------
    def _look_up_case(self) -> None:
        self._case_timer.stop()
        ref = self.case_ref.text().strip()
        if ref == self._case_looked_up:
            return
        self._case_looked_up = ref
        label = self.errors.labels["case"]
        label.hide()
        self.case_facts.clear()
        if not ref:
            return
        actor = self.ctx.actor

        def done(case: LinkedCase) -> None:
            if self.case_ref.text().strip() == ref:
                self.case_facts.setText(case_facts_text(case))

        def failed(exc: BaseException) -> None:
            if self.case_ref.text().strip() != ref:
                return
            if isinstance(exc, ValidationError):
                label.setText(exc.field_message)
                label.show()
            else:
                show_error(self, exc)

        self.ctx.worker.session(
            lambda s: med.find_linked_case(s, actor, ref), done, failed, owner=self
        )

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
        except ValueError:
            requested = None
            problems.append(FieldProblem("requested", self.tr("ongeldige datum (dd-mm-jjjj)")))
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
        children, child_problems = self.children.model.children()
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
            ),
            problems,
        )

    def save(self) -> None:
        if self._saving or self._loading or not self.save_button.isEnabled():
            return
        data, problems = self.collect()
        if problems or data is None:
            self.show_problems(problems)
            self._close_after_save = False
            return
        self._saving = True
        self._update_header()
        actor, mid = self.ctx.actor, self.mediation_id

        def job(s: Session) -> MediationDetail:
            if mid is None:
                return med.register_request(s, actor, data)
            return med.update_request(s, actor, mid, data)

        self.ctx.worker.session(job, self._stored, self._save_failed, owner=self)

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
            self.show_problems([FieldProblem(f, m) for f, m in exc.errors.items()])
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
                children.append(self.tr("Kind {0}: {1}").format(number, humanize(p.message)))
            elif p.field.startswith("parents[") and "]" in p.field:
                # The services number the parents registered; the form has two boxes.
                i = int(p.field[len("parents[") : p.field.index("]")])
                box = index[i] if i < len(index) else i
                shown.append(
                    FieldProblem(f"parents[{box}]{p.field[p.field.index(']') + 1 :]}", p.message)
                )
            else:
                shown.append(p)
        if children:
            shown.append(FieldProblem("children", "\n".join(children)))
        other = self.errors.show(shown)
        if problems:
            text = self.tr("Nog niet opgeslagen: {0} veld(en) vragen aandacht.").format(
                len(self.errors.shown) or len(problems)
            )
            self.show_message(" ".join([text, *other]))
            self.errors.focus_first()
        else:
            self.show_message("")
        self.validated.emit(problems)

    # -- workflow steps ----------------------------------------------------------------------
    def _open_step(self, dialog: StepDialog) -> StepDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.stored.connect(self._step_done)
        dialog.open()
        self.step_dialog = dialog
        return dialog

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

    def _step(
        self, dialog: Callable[[AppContext, MediationDetail, QWidget], StepDialog], step: Step
    ) -> StepDialog | None:
        if self.detail is None or step not in self.detail.steps or not self.writable:
            return None
        return self._open_step(dialog(self.ctx, self.detail, self))

    def _run(self, job: Callable[[Session], MediationDetail]) -> None:
        """A step without a dialog (reopen, delete an interview); refusals on the message line."""

        def failed(exc: BaseException) -> None:
            self._update_workflow()
            message = user_message(exc)
            if message is None:
                show_error(self, exc)
            else:
                self.show_message(humanize(message))

        self.ctx.worker.session(job, self._step_done, failed, owner=self)

    def reopen(self) -> None:
        d = self.detail
        if d is None or Step.REOPEN not in d.steps or not self.writable:
            return
        actor, mid = self.ctx.actor, d.id

        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self._run(lambda s: med.reopen_request(s, actor, mid))

        self.confirm_box = ask(
            self,
            self.tr("Aanvraag heropenen"),
            self.tr(
                "De aanvraag {0} wordt weer open; de reden waarom zij niet werd voortgezet "
                "vervalt. Een benoemde bijzondere curator blijft geregistreerd. Heropenen?"
            ).format(d.ref),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            answered,
            QMessageBox.StandardButton.No,
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
        actor = self.ctx.actor

        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self._run(lambda s: med.remove_child_interview(s, actor, interview_id))

        self.confirm_box = ask(
            self,
            self.tr("Kindgesprek verwijderen"),
            self.tr(
                "Het kindgesprek van {0} verwijderen? Doe dit alleen bij een vergissing."
            ).format(item.text()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            answered,
            QMessageBox.StandardButton.No,
        )

    # -- closing ---------------------------------------------------------------------------
    def unsaved_question(self) -> str:
        return self.tr("De aanvraag {0} heeft wijzigingen die nog niet zijn opgeslagen.").format(
            self.detail.ref if self.detail else self.tr("(nieuw)")
        )
