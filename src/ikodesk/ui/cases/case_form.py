"""The case form (Line 2, and Line 1 cases opened from a list) with its contact moments.

The code decides which fields show (`validation.code_rule`); the services'
checks (`cases.check_case`) are shown next to the fields, in Dutch, before
anything is saved. Unsaved changes are never lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ikodesk.errors import HandlerWalled, ValidationError
from ikodesk.models import Case
from ikodesk.models.enums import (
    LINE1_CODES,
    LINE2_CODES,
    CaseCode,
    CloseReason,
    Direction,
    FamilyRelation,
    OrganisationType,
    ParentRelation,
    ParentSide,
    RequesterKind,
    Taker,
    line_of,
)
from ikodesk.services import case_facets, cases, conflicts
from ikodesk.services.actors import Actor
from ikodesk.services.case_facets import HandlerChoice
from ikodesk.services.validation import CaseData, ChildData, FieldProblem, PersonData, code_rule
from ikodesk.ui.cases.children_editor import ChildrenEditor
from ikodesk.ui.cases.conflict_badge import ConflictBadge
from ikodesk.ui.cases.contacts import (
    ContactDialog,
    ContactTimelineModel,
    ContactView,
    contact_views,
    load_contacts,
)
from ikodesk.ui.common.editor_window import EditorWindow
from ikodesk.ui.common.fields import CountryField, DateField, format_date
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.problems import humanize
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.context import AppContext
from ikodesk.ui.i18n import enum_label

VALIDATE_DELAY_MS = 500


@dataclass
class LoadedCase:
    id: int
    ref: str
    data: CaseData
    contacts: list[ContactView]
    conflict: bool = False  # in a conflict pair: the badge


def load_case(session: Session, actor: Actor, case_id: int) -> LoadedCase:
    """A case as the form shows it, read in one unit of work (on the worker).

    The policy decides first (`cases.get_case`: CaseWalled, AccessDenied), so a
    refused case yields nothing but the error.
    """
    case = cases.get_case(session, actor, case_id)
    return LoadedCase(
        case.id,
        case.ref,
        case_data_of(case),
        contact_views(session, case),
        bool(conflicts.conflict_case_ids(session, [case.id])),
    )


def _person_data(p: Any) -> PersonData:
    return PersonData(
        kind=p.kind,
        relation=p.relation,
        side=p.side,
        organisation_type=p.organisation_type,
        organisation=p.organisation,
        first_name=p.first_name,
        last_name=p.last_name,
        birth_date=p.birth_date,
        phone=p.phone,
        email=p.email,
    )


def case_data_of(case: Case) -> CaseData:
    """A stored case as the form's record (on the worker: reads relationships)."""
    other = case.other_parent
    return CaseData(
        ref=case.ref,
        line=case.line,
        code=case.code,
        opened=case.opened,
        handler=case.handler.username,
        requester=_person_data(case.requester),
        closed=case.closed,
        close_reason=case.close_reason,
        other_parent=_person_data(other) if other is not None else None,
        children=[ChildData(c.first_name, c.last_name, c.birth_date, c.age) for c in case.children],
        country=case.country,
        direction=case.direction,
        taker=case.taker,
        mover=case.mover,
        summary=case.summary,
    )


