"""The registration side of the mediation window: the request and the two parents.

The parents use the person fields the case form uses too
(`ui.common.person_fields`); a parent box left empty registers no parent.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ikodesk.errors import ValidationError
from ikodesk.models.enums import MediationKind, ParentRelation, ReferredBy
from ikodesk.services.input_rules import OPENED_MIN
from ikodesk.services.mediation import LinkedCase, MediationDetail, ParentView
from ikodesk.services.validation import FieldProblem, MediationParentData
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.field_errors import FieldErrors
from ikodesk.ui.common.fields import CountryField, DateField, format_date
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.common.person_fields import PersonFields, PersonValues
from ikodesk.ui.common.problems import field_message
from ikodesk.ui.context import AppContext, CountryInfo
from ikodesk.ui.deadlines.date_fields import clock_date_field
from ikodesk.ui.i18n import enum_label
from ikodesk.ui.mediation.hearing_texts import hearing_text
from ikodesk.ui.mediation.mediation_steps import HINT_STYLE, choice_combo

CASE_LOOKUP_DELAY_MS = 400
# A request date: from 1990, not in the future (a request that was made).
REQUEST_DATES = DayRange(OPENED_MIN, latest_today=True)


def case_facts_text(case: LinkedCase) -> str:
    """A linked case as the bureau may see it: code, opening date, country."""
    parts = [enum_label(case.code), QCoreApplication.translate("MediationWindow", "geopend {0}")]
    parts[1] = parts[1].format(format_date(case.opened))
    if case.country_name:
        parts.append(case.country_name)
    return " · ".join(parts)


class ParentFields:
    """One parent of a request (ui.common.person_fields); empty: no parent registered."""

    def __init__(self, index: int, countries: tuple[CountryInfo, ...], errors: FieldErrors) -> None:
        self.index = index
        n = index + 1
        self.box = QGroupBox(QCoreApplication.translate("MediationWindow", "Ouder {0}").format(n))
        country = CountryField(countries)
        country.edit.setObjectName(f"parent{n}Country")
        country.edit.setPlaceholderText(
            QCoreApplication.translate("MediationWindow", "begin te typen: Nederland, …")
        )
        relation = choice_combo(
            f"parent{n}Relation", [(enum_label(r), r.value) for r in ParentRelation]
        )
        self.person = PersonFields(
            f"parent{n}", f"parents[{index}]", relation=relation, country=country
        )
        self.relation, self.country = relation, country
        self.first, self.last, self.birth = self.person.first, self.person.last, self.person.birth
        labels = {
            "relation": QCoreApplication.translate("MediationWindow", "Moeder of vader"),
            "first_name": QCoreApplication.translate("MediationWindow", "Voornaam"),
            "last_name": QCoreApplication.translate("MediationWindow", "Achternaam"),
            "birth_date": QCoreApplication.translate("MediationWindow", "Geboortedatum"),
            "country": QCoreApplication.translate("MediationWindow", "Woonland"),
        }
        self.person.add_rows(QFormLayout(self.box), errors.wrap, labels)

    def widgets(self) -> list[QWidget]:
        return self.person.widgets()

    def collect(self, problems: list[FieldProblem]) -> MediationParentData | None:
        if self.person.is_empty():
            return None
        if self.relation.currentData() is None:
            problems.append(
                FieldProblem(
                    f"parents[{self.index}].relation",
                    QCoreApplication.translate("MediationWindow", "kies moeder of vader"),
                )
            )
        v = self.person.read(problems)
        return MediationParentData(
            relation=ParentRelation(v.relation or ParentRelation.MOTHER.value),
            first_name=v.first_name,
            last_name=v.last_name,
            birth_date=v.birth_date,
            country=v.country,
        )

    def show(self, parent: ParentView | None) -> None:
        if parent is None:
            self.person.show(None)
            return
        self.person.show(
            PersonValues(
                relation=parent.relation.value,
                first_name=parent.first_name,
                last_name=parent.last_name,
                birth_date=parent.birth_date,
                country=parent.country,
            )
        )


class RequestSection(QGroupBox):
    """The request: kind, date, referral and the centre's case, whose basic facts show
    while the reference is typed (after a pause) and when leaving the field."""

    def __init__(self, ctx: AppContext, errors: FieldErrors) -> None:
        super().__init__(self.tr("Aanvraag"))
        self.ctx = ctx
        self.errors = errors
        form = QFormLayout(self)
        self.kind = choice_combo(
            "kind",
            [
                (self.tr("IKO (internationale kinderontvoering)"), MediationKind.IKO.value),
                (self.tr("NIKO (ander internationaal familiegeschil)"), MediationKind.NIKO.value),
            ],
        )
        self.requested = DateField(limits=REQUEST_DATES)
        self.requested.set_name("requested")
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
        cv.addWidget(errors.wrap(self.case_ref, "case"))
        cv.addWidget(self.case_facts)
        # The hearing a court-referred mediation runs alongside (exchange format 1.1).
        self.court_hearing = clock_date_field("courtHearing")
        self.hearing = QLabel()
        self.hearing.setObjectName("hearing")
        self.hearing.setWordWrap(True)
        hearing_box = QWidget()
        hv = QVBoxLayout(hearing_box)
        hv.setContentsMargins(0, 0, 0, 0)
        hv.setSpacing(2)
        hv.addWidget(errors.wrap(self.court_hearing, "court_hearing"))
        hv.addWidget(self.hearing)
        for text, widget, field in (
            (self.tr("Soo&rt *"), self.kind, "kind"),
            (self.tr("&Aanvraagdatum *"), self.requested, "requested"),
            (self.tr("Verwezen &door"), self.referred_by, "referred_by"),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, errors.wrap(widget, field))
        hearing_label = QLabel(self.tr("Z&itting rechtbank"))
        hearing_label.setBuddy(self.court_hearing)
        form.addRow(hearing_label, hearing_box)
        self._form, self._hearing_row = form, hearing_box
        self.referred_by.currentIndexChanged.connect(self._referral_changed)
        self._referral_changed()
        case_label = QLabel(self.tr("&Zaak van het centrum"))
        case_label.setBuddy(self.case_ref)
        form.addRow(case_label, case_box)
        self._case_looked_up = ""
        self._case_timer = QTimer(self)
        self._case_timer.setSingleShot(True)
        self._case_timer.setInterval(CASE_LOOKUP_DELAY_MS)
        self._case_timer.timeout.connect(self.look_up_case)

    # -- the court hearing ------------------------------------------------------------
    def _referral_changed(self, *_args: object) -> None:
        """The hearing applies to court referrals only (the services refuse it otherwise)."""
        court = self.referred_by.currentData() == ReferredBy.COURT.value
        self._form.setRowVisible(self._hearing_row, court)

    def read_hearing(self, problems: list[FieldProblem]) -> date | None:
        """The hearing date of a court referral (None otherwise); unreadable: a problem."""
        if self.referred_by.currentData() != ReferredBy.COURT.value:
            return None
        try:
            return self.court_hearing.value()
        except ValueError:
            problems.append(FieldProblem("court_hearing", self.tr("ongeldige datum (dd-mm-jjjj)")))
            return None

    def show_hearing(self, detail: MediationDetail, refill: bool) -> None:
        """The stored hearing (when refilling) and where the mediation stands against it."""
        if refill:
            self.court_hearing.set_value(detail.court_hearing)
        view = detail.hearing
        self.hearing.setVisible(view is not None)
        if view is not None:
            text, style = hearing_text(view, QCoreApplication.translate)
            self.hearing.setText(text)
            self.hearing.setStyleSheet(style)

    def watch_case_ref(self) -> None:
        """Look the case up while typing (after a pause) and when leaving the field."""
        self.case_ref.textChanged.connect(lambda _t: self._case_timer.start())
        self.case_ref.editingFinished.connect(self.look_up_case)

    def show_case(self, case: LinkedCase | None) -> None:
        self.case_ref.setText(case.ref if case else "")
        self._case_looked_up = self.case_ref.text()
        self.case_facts.setText(case_facts_text(case) if case else "")

    def look_up_case(self) -> None:
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
                label.setText(field_message(exc))
                label.show()
            else:
                show_error(self.window(), exc)

        self.ctx.worker.call(
            lambda app: app.mediation.linked_case(actor, ref), done, failed, owner=self
        )
