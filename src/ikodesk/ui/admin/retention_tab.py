"""Beheer, tabs "Bewaartermijnen" and "Vernietiging": retention (AVG, issue #18).

"Bewaartermijnen": the period per code (Line 1, each Line 2 code, mediation
requests), shown as unconfirmed until an administrator confirms them, and the
cases under a legal hold. "Vernietiging": a preview list of what a run on a
chosen date would remove, the run itself (a second administrator logs in to
approve it: services.approvals decides), and the destruction register, printable
as a PDF for the privacy officer. Everything runs through app.retention.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import CaseCode
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.destruction_register import RegisterRow
from ikodesk.services.retention import MEDIATION, HoldRow, PeriodRow
from ikodesk.services.retention_run import DueItem, Preview
from ikodesk.services.usecases.retention import RunOutcome
from ikodesk.ui.common.date_field import DateField
from ikodesk.ui.common.messages import inform, show_error, user_message
from ikodesk.ui.common.tables import ListModel, plain_table
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label


def scope_label(scope: str) -> str:
    if scope == MEDIATION:
        return QCoreApplication.translate("retention", "Mediationverzoeken")
    code = CaseCode(scope)
    line = 1 if code is CaseCode.TRAVEL_CONSENT else 2
    return QCoreApplication.translate("retention", "Lijn {0}: {1}").format(line, enum_label(code))


def _cases(n: int) -> str:
    if n == 1:
        return QCoreApplication.translate("retention", "1 zaak")
    return QCoreApplication.translate("retention", "{0} zaken").format(n)


def _requests(n: int) -> str:
    if n == 1:
        return QCoreApplication.translate("retention", "1 mediationverzoek")
    return QCoreApplication.translate("retention", "{0} mediationverzoeken").format(n)


def _periods(n: int) -> str:
    if n == 1:
        return QCoreApplication.translate("retention", "1 termijn is")
    return QCoreApplication.translate("retention", "{0} termijnen zijn").format(n)


def _d(day: Any) -> str:
    return day.strftime("%d-%m-%Y") if day else "–"


class PeriodsModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("PeriodsModel", "Soort"),
            QCoreApplication.translate("PeriodsModel", "Jaren"),
            QCoreApplication.translate("PeriodsModel", "Status"),
        ]

    def cells(self, r: PeriodRow) -> list[str]:
        if r.confirmed:
            status = QCoreApplication.translate("PeriodsModel", "bevestigd door {0} op {1}").format(
                r.confirmed_by, _d(r.confirmed_at)
            )
        else:
            status = QCoreApplication.translate("PeriodsModel", "standaard, niet bevestigd")
        return [scope_label(r.scope), str(r.years), status]


class HoldsModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("HoldsModel", "Zaak"),
            QCoreApplication.translate("HoldsModel", "Gesloten"),
            QCoreApplication.translate("HoldsModel", "Sinds"),
            QCoreApplication.translate("HoldsModel", "Door"),
            QCoreApplication.translate("HoldsModel", "Reden"),
        ]

    def cells(self, h: HoldRow) -> list[str]:
        return [h.ref, _d(h.closed), _d(h.set_at), h.set_by, h.reason]


class DueModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("DueModel", "Kenmerk"),
            QCoreApplication.translate("DueModel", "Soort"),
            QCoreApplication.translate("DueModel", "Gesloten"),
            QCoreApplication.translate("DueModel", "Verwijderbaar vanaf"),
        ]

    def cells(self, i: DueItem) -> list[str]:
        return [i.ref, scope_label(i.scope), _d(i.closed), _d(i.due_from)]


class RegisterModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("RegisterModel", "Run"),
            QCoreApplication.translate("RegisterModel", "Uitgevoerd"),
            QCoreApplication.translate("RegisterModel", "Peildatum"),
            QCoreApplication.translate("RegisterModel", "Door"),
            QCoreApplication.translate("RegisterModel", "Goedgekeurd door"),
            QCoreApplication.translate("RegisterModel", "Zaken"),
            QCoreApplication.translate("RegisterModel", "Mediations"),
        ]

    def cells(self, r: RegisterRow) -> list[str]:
        return [
            str(r.run_id),
            r.run_at.strftime("%d-%m-%Y %H:%M"),
            _d(r.as_of),
            r.run_by,
            r.approved_by,
            str(r.cases),
            str(r.mediations),
        ]


class _FormDialog(QDialog):
    """A small form with OK/Cancel and an error line (the service decides; this asks)."""

    submitted = Signal()

    def __init__(self, parent: QWidget, title: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout(self)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox()
        ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        self.buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submitted)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
        else:
            self.error.setText(message)
            self.error.show()


class PeriodsTab(QWidget):
    """The periods and the legal holds."""

    announced = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        self.notice = QLabel()
        self.notice.setObjectName("retentionNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        periods = QGroupBox(self.tr("Bewaartermijn per soort, gerekend vanaf de sluitingsdatum"))
        pv = QVBoxLayout(periods)
        self.periods_model = PeriodsModel(self)
        self.periods_view = plain_table(self.periods_model, "retentionPeriods", (48, 7), char)
        pv.addWidget(self.periods_view, 1)
        row = QHBoxLayout()
        self.change_button = QPushButton(self.tr("Termijn &wijzigen…"))
        self.change_button.setObjectName("changePeriod")
        self.change_button.clicked.connect(self.change_period)
        self.confirm_button = QPushButton(self.tr("Standaardtermijnen &bevestigen"))
        self.confirm_button.setObjectName("confirmPeriods")
        self.confirm_button.clicked.connect(self.confirm_defaults)
        row.addWidget(self.change_button)
        row.addWidget(self.confirm_button)
        row.addStretch(1)
        pv.addLayout(row)
        layout.addWidget(periods, 3)

        holds = QGroupBox(self.tr("Bewaarplicht (legal hold): deze zaken worden niet verwijderd"))
        hv = QVBoxLayout(holds)
        self.holds_model = HoldsModel(self)
        self.holds_view = plain_table(self.holds_model, "legalHolds", (16, 11, 11, 12), char)
        hv.addWidget(self.holds_view, 1)
        row = QHBoxLayout()
        self.hold_button = QPushButton(self.tr("Bewaarplicht &opleggen…"))
        self.hold_button.setObjectName("setHold")
        self.hold_button.clicked.connect(self.set_hold)
        self.lift_button = QPushButton(self.tr("Bewaarplicht op&heffen"))
        self.lift_button.setObjectName("liftHold")
        self.lift_button.clicked.connect(self.lift_hold)
        row.addWidget(self.hold_button)
        row.addWidget(self.lift_button)
        row.addStretch(1)
        hv.addLayout(row)
        layout.addWidget(holds, 2)
        self.dialog: _FormDialog | None = None

    def activate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        actor = self.ctx.actor
        self.ctx.worker.call(
            lambda app: (app.retention.policy(actor), app.retention.holds(actor)),
            self._show,
            lambda e: show_error(self, e),
            owner=self,
        )

    def _show(self, result: tuple[list[PeriodRow], list[HoldRow]]) -> None:
        rows, holds = result
        self.periods_model.set_items(rows)
        self.holds_model.set_items(holds)
        open_ = [r for r in rows if not r.confirmed]
        self.confirm_button.setEnabled(bool(open_))
        if open_:
            self.notice.setText(
                self.tr(
                    "{0} bewaartermijnen zijn nog standaardwaarden die niemand heeft bevestigd. "
                    "ikodesk doet geen uitspraak over de juiste termijnen: controleer ze met de "
                    "privacyfunctionaris en bevestig of wijzig ze."
                ).format(len(open_))
            )
            self.notice.setStyleSheet("color: #8a4f00; font-weight: bold;")
            self.notice.show()
        else:
            self.notice.hide()

    def _selected_period(self) -> PeriodRow | None:
        index = self.periods_view.currentIndex()
        if not index.isValid():
            inform(self, self.tr("Bewaartermijnen"), self.tr("Kies eerst een soort in de lijst."))
            return None
        item: PeriodRow = self.periods_model.items[index.row()]
        return item

    def change_period(self) -> _FormDialog | None:
        row = self._selected_period()
        if row is None:
            return None
        dialog = _FormDialog(self, self.tr("Bewaartermijn wijzigen"), self.tr("&Opslaan"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        years = QSpinBox()
        years.setObjectName("periodYears")
        years.setRange(1, 100)
        years.setValue(row.years)
        years.setSuffix(self.tr(" jaar"))
        dialog.form.addRow(QLabel(scope_label(row.scope)))
        dialog.form.addRow(self.tr("&Termijn"), years)
        dialog.finish()
        actor = self.ctx.actor

        def submit() -> None:
            value = years.value()

            def done(_r: Any) -> None:
                dialog.accept()
                self.refresh()
                self.announced.emit(
                    self.tr("Bewaartermijn {0}: {1} jaar.").format(scope_label(row.scope), value)
                )

            self.ctx.worker.call(
                lambda app: app.retention.set_period(actor, row.scope, value),
                done,
                dialog.failed,
                owner=dialog,
            )

        dialog.submitted.connect(submit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def confirm_defaults(self) -> None:
        actor = self.ctx.actor

        def done(scopes: list[str]) -> None:
            self.refresh()
            self.announced.emit(self.tr("{0} bewaartermijnen bevestigd.").format(len(scopes)))

        self.ctx.worker.call(
            lambda app: app.retention.confirm_defaults(actor),
            done,
            lambda e: show_error(self, e),
            owner=self,
        )

    def set_hold(self) -> _FormDialog:
        dialog = _FormDialog(self, self.tr("Bewaarplicht opleggen"), self.tr("&Opleggen"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ref = QLineEdit()
        ref.setObjectName("holdRef")
        reason = QLineEdit()
        reason.setObjectName("holdReason")
        reason.setPlaceholderText(self.tr("bijvoorbeeld: procedure loopt; geen namen"))
        dialog.form.addRow(self.tr("&Zaakkenmerk"), ref)
        dialog.form.addRow(self.tr("&Reden"), reason)
        dialog.finish()
        actor = self.ctx.actor

        def submit() -> None:
            r, why = ref.text(), reason.text()

            def done(_r: Any) -> None:
                dialog.accept()
                self.refresh()
                self.announced.emit(self.tr("Bewaarplicht op {0} gelegd.").format(r.strip()))

            self.ctx.worker.call(
                lambda app: app.retention.set_hold(actor, r, why), done, dialog.failed, owner=dialog
            )

        dialog.submitted.connect(submit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def lift_hold(self) -> None:
        index = self.holds_view.currentIndex()
        if not index.isValid():
            inform(self, self.tr("Bewaarplicht"), self.tr("Kies eerst een zaak in de lijst."))
            return
        hold: HoldRow = self.holds_model.items[index.row()]
        actor = self.ctx.actor

        def done(_r: Any) -> None:
            self.refresh()
            self.announced.emit(self.tr("Bewaarplicht op {0} opgeheven.").format(hold.ref))

        self.ctx.worker.call(
            lambda app: app.retention.lift_hold(actor, hold.ref),
            done,
            lambda e: show_error(self, e),
            owner=self,
        )


class DestructionTab(QWidget):
    """The preview list, the approved run, and the destruction register."""

    announced = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.preview_result: Preview | None = None
        self.dialog: _FormDialog | None = None
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        run_box = QGroupBox(self.tr("Persoonsgegevens verwijderen na de bewaartermijn"))
        rv = QVBoxLayout(run_box)
        explain = QLabel(
            self.tr(
                "Van gesloten zaken waarvan de bewaartermijn op de peildatum is verstreken (en "
                "zonder bewaarplicht) worden namen, geboortedata, telefoon, e-mail, "
                "samenvattingen, notities en zoekgegevens onherroepelijk verwijderd. Code, "
                "data, land, kanten, leeftijden van kinderen, kanalen en minuten blijven: "
                "de jaarcijfers veranderen niet. Een tweede beheerder keurt de run goed."
            )
        )
        explain.setWordWrap(True)
        rv.addWidget(explain)
        row = QHBoxLayout()
        as_of_label = QLabel(self.tr("&Peildatum"))
        self.as_of = DateField()
        self.as_of.set_name("retentionAsOf")
        self.as_of.set_value(date.today())
        as_of_label.setBuddy(self.as_of)
        row.addWidget(as_of_label)
        row.addWidget(self.as_of, 1)
        self.preview_button = QPushButton(self.tr("&Voorbeeld tonen"))
        self.preview_button.setObjectName("retentionPreview")
        self.preview_button.clicked.connect(self.preview)
        self.run_button = QPushButton(self.tr("Persoonsgegevens &verwijderen…"))
        self.run_button.setObjectName("retentionRun")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self.ask_run)
        row.addWidget(self.preview_button)
        row.addWidget(self.run_button)
        rv.addLayout(row)
        self.summary = QLabel()
        self.summary.setObjectName("retentionSummary")
        self.summary.setWordWrap(True)
        # A wrapped label in a layout with a stretching table gets one line: give it three.
        self.summary.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 4)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        rv.addWidget(self.summary)
        self.due_model = DueModel(self)
        self.due_view = plain_table(self.due_model, "retentionDue", (16, 46, 11), char)
        rv.addWidget(self.due_view, 1)
        layout.addWidget(run_box, 3)

        reg = QGroupBox(self.tr("Vernietigingsregister"))
        gv = QVBoxLayout(reg)
        self.register_model = RegisterModel(self)
        self.register_view = plain_table(
            self.register_model, "destructionRegister", (5, 17, 11, 12, 19, 8), char
        )
        gv.addWidget(self.register_view, 1)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Register &afdrukken als PDF…"))
        self.print_button.setObjectName("printRegister")
        self.print_button.clicked.connect(self.print_register)
        row.addStretch(1)
        row.addWidget(self.print_button)
        gv.addLayout(row)
        layout.addWidget(reg, 2)

    def activate(self) -> None:
        self.refresh_register()

    def refresh_register(self) -> None:
        actor = self.ctx.actor
        self.ctx.worker.call(
            lambda app: app.retention.register(actor),
            self.register_model.set_items,
            lambda e: show_error(self, e),
            owner=self,
        )

    def preview(self) -> None:
        as_of = self.as_of.value()
        if as_of is None:
            inform(self, self.tr("Peildatum"), self.tr("Vul een geldige peildatum in."))
            return
        actor = self.ctx.actor
        self.ctx.worker.call(
            lambda app: app.retention.preview(actor, as_of),
            self._show_preview,
            lambda e: show_error(self, e),
            owner=self,
        )

    def _show_preview(self, p: Preview) -> None:
        self.preview_result = p
        self.due_model.set_items(p.items)
        parts = [
            self.tr("Op {0}: {1} en {2} te verwijderen").format(
                _d(p.as_of), _cases(p.cases), _requests(p.mediations)
            )
        ]
        if p.held:
            parts.append(self.tr("{0} met bewaarplicht blijven").format(p.held))
        parts.append(
            self.tr("{0} bewaarde zoektermen van voor {1}").format(
                p.search_terms, _d(p.search_terms_before)
            )
        )
        text = "; ".join(parts) + "."
        if p.unconfirmed:
            text += " " + self.tr("Let op: {0} nog niet bevestigd; de run bevestigt ze.").format(
                _periods(len(p.unconfirmed))
            )
        self.summary.setText(text)
        self.run_button.setEnabled(bool(p.items) or p.search_terms > 0)

    def ask_run(self) -> _FormDialog | None:
        p = self.preview_result
        if p is None:
            return None
        dialog = _FormDialog(
            self, self.tr("Goedkeuring door een tweede beheerder"), self.tr("&Verwijderen")
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        what = QLabel(
            self.tr(
                "Van {0} en {1} worden de persoonsgegevens "
                "onherroepelijk verwijderd (peildatum {2}). Een tweede beheerder logt hier "
                "in om dit goed te keuren."
            ).format(_cases(p.cases), _requests(p.mediations), _d(p.as_of))
        )
        what.setWordWrap(True)
        dialog.form.addRow(what)
        name = QLineEdit()
        name.setObjectName("approverName")
        password = QLineEdit()
        password.setObjectName("approverPassword")
        password.setEchoMode(QLineEdit.EchoMode.Password)
        dialog.form.addRow(self.tr("&Tweede beheerder"), name)
        dialog.form.addRow(self.tr("&Wachtwoord"), password)
        dialog.finish()
        actor, as_of = self.ctx.actor, p.as_of

        def submit() -> None:
            credentials = ApproverCredentials(name.text(), password.text())
            password.clear()

            def done(outcome: RunOutcome) -> None:
                dialog.accept()
                r = outcome.result
                self.announced.emit(
                    self.tr("Persoonsgegevens verwijderd: {0}, {1} (run {2}).").format(
                        _cases(r.preview.cases), _requests(r.preview.mediations), r.run_id
                    )
                )
                self.preview_result = None
                self.run_button.setEnabled(False)
                self.due_model.set_items([])
                self.summary.setText(
                    self.tr("Run {0} uitgevoerd, goedgekeurd door {1}.").format(
                        r.run_id, r.approver
                    )
                )
                self.refresh_register()

            self.ctx.worker.call(
                lambda app: app.retention.run(actor, as_of, credentials),
                done,
                dialog.failed,
                owner=dialog,
            )

        dialog.submitted.connect(submit)
        self.dialog = dialog
        dialog.open()
        name.setFocus()
        return dialog

    def print_register(self, target: Path | None = None) -> None:
        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Vernietigingsregister opslaan"),
                "vernietigingsregister.pdf",
                self.tr("PDF (*.pdf)"),
            )
            if not chosen:
                return
            target = Path(chosen)
        from ikodesk.reports import destruction_register

        actor, path = self.ctx.actor, target
        self.ctx.worker.call(
            lambda app: app.retention.print_register(
                actor, path, render=destruction_register.build
            ),
            lambda p: self.announced.emit(self.tr("Register opgeslagen: {0}").format(p)),
            lambda e: show_error(self, e),
            owner=self,
        )
