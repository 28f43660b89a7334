"""Beheer: the monthly audit anchor reminder.

The anchor box shows when the last anchor was made and turns into a visible
reminder when there is none or it is older than 31 days; its button makes a
new anchor (services.audit_anchor, audited) and shows the code to keep outside
the database. See docs/security.md, "Audit log".
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ikodesk.services import audit_anchor
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.context import AppContext

# A styled QGroupBox loses the platform's room for its title: give it back, so the
# title sits on the border above the text instead of over it.
REMINDER_STYLE = (
    "QGroupBox { border: 2px solid #b36b00; border-radius: 3px; margin-top: 1.2em;"
    " padding-top: 0.4em; }"
    " QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }"
    " QLabel#anchorStatus { color: #8a4f00; }"
)


class AnchorCodeDialog(QDialog):
    """The new anchor's code, selectable, with what to do with it."""

    def __init__(self, parent: QWidget, anchor: audit_anchor.Anchor) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Auditanker"))
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "Schrijf deze code op of mail hem aan de leidinggevende, en bewaar hem buiten "
                "de database. Met <i>ikodesk audit verify --anchor CODE</i> is later te bewijzen "
                "dat vermelding 1 t/m {0} van het auditlog sindsdien niet zijn gewijzigd. Over "
                "latere vermeldingen zegt de code niets."
            ).format(anchor.seq)
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.code = QLineEdit(anchor.code)
        self.code.setObjectName("anchorCode")
        self.code.setReadOnly(True)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.code.setFont(mono)
        layout.addWidget(self.code)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.code.selectAll()


class AnchorBox(QGroupBox):
    """The last anchor's date; a reminder with a button when a new one is due."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Auditanker"), parent)
        self.setObjectName("anchorBox")
        self.ctx = ctx
        self.due = False
        self.dialog: AnchorCodeDialog | None = None
        row = QHBoxLayout(self)
        self.status_label = QLabel(self.tr("Laatste anker wordt opgezocht…"))
        self.status_label.setObjectName("anchorStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.make_button = QPushButton(self.tr("Nieuw &anker maken…"))
        self.make_button.setObjectName("makeAnchor")
        self.make_button.clicked.connect(self.make_anchor)
        row.addWidget(self.status_label, 1)
        row.addWidget(self.make_button)

    def refresh(self) -> None:
        self.ctx.worker.call(
            lambda app: app.admin.anchor_status(),
            self._show,
            lambda e: show_error(self, e),
            owner=self,
        )

    def _show(self, status: audit_anchor.AnchorStatus) -> None:
        self.due = status.due
        if status.last_at is None:
            text = self.tr(
                "Er is nog nooit een auditanker gemaakt. Maak er nu een en bewaar de code "
                "buiten de database: alleen zo valt later te bewijzen dat niemand met de "
                "sleutel het auditlog heeft herschreven."
            )
        else:
            local = status.last_at.replace(tzinfo=UTC).astimezone()
            text = self.tr("Laatste anker: {0} (tot en met vermelding {1}).").format(
                local.strftime("%d-%m-%Y %H:%M"), status.seq or "?"
            )
            if status.due:
                text += " " + self.tr(
                    "Dat is meer dan een maand geleden: maak een nieuw anker en bewaar de code "
                    "buiten de database."
                )
        self.status_label.setText(text)
        self.setStyleSheet(REMINDER_STYLE if status.due else "")

    def make_anchor(self) -> None:
        actor = self.ctx.actor
        self.make_button.setEnabled(False)

        def done(anchor: audit_anchor.Anchor) -> None:
            self.make_button.setEnabled(True)
            self.dialog = AnchorCodeDialog(self, anchor)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.open()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.make_button.setEnabled(True)
            show_error(self, exc)

        self.ctx.worker.call(lambda app: app.admin.make_anchor(actor), done, failed, owner=self)
