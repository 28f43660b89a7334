"""Four eyes at the moment of the action: a second administrator logs in here.

The dialog says what is to be approved, takes the second administrator's name
and password, and runs the action itself with those credentials (the service
checks them: services.approvals). A refusal (the same person, not an
administrator, a wrong password) stays in the dialog as a sentence, with the
password cleared, so the approver can try again or the user can cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from ikodesk.services.approvals import ApproverCredentials
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.submit_dialog import SubmitDialog
from ikodesk.ui.common.worker import AppJob
from ikodesk.ui.context import AppContext


class ApprovalDialog(SubmitDialog):
    """A second administrator approves `what`; OK runs `make_job(credentials)`."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None,
        what: str,
        make_job: Callable[[ApproverCredentials], AppJob],
        changes: OpChanges | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("approvalDialog")
        self.make_job = make_job
        self.changes = changes
        self.setWindowTitle(
            QCoreApplication.translate("ApprovalDialog", "Goedkeuring door een tweede beheerder")
        )
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        intro = QLabel(
            QCoreApplication.translate(
                "ApprovalDialog",
                "{0}\n\nDit vraagt om vier ogen: een tweede beheerder logt nu in met eigen "
                "naam en wachtwoord om het goed te keuren. U kunt dat niet zelf doen.",
            ).format(what)
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.approver = QLineEdit()
        self.approver.setObjectName("approverName")
        self.password = QLineEdit()
        self.password.setObjectName("approverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(
            QCoreApplication.translate("ApprovalDialog", "&Tweede beheerder"), self.approver
        )
        form.addRow(QCoreApplication.translate("ApprovalDialog", "&Wachtwoord"), self.password)
        form.addRow(self.message)
        form.addRow(
            self.add_buttons(
                QCoreApplication.translate("ApprovalDialog", "&Goedkeuren en uitvoeren"),
                QCoreApplication.translate("ApprovalDialog", "Annuleren"),
            )
        )
        self.approver.setFocus()

    def job(self) -> AppJob:
        return self.make_job(ApproverCredentials(self.approver.text(), self.password.text()))

    def _failed(self, exc: BaseException) -> None:
        self.password.clear()
        super()._failed(exc)
        self.password.setFocus()

    def credentials_typed(self) -> dict[str, Any]:  # for tests: never the password
        return {"approver": self.approver.text()}