def _combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _set_combo(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(index if index >= 0 else 0)


def _value(combo: QComboBox, enum_cls: Any) -> Any:
    data = combo.currentData()
    return enum_cls(data) if data else None


class CloseDialog(QDialog):
    def __init__(self, opened: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zaak sluiten"))
        form = QFormLayout(self)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("closeDate")
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.day.setCalendarPopup(True)
        self.day.setMinimumDate(QDate(opened.year, opened.month, opened.day))
        self.reason = _combo("closeReason", [(enum_label(r), r.value) for r in CloseReason])
        form.addRow(self.tr("&Sluitdatum"), self.day)
        form.addRow(self.tr("&Reden"), self.reason)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("Zaak &sluiten"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reason.setFocus()

    def values(self) -> tuple[date, CloseReason]:
        return self.day.date().toPython(), CloseReason(self.reason.currentData())  # type: ignore[return-value]


class CaseWindow(EditorWindow):
    """One case in its own window (several can be open side by side)."""

    saved = Signal(int)
    loaded = Signal()
    validated = Signal(list)  # the problems shown
    # Loaded and allowed: the main window shows it (after the unlock when locked).
    present_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        case_id: int | None,
        *,
        line: int = 2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.case_id = case_id
        self.ref: str | None = None
        self.line = line
        self._dirty = False
        self._loading = True
        self._saving = False
        self._live_validation = case_id is not None
        self._closed: date | None = None
        self._close_reason: CloseReason | None = None
        self._close_after_save = False
        self._contact_pending = False
        self._reveal_when_loaded = False
        self.conflict = False
        # The handler the policy last refused, with its message: shown at the field for
        # as long as that handler stays chosen (the services decide again on each save).
        self._refused_handler: tuple[str, str] | None = None
        self.error_labels: dict[str, QLabel] = {}
        self.problems: list[FieldProblem] = []
        self.setWindowTitle(self.tr("Nieuwe zaak") if case_id is None else self.tr("Zaak laden…"))
        self.resize(1280, 860)
        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate)
        self._load()

    # -- building --------------------------------------------------------------------
    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error:{field}")
        label.setWordWrap(True)
        label.setStyleSheet("color: #b00020;")
        label.hide()
        self.error_labels[field] = label
        return label

    def _with_error(self, widget: QWidget, field: str) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        v.addWidget(self._error_label(field))
        return box

    def _build(self) -> None:
        ctx = self.ctx
        # Header: reference, status and the actions.
        self.title = title_label()
        self.status_label = QLabel()
        self.status_label.setObjectName("caseStatus")
        self.conflict_badge = ConflictBadge()
        self.save_button = QPushButton(self.tr("&Opslaan"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.close_case_button = QPushButton(self.tr("Zaak &sluiten…"))
        self.close_case_button.setObjectName("closeCase")
        self.close_case_button.clicked.connect(self.close_case)
        self.reopen_button = QPushButton(self.tr("&Heropenen"))
        self.reopen_button.clicked.connect(self.reopen_case)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.conflict_badge)
        header.addWidget(self.status_label)
        header.addStretch(1)
        for b in (self.save_button, self.close_case_button, self.reopen_button):
            header.addWidget(b)

        # -- the case ----------------------------------------------------------------
        case_box = QGroupBox(self.tr("Zaak"))
        self.case_form = QFormLayout(case_box)
        codes = LINE2_CODES if self.line == 2 else LINE1_CODES
        self.code = _combo("code", [(enum_label(c), c.value) for c in codes])
        self.code.setMaxVisibleItems(len(codes))
        self.opened = QDateEdit(QDate.currentDate())
        self.opened.setObjectName("opened")
        self.opened.setDisplayFormat("dd-MM-yyyy")
        self.opened.setCalendarPopup(True)
        self.handler = QComboBox()
        self.handler.setObjectName("handler")
        self.country = CountryField(ctx.facts.countries, badge=True)
        self.country_label = QLabel(self.tr("&Land"))
        self.country_label.setBuddy(self.country.edit)
        self.direction = QComboBox()
        self.direction.setObjectName("direction")
        self.taker = QComboBox()
        self.taker.setObjectName("taker")
        self.mover = QComboBox()
        self.mover.setObjectName("mover")
        self.case_form.addRow(self.tr("&Code"), self._with_error(self.code, "code"))
        self.case_form.addRow(self.tr("Ge&opend op"), self._with_error(self.opened, "opened"))
        self.case_form.addRow(self.tr("&Behandelaar"), self._with_error(self.handler, "handler"))
        self.case_form.addRow(self.country_label, self._with_error(self.country, "country"))
        self.case_form.addRow(self.tr("&Richting"), self._with_error(self.direction, "direction"))
        self.case_form.addRow(self.tr("Meegenomen &door"), self._with_error(self.taker, "taker"))
        self.case_form.addRow(self.tr("&Wie verhuist"), self._with_error(self.mover, "mover"))
        self.closed_info = QLabel()
        self.case_form.addRow(self.closed_info)

        # -- the requester -----------------------------------------------------------
        req_box = QGroupBox(self.tr("Hoofdbetrokkene (wie vraagt advies)"))
        self.req_form = QFormLayout(req_box)
        self.req_kind = _combo("requesterKind", [(enum_label(k), k.value) for k in RequesterKind])
        self.req_parent_relation = _combo(
            "parentRelation", [(enum_label(r), r.value) for r in ParentRelation]
        )
        self.req_side = _combo(
            "side", [("—", None)] + [(enum_label(s), s.value) for s in ParentSide]
        )
        self.req_org_type = _combo(
            "organisationType", [(enum_label(t), t.value) for t in OrganisationType]
        )
        self.req_org_type.setMaxVisibleItems(len(OrganisationType))
        self.req_organisation = QLineEdit()
        self.req_organisation.setObjectName("organisation")
        self.req_family_relation = _combo(
            "familyRelation", [(enum_label(r), r.value) for r in FamilyRelation]
        )
        self.req_first = QLineEdit()
        self.req_first.setObjectName("requesterFirstName")
        self.req_last = QLineEdit()
        self.req_last.setObjectName("requesterLastName")
        self.req_birth = DateField()
        self.req_birth.setObjectName("requesterBirthDate")
        self.req_phone = QLineEdit()
        self.req_phone.setObjectName("requesterPhone")
        self.req_email = QLineEdit()
        self.req_email.setObjectName("requesterEmail")
        f = self.req_form
        f.addRow(self.tr("Soo&rt"), self._with_error(self.req_kind, "requester.kind"))
        f.addRow(self.tr("Ouder"), self._with_error(self.req_parent_relation, "requester.relation"))
        f.addRow(self.tr("&Kant"), self._with_error(self.req_side, "requester.side"))
        f.addRow(
            self.tr("Organisatie&type"),
            self._with_error(self.req_org_type, "requester.organisation_type"),
        )
        f.addRow(
            self.tr("Organisatie"),
            self._with_error(self.req_organisation, "requester.organisation"),
        )
        f.addRow(self.tr("Relatie"), self._with_error(self.req_family_relation, "requester.family"))
        f.addRow(self.tr("&Voornaam"), self._with_error(self.req_first, "requester.first_name"))
        f.addRow(self.tr("&Achternaam"), self._with_error(self.req_last, "requester.last_name"))
        f.addRow(self.tr("Geboortedatum"), self._with_error(self.req_birth, "requester.birth_date"))
        f.addRow(self.tr("Telefoon"), self._with_error(self.req_phone, "requester.phone"))
        f.addRow(self.tr("E-mail"), self._with_error(self.req_email, "requester.email"))

        # -- the other parent ----------------------------------------------------------
        other_box = QGroupBox(self.tr("Andere ouder"))
        other_form = QFormLayout(other_box)
        self.other_known = QCheckBox(self.tr("Andere ouder &vastleggen"))
        self.other_known.setObjectName("otherParentKnown")
        self.other_relation = _combo(
            "otherRelation", [("—", None)] + [(enum_label(r), r.value) for r in ParentRelation]
        )
        self.other_first = QLineEdit()
        self.other_first.setObjectName("otherFirstName")
        self.other_last = QLineEdit()
        self.other_last.setObjectName("otherLastName")
        self.other_birth = DateField()
        self.other_birth.setObjectName("otherBirthDate")
        other_form.addRow(self.other_known)
        other_form.addRow(
            self.tr("Ouder"), self._with_error(self.other_relation, "other_parent.relation")
        )
        other_form.addRow(
            self.tr("Voornaam"), self._with_error(self.other_first, "other_parent.first_name")
        )
        other_form.addRow(
            self.tr("Achternaam"), self._with_error(self.other_last, "other_parent.last_name")
        )
        other_form.addRow(
            self.tr("Geboortedatum"), self._with_error(self.other_birth, "other_parent.birth_date")
        )
        self.other_fields: list[QWidget] = [
            self.other_relation,
            self.other_first,
            self.other_last,
            self.other_birth,
        ]

        # -- children and summary --------------------------------------------------------
        children_box = QGroupBox(self.tr("Kinderen"))
        cv = QVBoxLayout(children_box)
        self.children_editor = ChildrenEditor()
        cv.addWidget(self.children_editor)
        cv.addWidget(self._error_label("children"))
        summary_box = QGroupBox(self.tr("Samenvatting en notities"))
        sv = QVBoxLayout(summary_box)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(self.fontMetrics().height() * 6)
        sv.addWidget(self.summary)
        sv.addWidget(self._error_label("summary"))

        # One column, in the order a case is told: the case, who asks, the other parent,
        # the children, the summary. It fits beside the contact moments even at 150%.
        left = QWidget()
        lv = QVBoxLayout(left)
        for box in (case_box, req_box, other_box, children_box, summary_box):
            lv.addWidget(box)
        lv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)

        # -- contact moments ---------------------------------------------------------
        contacts_box = QGroupBox(self.tr("Contactmomenten"))
        cl = QVBoxLayout(contacts_box)
        self.new_contact_button = QPushButton(self.tr("&Nieuw contactmoment (Ctrl+Shift+N)"))
        self.new_contact_button.setObjectName("newContact")
        self.new_contact_button.clicked.connect(self.new_contact)
        cl.addWidget(self.new_contact_button)
        self.contacts_model = ContactTimelineModel(self)
        self.contacts_view = QTableView()
        self.contacts_view.setObjectName("contacts")
        self.contacts_view.setModel(self.contacts_model)
        self.contacts_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contacts_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.contacts_view.setWordWrap(False)
        self.contacts_view.verticalHeader().setVisible(False)
        self.contacts_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.contacts_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.contacts_view.horizontalHeader().setStretchLastSection(True)
        char = self.fontMetrics().averageCharWidth()
        for i, w in enumerate((18, 10, 13, 13, 8)):
            self.contacts_view.setColumnWidth(i, w * char + 16)
        cl.addWidget(self.contacts_view)
        self.contacts_count = QLabel()
        cl.addWidget(self.contacts_count)

        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(contacts_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([11 * char * 10, 9 * char * 10])
        scroll.setMinimumWidth(char * 60)

        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.message.hide()

        # -- behaviour ---------------------------------------------------------------
        self.code.currentIndexChanged.connect(self._code_changed)
        self.req_kind.currentIndexChanged.connect(self._kind_changed)
        self.other_known.toggled.connect(self._other_toggled)
        self.opened.dateChanged.connect(self._opened_changed)
        for w in (
            self.code,
            self.handler,
            self.direction,
            self.taker,
            self.mover,
            self.req_kind,
            self.req_parent_relation,
            self.req_side,
            self.req_org_type,
            self.req_family_relation,
            self.other_relation,
        ):
            w.currentIndexChanged.connect(self._changed)
        for e in (
            self.req_organisation,
            self.req_first,
            self.req_last,
            self.req_birth,
            self.req_phone,
            self.req_email,
            self.other_first,
            self.other_last,
            self.other_birth,
        ):
            e.textChanged.connect(self._changed)
        self.opened.dateChanged.connect(self._changed)
        self.country.changed.connect(self._changed)
        self.other_known.toggled.connect(self._changed)
        self.children_editor.changed.connect(self._changed)
        self.summary.textChanged.connect(self._changed)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.new_contact)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)

        self._code_changed()
        self._kind_changed()
        self._other_toggled(False)
        self._update_header()

    # -- dynamic fields ------------------------------------------------------------------
    def _current_code(self) -> CaseCode:
        return CaseCode(self.code.currentData())

    def _set_row_visible(self, form: QFormLayout, widget: QWidget, visible: bool) -> None:
        container = widget.parentWidget()
        if container is not None and form.indexOf(container) >= 0:
            form.setRowVisible(container, visible)
        elif form.indexOf(widget) >= 0:
            form.setRowVisible(widget, visible)

    def _fill(self, combo: QComboBox, values: tuple[Any, ...]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        # Always an empty choice first: a required value must be chosen, not defaulted.
        combo.addItem("—", None)
        for v in values:
            combo.addItem(enum_label(v), v.value)
        _set_combo(combo, current)
        combo.blockSignals(False)

    def _code_changed(self) -> None:
        code = self._current_code()
        rule = code_rule(code)
        self._fill(self.direction, rule.directions)
        self._fill(self.taker, rule.takers)
        self._fill(self.mover, rule.movers)
        self._set_row_visible(self.case_form, self.direction, bool(rule.directions))
        self._set_row_visible(self.case_form, self.taker, bool(rule.takers))
        self._set_row_visible(self.case_form, self.mover, bool(rule.movers))
        labels = {
            CaseCode.INTERNATIONAL_ABDUCTION: self.tr("&Land (ontvoering naar/van)"),
            CaseCode.FAMILY_ABDUCTION: self.tr("&Land (ontvoering naar/van)"),
            CaseCode.PREVENTION: self.tr("&Land (gevreesde ontvoering)"),
            CaseCode.RELOCATION_CONSENT: self.tr("&Land (verhuizing naar/van)"),
            CaseCode.INTERNATIONAL_CONTACT: self.tr("&Land (kind of ouder woont daar)"),
            CaseCode.TRAVEL_CONSENT: self.tr("&Reisbestemming"),
        }
        text = labels.get(code, self.tr("&Land (optioneel)"))
        if rule.country_required:
            text += " *"
        self.country_label.setText(text)

    def _kind_changed(self) -> None:
        kind = RequesterKind(self.req_kind.currentData())
        f = self.req_form
        self._set_row_visible(f, self.req_parent_relation, kind is RequesterKind.PARENT)
        self._set_row_visible(f, self.req_side, kind is RequesterKind.PARENT)
        self._set_row_visible(f, self.req_org_type, kind is RequesterKind.PROFESSIONAL)
        self._set_row_visible(f, self.req_organisation, kind is RequesterKind.PROFESSIONAL)
        self._set_row_visible(f, self.req_family_relation, kind is RequesterKind.FAMILY)

    def _other_toggled(self, on: bool) -> None:
        for w in self.other_fields:
            w.setEnabled(on)

    def _opened_changed(self) -> None:
        day = self.opened.date().toPython()
        self.country.set_reference_date(day)  # type: ignore[arg-type]
        self.children_editor.model.set_opened(day)  # type: ignore[arg-type]

    # -- loading ---------------------------------------------------------------------
    def _load(self) -> None:
        actor, case_id = self.ctx.actor, self.case_id

        def job(s: Session) -> tuple[LoadedCase | None, list[HandlerChoice]]:
            if case_id is None:
                return None, case_facets.handler_choices(s, actor)
            loaded = load_case(s, actor, case_id)  # the policy first
            return loaded, case_facets.handler_choices(s, actor)

        def failed(exc: BaseException) -> None:
            self._loading = False
            if case_id is None:
                show_error(self, exc)
                return
            # Refused (a conflict wall, a role) or gone: the message stays on the main
            # window, this window (never shown, holding nothing) goes.
            show_error(self.parentWidget(), exc)
            self.discard_and_close()

        self.ctx.worker.session(job, self._loaded, failed, owner=self)

    def _loaded(self, result: tuple[LoadedCase | None, list[HandlerChoice]]) -> None:
        loaded, handlers = result
        self.handler.blockSignals(True)
        self.handler.clear()
        current = loaded.data.handler if loaded else self.ctx.actor.username
        for h in handlers:
            if h.active or h.username == current:
                text = f"{h.username} — {h.name}" if h.name else h.username
                self.handler.addItem(text, h.username)
        _set_combo(self.handler, current)
        self.handler.blockSignals(False)
        if loaded is not None:
            self.ref = loaded.ref
            self.line = loaded.data.line
            self.conflict = loaded.conflict
            self._show_data(loaded.data)
            self.contacts_model.set_items(loaded.contacts)
            self._update_contacts_count()
        else:
            self._opened_changed()
        self._loading = False
        self._dirty = False
        self._update_header()
        if self._reveal_when_loaded:
            self._reveal_when_loaded = False
            self._present()
        self.loaded.emit()
        self.code.setFocus()
        if self._contact_pending:
            self._contact_pending = False
            self.new_contact()

    def _show_data(self, d: CaseData) -> None:
        self._loading = True
        if line_of(d.code) == 1:
            self.code.clear()
            self.code.addItem(enum_label(d.code), d.code.value)
            self.code.setEnabled(False)
        _set_combo(self.code, d.code.value)
        self._code_changed()
        self.opened.setDate(QDate(d.opened.year, d.opened.month, d.opened.day))
        _set_combo(self.handler, d.handler)
        self.country.set_iso2(d.country)
        _set_combo(self.direction, d.direction.value if d.direction else None)
        _set_combo(self.taker, d.taker.value if d.taker else None)
        _set_combo(self.mover, d.mover.value if d.mover else None)
        r = d.requester
        _set_combo(self.req_kind, r.kind.value)
        self._kind_changed()
        if r.kind is RequesterKind.PARENT:
            _set_combo(self.req_parent_relation, r.relation)
        elif r.kind is RequesterKind.FAMILY:
            _set_combo(self.req_family_relation, r.relation)
        _set_combo(self.req_side, r.side.value if r.side else None)
        _set_combo(self.req_org_type, r.organisation_type.value if r.organisation_type else None)
        self.req_organisation.setText(r.organisation or "")
        self.req_first.setText(r.first_name or "")
        self.req_last.setText(r.last_name or "")
        self.req_birth.set_value(r.birth_date)
        self.req_phone.setText(r.phone or "")
        self.req_email.setText(r.email or "")
        o = d.other_parent
        self.other_known.setChecked(o is not None)
        if o is not None:
            _set_combo(self.other_relation, o.relation)
            self.other_first.setText(o.first_name or "")
            self.other_last.setText(o.last_name or "")
            self.other_birth.set_value(o.birth_date)
        self.children_editor.model.set_children(d.children)
        self.summary.setPlainText(d.summary or "")
        self._closed, self._close_reason = d.closed, d.close_reason
        self._opened_changed()

    # -- showing ------------------------------------------------------------------------
    def show_when_loaded(self) -> None:
        """Show the window once its case has loaded: a refused case opens no window."""
        if self._loading and self.case_id is not None:
            self._reveal_when_loaded = True
        else:
            self._present()

    def _present(self) -> None:
        if self.parentWidget() is not None:
            self.present_requested.emit()
        else:
            self.show()
            self.raise_()
            self.activateWindow()

    # -- state ------------------------------------------------------------------------
    def is_loading(self) -> bool:
        return self._loading

    def is_dirty(self) -> bool:
        return self._dirty

    def _changed(self, *_args: Any) -> None:
        if self._loading:
            return
        if not self._dirty:
            self._dirty = True
            self._update_header()
        if self._live_validation:
            self._validate_timer.start()

    def _update_header(self) -> None:
        is_new = self.case_id is None
        ref = self.ref or self.tr("nieuwe zaak")
        self.title.setText(ref + (" *" if self._dirty else ""))
        self.setWindowTitle(("* " if self._dirty else "") + self.tr("{0} — ikodesk").format(ref))
        if is_new:
            status = self.tr("nog niet opgeslagen")
        elif self._closed is None:
            status = self.tr("open")
        else:
            reason = enum_label(self._close_reason) if self._close_reason else ""
            status = self.tr("gesloten op {0} ({1})").format(format_date(self._closed), reason)
        self.status_label.setText(status)
        self.conflict_badge.setVisible(self.conflict)
        self.closed_info.setText(self.tr("Status: {0}").format(status))
        self.close_case_button.setVisible(not is_new and self._closed is None)
        self.reopen_button.setVisible(not is_new and self._closed is not None)
        self.new_contact_button.setEnabled(not is_new)

    def _update_contacts_count(self) -> None:
        n = self.contacts_model.rowCount()
        self.contacts_count.setText(self.tr("{0} contactmoment(en)").format(n))

    # -- collecting and validating ---------------------------------------------------------
    def collect(self) -> tuple[CaseData, list[FieldProblem]]:
        """The form as a case record, and the problems found before asking the services."""
        problems: list[FieldProblem] = []

        def day(field: DateField, path: str) -> date | None:
            try:
                return field.value()
            except ValueError:
                problems.append(FieldProblem(path, self.tr("ongeldige datum (dd-mm-jjjj)")))
                return None

        kind = RequesterKind(self.req_kind.currentData())
        requester = PersonData(kind=kind)
        if kind is RequesterKind.PARENT:
            requester.relation = self.req_parent_relation.currentData()
            requester.side = _value(self.req_side, ParentSide)
        elif kind is RequesterKind.PROFESSIONAL:
            requester.organisation_type = _value(self.req_org_type, OrganisationType)
            requester.organisation = self.req_organisation.text().strip() or None
        else:
            requester.relation = self.req_family_relation.currentData()
        requester.first_name = self.req_first.text().strip() or None
        requester.last_name = self.req_last.text().strip() or None
        requester.birth_date = day(self.req_birth, "requester.birth_date")
        requester.phone = self.req_phone.text().strip() or None
        requester.email = self.req_email.text().strip() or None
        other = None
        if self.other_known.isChecked():
            other = PersonData(
                kind=RequesterKind.PARENT,
                relation=self.other_relation.currentData(),
                first_name=self.other_first.text().strip() or None,
                last_name=self.other_last.text().strip() or None,
                birth_date=day(self.other_birth, "other_parent.birth_date"),
            )
        children, child_problems = self.children_editor.model.child_records()
        problems += child_problems
        if not self.country.is_valid():
            problems.append(
                FieldProblem("country", self.tr("onbekend land: kies een land uit de lijst"))
            )
        code = self._current_code()
        rule = code_rule(code)
        data = CaseData(
            ref=self.ref,
            line=line_of(code),
            code=code,
            opened=self.opened.date().toPython(),  # type: ignore[arg-type]
            handler=self.handler.currentData() or "",
            requester=requester,
            closed=self._closed,
            close_reason=self._close_reason,
            other_parent=other,
            children=children,
            country=self.country.iso2(),
            direction=_value(self.direction, Direction) if rule.directions else None,
            taker=_value(self.taker, Taker) if rule.takers else None,
            mover=_value(self.mover, ParentRelation) if rule.movers else None,
            summary=self.summary.toPlainText().strip() or None,
        )
        return data, problems

    def validate(self, then_save: bool = False) -> None:
        data, local = self.collect()

        def job(s: Session) -> list[FieldProblem]:
            return cases.check_case(s, data)

        def done(found: list[FieldProblem]) -> None:
            problems = local + [p for p in found if p.field not in {q.field for q in local}]
            self.show_problems(problems)
            if then_save:
                if problems:
                    self._saving = False
                    self.save_button.setEnabled(True)
                    self._close_after_save = False
                    self._focus_first_problem()
                else:
                    self._store(data)

        self.ctx.worker.session(job, done, self._save_failed if then_save else None, owner=self)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        refused = self._refused_handler
        refusal: FieldProblem | None = None
        if (
            refused is not None
            and self.handler.currentData() == refused[0]
            and not any(p.field == "handler" for p in problems)
        ):
            refusal = FieldProblem("handler", refused[1])
            problems = [*problems, refusal]
        self.problems = problems
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        children_msgs: list[str] = []
        other: list[str] = []
        for p in problems:
            text = p.message if p is refusal else humanize(p.message)  # the policy's own words
            if p.field.startswith("children["):
                number = int(p.field[len("children[") : p.field.index("]")]) + 1
                children_msgs.append(self.tr("Kind {0}: {1}").format(number, text))
                continue
            key = p.field
            if key == "requester.relation" and self.req_kind.currentData() == RequesterKind.FAMILY:
                key = "requester.family"
            label = self.error_labels.get(key)
            if label is None:
                other.append(text)
                continue
            label.setText(text)
            label.show()
        if children_msgs:
            self.error_labels["children"].setText("\n".join(children_msgs))
            self.error_labels["children"].show()
        if problems:
            self.message.setStyleSheet("color: #b00020;")
            text = self.tr("Nog niet opgeslagen: {0} veld(en) vragen aandacht.").format(
                len(problems)
            )
            if other:
                text += " " + " ".join(other)
            self.message.setText(text)
            self.message.show()
        else:
            self.message.hide()
        self.validated.emit(problems)

    def _focus_first_problem(self) -> None:
        for p in self.problems:
            label = self.error_labels.get(p.field)
            if label is not None and label.parentWidget() is not None:
                container = label.parentWidget()
                assert container is not None
                layout = container.layout()
                if layout is not None and layout.count():
                    item = layout.itemAt(0)
                    widget = item.widget() if item is not None else None
                    if widget is not None:
                        widget.setFocus()
                        return

    # -- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        if self._saving or self._loading:
            return
        self._saving = True
        self._live_validation = True
        self.save_button.setEnabled(False)
        self._validate_timer.stop()  # saving validates; a later result would hide its answer
        self.validate(then_save=True)

    def _store(self, data: CaseData) -> None:
        actor, case_id = self.ctx.actor, self.case_id

        def job(s: Session) -> LoadedCase:
            if case_id is None:
                case = cases.create_case(s, actor, data)
            else:
                case = cases.update_case(s, actor, case_id, data)
            # A registration or an edit may have revealed a conflict: the badge.
            return LoadedCase(
                case.id,
                case.ref,
                case_data_of(case),
                contact_views(s, case),
                bool(conflicts.conflict_case_ids(s, [case.id])),
            )

        self.ctx.worker.session(job, self._stored, self._save_failed, owner=self)

    def _stored(self, loaded: LoadedCase) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.case_id = loaded.id
        self.ref = loaded.ref
        self.conflict = loaded.conflict
        self._refused_handler = None
        self._dirty = False
        self.message.setStyleSheet("color: #1d5e20;")
        self.message.setText(self.tr("Opgeslagen."))
        self.message.show()
        self._update_header()
        self.saved.emit(loaded.id)
        if self._close_after_save:
            self.discard_and_close()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._close_after_save = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_problems([FieldProblem(f, m) for f, m in exc.errors.items()])
            return
        if isinstance(exc, HandlerWalled):
            # The chosen handler stands on the other side of this family's conflict:
            # nothing was written. The policy's message, as it is, next to the field.
            self._refused_handler = (self.handler.currentData(), exc.message)
            self.show_problems([])
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(self.tr("Niet opgeslagen: kies een andere behandelaar."))
            self.message.show()
            self.handler.setFocus()
            return
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            return
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(message)
        self.message.show()

    # -- closing and reopening the case -----------------------------------------------
    def close_case(self) -> None:
        if self.case_id is None:
            return
        if self._dirty:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(self.tr("Sla eerst de wijzigingen op (Ctrl+S)."))
            self.message.show()
            return
        dialog = CloseDialog(self.opened.date().toPython(), self)  # type: ignore[arg-type]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._do_close(*dialog.values()))
        dialog.open()
        self.close_dialog = dialog

    def _do_close(self, day: date, reason: CloseReason) -> None:
        actor, case_id = self.ctx.actor, self.case_id
        assert case_id is not None

        def job(s: Session) -> tuple[date | None, CloseReason | None]:
            case = cases.close_case(s, actor, case_id, day, reason)
            return case.closed, case.close_reason

        self.ctx.worker.session(job, self._status_changed, self._save_failed, owner=self)

    def reopen_case(self) -> None:
        actor, case_id = self.ctx.actor, self.case_id
        if case_id is None:
            return

        def job(s: Session) -> tuple[date | None, CloseReason | None]:
            case = cases.reopen_case(s, actor, case_id)
            return case.closed, case.close_reason

        self.ctx.worker.session(job, self._status_changed, self._save_failed, owner=self)

    def _status_changed(self, status: tuple[date | None, CloseReason | None]) -> None:
        self._closed, self._close_reason = status
        self._update_header()
        if self.case_id is not None:
            self.saved.emit(self.case_id)

    # -- contact moments --------------------------------------------------------------------
    def new_contact_when_loaded(self) -> None:
        if self._loading:
            self._contact_pending = True
        else:
            self.new_contact()

    def new_contact(self) -> ContactDialog | None:
        if self.case_id is None or self.ref is None:
            return None
        kind = RequesterKind(self.req_kind.currentData())
        dialog = ContactDialog(self.ctx, self.case_id, self.ref, kind, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self._reload_contacts())
        dialog.open()
        self.contact_dialog = dialog
        return dialog

    def _reload_contacts(self) -> None:
        actor, case_id = self.ctx.actor, self.case_id
        if case_id is None:
            return

        def loaded(items: list[ContactView]) -> None:
            self.contacts_model.set_items(items)
            self._update_contacts_count()

        self.ctx.worker.session(
            lambda s: load_contacts(s, actor, case_id), loaded, lambda e: show_error(self, e), self
        )

    # -- closing the window --------------------------------------------------------------
    def unsaved_question(self) -> str:
        return self.tr("De zaak {0} heeft wijzigingen die nog niet zijn opgeslagen.").format(
            self.ref or self.tr("(nieuw)")
        )
