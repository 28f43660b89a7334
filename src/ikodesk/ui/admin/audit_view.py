"""The audit log for the administrator: per case, per user, the latest entries, the chain check.

Entries hold references (a case reference, a username), never names or
dossier contents; the services decide who may read them (`audit_views`) and
record that they were read. Rows cross to the GUI thread as plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.labels import action_label as _label_of_action
from ikodesk.services.application import Application
from ikodesk.services.audit_views import AuditRow, ChainResult
from ikodesk.ui import i18n
from ikodesk.ui.cases import conflict_badge
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.tables import Index, ListModel, plain_table
from ikodesk.ui.context import AppContext

RECENT_LIMIT = 100


def local_time(stamp: str) -> str:
    """An entry's UTC time as local time (the stored text is what the hash covers)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%d-%m-%Y %H:%M:%S")


def action_label(action: str) -> str:
    """The action in the UI's language (models.labels, shared with the command line)."""
    return _label_of_action(action, i18n.current_language())


def terms_text(r: AuditRow) -> str:
    if not r.search:
        return ""
    if r.terms is None or not r.terms.terms:
        return QCoreApplication.translate("AuditModel", "zoektermen gewist")
    quoted = '"' + r.terms.terms + '"'
    if not r.terms.intact:
        return QCoreApplication.translate(
            "AuditModel", "zoektermen (GEWIJZIGD na het zoeken): {0}"
        ).format(quoted)
    return QCoreApplication.translate("AuditModel", "zoektermen: {0}").format(quoted)


def object_label(object_type: str, ref: str | None) -> str:
    types = {
        "case": QCoreApplication.translate("AuditModel", "zaak"),
        "search": QCoreApplication.translate("AuditModel", "zoekopdracht"),
        "user": QCoreApplication.translate("AuditModel", "gebruiker"),
        "conflict": QCoreApplication.translate("AuditModel", "conflict"),
        "audit": QCoreApplication.translate("AuditModel", "auditlog"),
        "database": QCoreApplication.translate("AuditModel", "database"),
        "mediation": QCoreApplication.translate("AuditModel", "mediation"),
        "reference": QCoreApplication.translate("AuditModel", "referentiegegevens"),
        "figures": QCoreApplication.translate("AuditModel", "cijfers"),
        "report": QCoreApplication.translate("AuditModel", "rapport"),
        "system": QCoreApplication.translate("AuditModel", "systeem"),
    }
    kind = types.get(object_type, object_type)
    return f"{kind} {ref}" if ref else kind


