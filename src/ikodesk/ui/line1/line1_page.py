"""Line 1 quick registration, tuned for the phone: a few keys per caller.

Focus starts on "who calls" (type the first letters), Tab to the name, the
country (any name people use: "VS", "Engeland"; several that fit are shown to
choose from) and the note; Enter saves the case with its first contact moment
and clears the form for the next caller. A call needs who calls and a name, a
destination or a note (`validation.line1_rules`): Enter on an empty form, such
as the one just saved and cleared, saves nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ikodesk.errors import ValidationError
from ikodesk.models.enums import (
    Channel,
    FamilyRelation,
    OrganisationType,
    ParentRelation,
    RequesterKind,
)
from ikodesk.services.case_queries import CaseRow
from ikodesk.services.validation import FieldProblem, PersonData, line1_rules
from ikodesk.ui.cases.case_list import cell_data
from ikodesk.ui.cases.contacts import ContactDialog
from ikodesk.ui.common.changes import CASES, OpChanges
from ikodesk.ui.common.field_errors import FieldErrors
from ikodesk.ui.common.fields import CountryField
from ikodesk.ui.common.messages import save_failed_text, show_error
from ikodesk.ui.common.tables import Index, ListModel
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label


def caller_choices() -> list[tuple[str, PersonData | None]]:
    """Who calls, in the order of the combo: nobody yet, parents, family, then professionals."""
    out: list[tuple[str, PersonData | None]] = [("—", None)]
    out += [
        (enum_label(r), PersonData(kind=RequesterKind.PARENT, relation=r.value))
        for r in ParentRelation
    ]
    out += [
        (enum_label(r), PersonData(kind=RequesterKind.FAMILY, relation=r.value))
        for r in FamilyRelation
    ]
    prefix = QCoreApplication.translate("Line1Page", "Professional")
    out += [
        (
            f"{prefix}: {enum_label(t)}",
            PersonData(kind=RequesterKind.PROFESSIONAL, organisation_type=t),
        )
        for t in OrganisationType
    ]
    return out


class RecentModel(ListModel):
    """The last registrations of this user (20 rows)."""

    items: list[CaseRow]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys = ["ref", "conflict", "opened", "requester", "country"]
        self.headers = [
            QCoreApplication.translate("RecentModel", "Referentie"),
            QCoreApplication.translate("RecentModel", "Conflict"),
            QCoreApplication.translate("RecentModel", "Geopend"),
            QCoreApplication.translate("RecentModel", "Beller"),
            QCoreApplication.translate("RecentModel", "Land"),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        # As in the case list: a masked row (behind a conflict wall) shows its reference only.
        return cell_data(self.items[index.row()], self.keys[index.column()], role)


class Line1Page(QWidget):
    registered = Signal(str)  # the new case's reference
    open_case_requested = Signal(object)  # the case id

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._saving = False
        self._loaded = False
        self.errors = FieldErrors()
        self.callers = caller_choices()
        ctx.worker.changed.connect(self._data_changed)

        form_box = QGroupBox(self.tr("Nieuwe registratie (Ctrl+N)"))
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.caller = QComboBox()
        self.caller.setObjectName("caller")
        for text, _person in self.callers:
            self.caller.addItem(text)
        self.caller.setMaxVisibleItems(len(self.callers))
        self.name = QLineEdit()
        self.name.setObjectName("callerName")
        self.name.setPlaceholderText(self.tr("achternaam of organisatie (mag leeg)"))
        home = (ctx.facts.netherlands,) if ctx.facts.netherlands else ()
        self.country = CountryField(ctx.facts.countries, unavailable=home)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("korte notitie; Enter slaat op"))
        self.note.setMaxLength(500)
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for ch in Channel:
            self.channel.addItem(enum_label(ch), ch.value)
        wrap = self.errors.wrap
        form.addRow(self.tr("&Wie belt"), wrap(self.caller, "requester"))
        form.addRow(self.tr("&Naam"), wrap(self.name, "requester.last_name"))
        form.addRow(self.tr("&Reisbestemming"), wrap(self.country, "country"))
        form.addRow(self.tr("N&otitie"), wrap(self.note, "note"))
        form.addRow(self.tr("&Kanaal"), self.channel)
        self.save_button = QPushButton(self.tr("&Opslaan (Enter)"))
        self.save_button.clicked.connect(self.submit)
        self.status = QLabel()
        self.status.setObjectName("line1Status")
        self.status.setWordWrap(True)
        form.addRow(self.save_button)
        form.addRow(self.status)
        for widget in (self.caller, self.name, self.note):
            signal = (
                widget.currentIndexChanged if isinstance(widget, QComboBox) else widget.textChanged
            )
            signal.connect(self._edited)
        self.country.changed.connect(self._edited)
        self.setTabOrder(self.caller, self.name)
        self.setTabOrder(self.name, self.country.edit)
        self.setTabOrder(self.country.edit, self.note)
        self.setTabOrder(self.note, self.channel)
        self.setTabOrder(self.channel, self.save_button)

        recent_box = QGroupBox(self.tr("Mijn laatste 20 registraties"))
        recent_layout = QVBoxLayout(recent_box)
        self.recent_model = RecentModel(self)
        self.recent = QTableView()
        self.recent.setObjectName("recent")
        self.recent.setModel(self.recent_model)
        self.recent.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent.setTabKeyNavigation(False)
        self.recent.verticalHeader().setVisible(False)
        self.recent.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.recent.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.recent.horizontalHeader().setStretchLastSection(True)
        char = self.fontMetrics().averageCharWidth()
        for i, w in enumerate((15, 9, 11, 26)):
            self.recent.setColumnWidth(i, w * char + 16)
        self.recent.activated.connect(self._recent_activated)
        recent_layout.addWidget(self.recent)
        hint = QLabel(self.tr("Enter of dubbelklik: contactmoment toevoegen. Ctrl+O: zaak openen."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #595959;")
        recent_layout.addWidget(hint)
        row = QHBoxLayout()
        add_contact = QPushButton(self.tr("&Contactmoment toevoegen"))
        add_contact.clicked.connect(lambda: self._recent_activated(self.recent.currentIndex()))
        open_case = QPushButton(self.tr("Zaak o&penen"))
        open_case.setShortcut("Ctrl+O")
        open_case.clicked.connect(self._open_selected)
        row.addWidget(add_contact)
        row.addWidget(open_case)
        row.addStretch(1)
        recent_layout.addLayout(row)

        splitter = QSplitter()
        splitter.addWidget(form_box)
        splitter.addWidget(recent_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        title = title_label(self.tr("Lijn 1: toestemming vakantie"))
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

    # -- life cycle ------------------------------------------------------------------
    def activate(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.refresh_recent()
        self.caller.setFocus(Qt.FocusReason.OtherFocusReason)

    def start_new(self) -> None:
        """Ctrl+N: a fresh form with the focus on "who calls" (unsaved input is kept)."""
        self.activate()
        self.caller.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _data_changed(self, changes: OpChanges) -> None:
        # A case or contact changed anywhere (here, a case window): "my last 20" may differ.
        if self._loaded and (changes.cases or changes.contacts):
            self.refresh_recent()

    def refresh_recent(self) -> None:
        actor = self.ctx.actor
        self.ctx.worker.call(
            lambda app: app.cases.recent_registrations(actor),
            self.recent_model.set_items,
            lambda e: show_error(self, e),
            owner=self,
        )

    # -- registering ------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.recent.hasFocus():
            self.submit()
            return
        super().keyPressEvent(event)

    def person(self) -> PersonData:
        """Who calls, with the name typed (no relation while "who calls" is not chosen)."""
        template = self.callers[self.caller.currentIndex()][1] or PersonData()
        name = self.name.text().strip() or None
        person = PersonData(
            kind=template.kind,
            relation=template.relation,
            organisation_type=template.organisation_type,
        )
        if template.kind is RequesterKind.PROFESSIONAL:
            person.organisation = name
        else:
            person.last_name = name
        return person

    def is_empty(self) -> bool:
        """Nothing chosen or typed: no call to register (the form after a save, too)."""
        return (
            self.caller.currentIndex() == 0
            and not self.name.text().strip()
            and not self.country.edit.text().strip()
            and not self.note.text().strip()
        )

    def _edited(self) -> None:
        """Typing after a refused save: a message goes as soon as its field is fine."""
        if not self.errors.shown:
            return
        problems = self._problems(commit=False)
        fields = {p.field for p in problems}
        grouped = {
            key: [self.errors.text(key)]
            for key in self.errors.shown
            if key in fields and self.errors.text(key)
        }
        self.errors.put(grouped)
        if not grouped and self.status.text() == self._refused_text():
            self.status.clear()

    def _refused_text(self) -> str:
        return self.tr("Niet opgeslagen: vul aan wat rood is gemarkeerd.")

    def _problems(self, commit: bool = True) -> list[FieldProblem]:
        if commit:
            self.country.commit()
        problems: list[FieldProblem] = []
        country_problem = self.country.problem()
        if country_problem is not None:
            problems.append(FieldProblem("country", country_problem))
        note = self.note.text().strip() or None
        # A destination typed but not (yet) one country is the country field's problem.
        destination = self.country.iso2() or self.country.edit.text().strip() or None
        for p in line1_rules(self.person(), destination, note):
            # "a name, a destination or a note": said at the name, the first of the three.
            field = "requester.last_name" if p.field == "note" else p.field
            problems.append(FieldProblem(field, p.message))
        return problems

    def _refuse(self, problems: list[FieldProblem]) -> None:
        other = self.errors.show(problems)
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(" ".join([self._refused_text(), *other]))
        self.errors.focus_first()

    def submit(self) -> None:
        if self._saving:
            return
        if self.is_empty():
            return  # Enter on an empty (or just saved and cleared) form registers nothing
        problems = self._problems()
        if problems:
            self._refuse(problems)
            return
        self.errors.clear()
        self._saving = True
        self.save_button.setEnabled(False)
        actor = self.ctx.actor
        caller = self.person()
        channel = Channel(self.channel.currentData())
        country = self.country.iso2()
        note = self.note.text()
        at = datetime.now().replace(second=0, microsecond=0)

        self.ctx.worker.call(
            lambda app: app.cases.register_line1(
                actor, caller=caller, channel=channel, at=at, country=country, note=note
            ),
            self._saved,
            self._failed,
            owner=self,
            changes=CASES,
        )

    def _saved(self, ref: str) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.status.setStyleSheet("color: #1d5e20;")
        self.status.setText(
            self.tr("Opgeslagen als {0}. Klaar voor de volgende beller.").format(ref)
        )
        self.clear_form()
        self.registered.emit(ref)  # the recent list refreshes on the worker's `changed`

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            fields = {"note": "requester.last_name", "summary": "note"}
            problems = [FieldProblem(fields.get(f, f), m) for f, m in exc.errors.items()]
            self._refuse(problems)
            return
        message = save_failed_text(exc)  # the server gone: the call typed stays
        if message is None:
            show_error(self, exc)
            return
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(message)

    def clear_form(self) -> None:
        self.errors.clear()
        self.caller.setCurrentIndex(0)
        self.name.clear()
        self.country.clear()
        self.note.clear()
        self.channel.setCurrentIndex(0)
        self.caller.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the recent list ------------------------------------------------------------
    def _recent_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.recent_model.items[index.row()]
        if row.masked:
            # Behind a conflict wall: the policy refuses it, says why and audits it.
            self.open_case_requested.emit(row.id)
            return
        dialog = ContactDialog(
            self.ctx, row.id, row.ref, row.requester_kind, self, opened=row.opened
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.contact_dialog = dialog

    def _open_selected(self) -> None:
        index = self.recent.currentIndex()
        if index.isValid():
            self.open_case_requested.emit(self.recent_model.items[index.row()].id)
