"""Contact moments of a case: the timeline, its panel in the case window, the "new contact"
dialog."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ikodesk.errors import ValidationError
from ikodesk.models.enums import Channel, Party, RequesterKind
from ikodesk.services.application import Application
from ikodesk.services.case_contacts import ContactRow
from ikodesk.services.registrations import party_for
from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.changes import CONTACTS, OpChanges
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.field_errors import FieldErrors
from ikodesk.ui.common.fields import DateField
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.tables import Index, ListModel
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label

# The rows come from services.case_contacts; the old name stays for the case window.
ContactView = ContactRow
__all__ = ["ContactDialog", "ContactTimelineModel", "ContactView", "ContactsPanel"]


class ContactTimelineModel(ListModel):
    """A case's contact moments (a few dozen at most: held in full)."""

    items: list[ContactView]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("ContactTimelineModel", "Datum en tijd"),
            QCoreApplication.translate("ContactTimelineModel", "Kanaal"),
            QCoreApplication.translate("ContactTimelineModel", "Met"),
            QCoreApplication.translate("ContactTimelineModel", "Behandelaar"),
            QCoreApplication.translate("ContactTimelineModel", "Minuten"),
            QCoreApplication.translate("ContactTimelineModel", "Samenvatting"),
        ]

    def cells(self, item: ContactView) -> list[str]:
        return [
            item.at.strftime("%d-%m-%Y %H:%M"),
            enum_label(item.channel),
            enum_label(item.party),
            item.handler,
            "" if item.minutes is None else str(item.minutes),
            item.summary.replace("\n", " "),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.ToolTipRole and col == 5 and c.summary:
            return c.summary
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class ContactsPanel(QGroupBox):
    """The case window's contact moments: the timeline, its count, the "new" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Contactmomenten"))
        cl = QVBoxLayout(self)
        self.new_button = QPushButton(self.tr("&Nieuw contactmoment (Ctrl+Shift+N)"))
        self.new_button.setObjectName("newContact")
        cl.addWidget(self.new_button)
        self.model = ContactTimelineModel(self)
        self.view = QTableView()
        self.view.setObjectName("contacts")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.horizontalHeader().setStretchLastSection(True)
        char = self.fontMetrics().averageCharWidth()
        for i, w in enumerate((18, 10, 13, 13, 8)):
            self.view.setColumnWidth(i, w * char + 16)
        cl.addWidget(self.view)
        self.count = QLabel()
        cl.addWidget(self.count)
        self._shown: tuple[AppContext, int] | None = None  # the case whose timeline shows

    def new_contact(
        self,
        ctx: AppContext,
        case_id: int,
        ref: str,
        kind: RequesterKind,
        parent: QWidget,
        opened: date | None = None,
    ) -> ContactDialog:
        """The "new contact" dialog; the timeline reloads when the worker says it stored."""
        self._watch(ctx, case_id)
        dialog = ContactDialog(ctx, case_id, ref, kind, parent, opened=opened)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _watch(self, ctx: AppContext, case_id: int) -> None:
        """From now on, reload this case's timeline when the worker says contacts changed."""
        if self._shown is None:
            ctx.worker.changed.connect(self._data_changed)
        self._shown = (ctx, case_id)

    def reload(self, ctx: AppContext, case_id: int) -> None:
        self._watch(ctx, case_id)
        actor = ctx.actor
        ctx.worker.call(
            lambda app: app.cases.contacts(actor, case_id), self.set_items, self._failed, self
        )

    def _data_changed(self, changes: OpChanges) -> None:
        if changes.contacts and self._shown is not None:
            self.reload(*self._shown)

    def _failed(self, exc: BaseException) -> None:
        show_error(self.window(), exc)

    def set_items(self, items: list[ContactView]) -> None:
        self.model.set_items(items)
        self.count.setText(self.tr("{0} contactmoment(en)").format(self.model.rowCount()))


class ContactDialog(QDialog):
    """A new contact moment; defaults: now, phone, the case's requester kind.

    The date is the forms' date field: not in the future, not before the case
    was opened (when known); the time beside it.
    """

    saved = Signal(int)  # case id

    def __init__(
        self,
        ctx: AppContext,
        case_id: int,
        ref: str,
        requester_kind: RequesterKind | None,
        parent: QWidget | None = None,
        *,
        opened: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.errors = FieldErrors()
        self.setWindowTitle(self.tr("Nieuw contactmoment — {0}").format(ref))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        limits = DayRange(opened, latest_today=True, earliest_what=self.tr("de openingsdatum"))
        self.at_date = DateField(limits=limits)
        self.at_date.set_name("contactDate")
        self.at_date.set_value(date.today())
        self.at_time = QTimeEdit(QTime.currentTime())
        self.at_time.setObjectName("contactTime")
        self.at_time.setDisplayFormat("HH:mm")
        self.channel = QComboBox()
        self.channel.setObjectName("contactChannel")
        for ch in Channel:
            self.channel.addItem(enum_label(ch), ch.value)
        self.party = QComboBox()
        self.party.setObjectName("contactParty")
        for p in Party:
            self.party.addItem(enum_label(p), p.value)
        if requester_kind is not None:
            self.party.setCurrentIndex(self.party.findData(party_for(requester_kind).value))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("contactMinutes")
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSpecialValueText(self.tr("onbekend"))
        self.minutes.setSuffix(self.tr(" min"))
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("contactSummary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText(self.tr("korte samenvatting (Ctrl+Enter slaat op)"))
        self.summary.setMinimumHeight(self.fontMetrics().height() * 5)
        form.addRow(self.tr("&Datum"), self.errors.wrap(self.at_date, "at"))
        form.addRow(self.tr("&Tijd"), self.at_time)
        form.addRow(self.tr("&Kanaal"), self.channel)
        form.addRow(self.tr("&Met"), self.party)
        form.addRow(self.tr("M&inuten"), self.minutes)
        form.addRow(self.tr("&Samenvatting"), self.summary)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("&Opslaan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.submit)
        # Ctrl+Enter in the summary saves (the text field would otherwise take the key).
        self.summary.installEventFilter(self)
        self.channel.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.summary
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def when(self) -> datetime | None:
        """The moment typed; None (and the problem shown at the date) when it is no date."""
        reading = self.at_date.reading()
        if reading.day is None:
            problem = reading.problem or self.tr("verplicht: de datum van het contact")
            self.errors.show([FieldProblem("at", problem)])
            self.errors.focus_first()
            return None
        t = self.at_time.time()
        return datetime(reading.day.year, reading.day.month, reading.day.day, t.hour(), t.minute())

    def submit(self) -> None:
        if not self.save_button.isEnabled():
            return
        at = self.when()
        if at is None:
            return
        self.save_button.setEnabled(False)
        self.error.hide()
        actor, case_id = self.ctx.actor, self.case_id
        channel = Channel(self.channel.currentData())
        party = Party(self.party.currentData())
        minutes = self.minutes.value() or None
        summary = self.summary.toPlainText()

        # One unit of work in the services (services.case_contacts decides the policy).
        def job(app: Application) -> int:
            return app.cases.add_contact(
                actor,
                case_id,
                at=at,
                channel=channel,
                party=party,
                minutes=minutes,
                summary=summary,
            )

        def done(_case_id: int) -> None:
            self.saved.emit(case_id)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(exc, ValidationError) and "at" in exc.errors:
                self.errors.show([FieldProblem("at", exc.errors["at"])])
                self.errors.focus_first()
                return
            message = user_message(exc)
            if message is None:
                show_error(self, exc)
                return
            self.error.setText(message)
            self.error.show()

        self.ctx.worker.call(job, done, failed, owner=self, changes=CONTACTS)