class AuditModel(ListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("AuditModel", "Nr."),
            QCoreApplication.translate("AuditModel", "Tijd"),
            QCoreApplication.translate("AuditModel", "Gebruiker"),
            QCoreApplication.translate("AuditModel", "Handeling"),
            QCoreApplication.translate("AuditModel", "Object"),
            QCoreApplication.translate("AuditModel", "Resultaat"),
            QCoreApplication.translate("AuditModel", "Werkplek"),
            QCoreApplication.translate("AuditModel", "Toelichting"),
        ]

    def cells(self, r: AuditRow) -> list[str]:
        who = QCoreApplication.translate("AuditModel", "(sleutelhouder)") if r.key_holder else ""
        return [
            str(r.id),
            local_time(r.at),
            who or r.username,
            action_label(r.action),
            # A search's reference is a long keyed hash; its terms say more.
            object_label(r.object_type, None if r.search else r.object_ref),
            QCoreApplication.translate("AuditModel", "geweigerd")
            if r.refused
            else QCoreApplication.translate("AuditModel", "toegestaan"),
            r.workstation,
            "; ".join(x for x in (r.detail, terms_text(r)) if x),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r: AuditRow = self.items[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and r.refused and index.column() == 5:
            return QBrush(conflict_badge.FOREGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (6, 7):
            return self.cells(r)[index.column()] or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class AuditPanel(QWidget):
    """Show the log per case (by reference), per user, the latest entries; verify the chain."""

    shown = Signal()  # a list of entries arrived
    verified = Signal(bool)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._loaded = False
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            self.tr(
                "Wie wat deed met welke zaak, wanneer en vanaf welke werkplek, ook elke "
                "geweigerde toegang. Het auditlog bevat alleen referenties, nooit de inhoud "
                "van dossiers. Ook het inzien van dit log wordt vastgelegd."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        grid = QGridLayout()
        self.case_ref = QLineEdit()
        self.case_ref.setObjectName("auditCaseRef")
        self.case_ref.setPlaceholderText(self.tr("bijvoorbeeld 2024-L2-00017"))
        self.case_ref.setClearButtonEnabled(True)
        self.case_button = QPushButton(self.tr("Toon zaak"))
        self.case_button.setObjectName("auditForCase")
        case_label = QLabel(self.tr("Per &zaak (referentie)"))
        case_label.setBuddy(self.case_ref)
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("auditUser")
        self.user_combo.setEditable(True)
        self.user_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.user_button = QPushButton(self.tr("Toon gebruiker"))
        self.user_button.setObjectName("auditForUser")
        user_label = QLabel(self.tr("&Per gebruiker"))
        user_label.setBuddy(self.user_combo)
        self.recent_button = QPushButton(self.tr("&Laatste {0}").format(RECENT_LIMIT))
        self.recent_button.setObjectName("auditRecent")
        self.verify_button = QPushButton(self.tr("Controleer de audit&keten"))
        self.verify_button.setObjectName("auditVerify")
        grid.addWidget(case_label, 0, 0)
        grid.addWidget(self.case_ref, 0, 1)
        grid.addWidget(self.case_button, 0, 2)
        grid.addWidget(user_label, 1, 0)
        grid.addWidget(self.user_combo, 1, 1)
        grid.addWidget(self.user_button, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(1, 28 * char)
        side = QVBoxLayout()
        side.addWidget(self.recent_button)
        side.addWidget(self.verify_button)
        row = QHBoxLayout()
        row.addLayout(grid, 3)
        row.addSpacing(2 * char)
        row.addLayout(side)
        row.addStretch(1)
        layout.addLayout(row)

        self.chain_status = QLabel()
        self.chain_status.setObjectName("chainStatus")
        self.chain_status.setWordWrap(True)
        self.chain_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_status.hide()
        layout.addWidget(self.chain_status)
        self.caption = QLabel()
        self.caption.setObjectName("auditCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.model = AuditModel(self)
        self.view = plain_table(self.model, "auditEntries", (6, 21, 14, 20, 22, 10, 22), char)
        self.view.setWordWrap(False)
        layout.addWidget(self.view, 1)

        self.case_button.clicked.connect(self.show_case)
        self.case_ref.returnPressed.connect(self.show_case)
        self.user_button.clicked.connect(self.show_user)
        line_edit = self.user_combo.lineEdit()
        if line_edit is not None:
            line_edit.returnPressed.connect(self.show_user)
        self.recent_button.clicked.connect(self.show_recent)
        self.verify_button.clicked.connect(self.verify)
        self.setTabOrder(self.case_ref, self.case_button)
        self.setTabOrder(self.case_button, self.user_combo)
        self.setTabOrder(self.user_combo, self.user_button)
        self.setTabOrder(self.user_button, self.recent_button)
        self.setTabOrder(self.recent_button, self.verify_button)
        self.setTabOrder(self.verify_button, self.view)

    def activate(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.show_recent()

    def set_usernames(self, usernames: list[str]) -> None:
        current = self.user_combo.currentText()
        self.user_combo.blockSignals(True)
        self.user_combo.clear()
        self.user_combo.addItems(usernames)
        self.user_combo.setCurrentText(current)
        self.user_combo.blockSignals(False)

    # -- the lists -----------------------------------------------------------------------
    def show_case(self) -> None:
        ref = self.case_ref.text().strip()
        if not ref:
            self._problem(self.tr("Vul de referentie van een zaak in."))
            self.case_ref.setFocus()
            return
        actor = self.ctx.actor
        self._load(
            lambda app: app.audit.for_case(actor, ref),
            self.tr("Auditlog van zaak {0}: {1} vermelding(en), nieuwste eerst."),
            ref,
        )

    def show_user(self) -> None:
        username = self.user_combo.currentText().strip().lower()
        if not username:
            self._problem(self.tr("Kies een gebruiker."))
            self.user_combo.setFocus()
            return
        actor = self.ctx.actor
        self._load(
            lambda app: app.audit.for_user(actor, username),
            self.tr("Auditlog van gebruiker {0}: {1} vermelding(en), nieuwste eerst."),
            username,
        )

    def show_recent(self) -> None:
        actor = self.ctx.actor
        self._load(
            lambda app: app.audit.recent(actor, limit=RECENT_LIMIT),
            self.tr("De laatste vermeldingen in het auditlog ({1}), nieuwste eerst."),
            "",
        )

    def _load(
        self, job: Callable[[Application], list[AuditRow]], caption: str, subject: str
    ) -> None:
        def done(rows: list[AuditRow]) -> None:
            self.model.set_items(rows)
            self.caption.setStyleSheet("")
            self.caption.setText(caption.format(subject, len(rows)))
            self.shown.emit()

        def failed(exc: BaseException) -> None:
            message = user_message(exc)
            if message is None:
                show_error(self, exc)
                return
            self._problem(message)  # an unknown reference or user: plain, in place

        self.ctx.worker.call(job, done, failed, owner=self)

    def _problem(self, message: str) -> None:
        self.model.set_items([])
        self.caption.setStyleSheet("color: #b00020;")
        self.caption.setText(message)
        self.shown.emit()

    # -- the chain -------------------------------------------------------------------------
    def verify(self) -> None:
        actor = self.ctx.actor
        self.verify_button.setEnabled(False)
        self.chain_status.setStyleSheet("")
        self.chain_status.setText(self.tr("De auditketen wordt gecontroleerd…"))
        self.chain_status.show()

        def failed(exc: BaseException) -> None:
            self.verify_button.setEnabled(True)
            self.chain_status.hide()
            show_error(self, exc)

        self.ctx.worker.call(
            lambda app: app.audit.verify(actor), self._verified, failed, owner=self
        )

    def _verified(self, result: ChainResult) -> None:
        self.verify_button.setEnabled(True)
        check = result.check
        if check.ok:
            text = self.tr("Auditketen intact: {0} vermeldingen, de keten klopt.").format(
                check.entries
            )
            if result.head:
                # Noted down elsewhere, it also exposes a chain rewritten by a key holder.
                text += " " + self.tr("Kenmerk van de laatste vermelding: {0}").format(result.head)
            self.chain_status.setStyleSheet("color: #1d5e20;")
        else:
            text = self.tr(
                "Auditketen NIET intact: {0}. Eerste foute vermelding: {1} (na {2} goede). "
                "Meld dit bij de functioneel beheerder: het log is buiten ikodesk om gewijzigd."
            ).format(check.problem or "", check.first_bad, check.entries)
            self.chain_status.setStyleSheet(
                f"color: {conflict_badge.FOREGROUND.name()}; font-weight: bold;"
            )
        self.chain_status.setText(text)
        self.chain_status.show()
        self.verified.emit(check.ok)
