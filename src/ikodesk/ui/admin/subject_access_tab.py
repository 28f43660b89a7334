"""Beheer, tab "Inzageverzoeken": an access request (AVG art. 15, issue #18 point 5).

The administrator types the person's name (and birth date, if known) and the date
the request came in, and searches: the service lists every case and mediation in
which someone of that name appears, with the family matcher's verdict. Nothing is
ticked: the administrator confirms which dossiers are this person's (the service
marks none as certain, a namesake is always possible). "Inzagepakket maken" then
writes the PDF and the JSON file through app.admin (the others redacted, audited
without the name) and says where they went and by when the request must be
answered. Everything runs on the worker; the screen only asks and shows.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ikodesk.services.subject_access import Candidate, PackMade
from ikodesk.ui.common.date_field import DateField
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.person_fields import BIRTH_DATES
from ikodesk.ui.common.tables import Index, ListModel, row_table
from ikodesk.ui.context import AppContext

RECEIVED_DATES = DayRange(latest_today=True)
ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "background: #e6f4ea; color: #1e4620; padding: 6px; border-radius: 4px;"


def _d(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


class CandidatesModel(ListModel):
    """The dossiers found, each with a check box the administrator ticks (none at first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checked: set[int] = set()
        self.headers = [
            QCoreApplication.translate("CandidatesModel", "Dossier"),
            QCoreApplication.translate("CandidatesModel", "Soort"),
            QCoreApplication.translate("CandidatesModel", "Rol in het dossier"),
            QCoreApplication.translate("CandidatesModel", "Naam"),
            QCoreApplication.translate("CandidatesModel", "Geboortedatum"),
            QCoreApplication.translate("CandidatesModel", "Waarom gevonden"),
        ]

    def set_items(self, items: list[Any]) -> None:
        self.checked = set()
        super().set_items(items)

    def cells(self, c: Candidate) -> list[str]:
        kind = (
            QCoreApplication.translate("CandidatesModel", "zaak")
            if c.kind == "case"
            else QCoreApplication.translate("CandidatesModel", "mediation")
        )
        role = {
            "requester": QCoreApplication.translate("CandidatesModel", "verzoeker"),
            "other_parent": QCoreApplication.translate("CandidatesModel", "andere ouder"),
            "mediation_parent": QCoreApplication.translate("CandidatesModel", "ouder (mediation)"),
        }.get(c.role, c.role)
        if c.match.startswith("zelfde naam en"):
            why = QCoreApplication.translate("CandidatesModel", "zelfde naam en geboortedatum")
        else:
            why = QCoreApplication.translate(
                "CandidatesModel", "zelfde naam (geen geboortedatum om te vergelijken)"
            )
        if c.name is None:
            # The office server names nobody: the match is with the name (and date) typed.
            name = QCoreApplication.translate("CandidatesModel", "(zoals ingevuld)")
            born = _d(c.birth_date) or QCoreApplication.translate(
                "CandidatesModel", "niet vergeleken"
            )
        else:
            name = c.name
            born = _d(c.birth_date) or QCoreApplication.translate("CandidatesModel", "onbekend")
        return [c.ref, kind, role, name, born, why]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            return Qt.CheckState.Checked if index.row() in self.checked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column():
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        self.set_checked(index.row(), on)
        return True

    def set_checked(self, row: int, on: bool) -> None:
        (self.checked.add if on else self.checked.discard)(row)
        cell = self.index(row, 0)
        self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.CheckStateRole])
        self.confirmed_changed.emit()

    def toggle(self, row: int) -> None:
        self.set_checked(row, row not in self.checked)

    def confirmed(self) -> list[str]:
        """The ticked dossiers' references, in the list's order (a dossier once)."""
        refs = [c.ref for i, c in enumerate(self.items) if i in self.checked]
        return list(dict.fromkeys(refs))

    confirmed_changed = Signal()


class CandidatesView(QTableView):
    """Space ticks or unticks the current row, whatever column has the focus."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        index = self.currentIndex()
        if (
            event.key() == Qt.Key.Key_Space
            and index.isValid()
            and isinstance(model, CandidatesModel)
        ):
            model.toggle(index.row())
            return
        super().keyPressEvent(event)


class SubjectAccessTab(QWidget):
    """Search the person's dossiers, tick the ones that are theirs, write the pack."""

    announced = Signal(str)
    made = Signal(object)  # the PackMade (the tests and the Termijnen page listen)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: PackMade | None = None
        self._searched: tuple[str, date | None] | None = None  # what the list was found for
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        explain = QLabel(
            self.tr(
                "Iemand vraagt welke gegevens het Centrum over hem of haar heeft (AVG art. 15). "
                "Zoek de persoon, vink de dossiers aan die echt van deze persoon zijn en maak "
                "het inzagepakket: een PDF en een JSON-bestand met de eigen gegevens, de "
                "zaakfeiten en de contactmomenten; gegevens van anderen zijn afgeschermd. "
                "Het verzoek moet binnen een maand na ontvangst beantwoord zijn."
            )
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)

        # -- who asks ------------------------------------------------------------------
        who = QGroupBox(self.tr("Verzoeker"))
        form = QFormLayout(who)
        self.name = QLineEdit()
        self.name.setObjectName("accessName")
        self.name.setPlaceholderText(self.tr("voornaam en achternaam"))
        self.name.setMaxLength(200)
        self.name.returnPressed.connect(self.search)
        self.birth_date = DateField(limits=BIRTH_DATES)
        self.birth_date.set_name("accessBirthDate")
        self.birth_date.edit.returnPressed.connect(self.search)
        self.received = DateField(limits=RECEIVED_DATES)
        self.received.set_name("accessReceived")
        self.received.set_value(date.today())
        self.received.edit.returnPressed.connect(self.search)
        self.search_button = QPushButton(self.tr("&Zoeken"))
        self.search_button.setObjectName("accessSearch")
        self.search_button.clicked.connect(self.search)
        form.addRow(self.tr("&Naam"), self.name)
        form.addRow(self.tr("Geb&oortedatum (als bekend)"), self.birth_date)
        received_row = QHBoxLayout()
        received_row.addWidget(self.received, 1)
        received_row.addWidget(self.search_button)
        # A row holding a layout gets no buddy from the form: name the label's field.
        received_label = QLabel(self.tr("Da&tum van ontvangst"))
        received_label.setBuddy(self.received)
        form.addRow(received_label, received_row)
        layout.addWidget(who)

        # -- the dossiers found --------------------------------------------------------
        # The group's Alt+V takes the focus to its first child: the list.
        found = QGroupBox(self.tr("Ge&vonden dossiers"))
        fv = QVBoxLayout(found)
        self.found_label = QLabel(
            self.tr(
                "Vink aan welke dossiers van deze persoon zijn (spatie vinkt aan of uit). "
                "Een naamgenoot is altijd mogelijk: controleer de geboortedatum."
            )
        )
        self.found_label.setWordWrap(True)
        fv.addWidget(self.found_label)
        self.model = CandidatesModel(self)
        self.view = row_table(CandidatesView(), "accessCandidates")
        self.view.setModel(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, w in enumerate((18, 10, 18, 24, 15)):
            self.view.setColumnWidth(i, w * char + 16)
        fv.addWidget(self.view, 1)
        self.with_children = QCheckBox(self.tr("Verzoeker is ouder met gezag: &kinderen tonen"))
        self.with_children.setObjectName("accessChildren")
        self.with_children.setToolTip(
            self.tr(
                "Alleen aanvinken als u hebt vastgesteld dat de verzoeker het gezag heeft over "
                "de kinderen; anders worden hun gegevens afgeschermd."
            )
        )
        fv.addWidget(self.with_children)
        layout.addWidget(found, 1)

        # -- where the pack goes -------------------------------------------------------
        pack = QGroupBox(self.tr("Inzagepakket"))
        pf = QFormLayout(pack)
        self.folder = QLineEdit()
        self.folder.setObjectName("accessFolder")
        self.folder.setPlaceholderText(self.tr("de map waarin de PDF en het JSON-bestand komen"))
        self.browse_button = QPushButton(self.tr("B&laderen…"))
        self.browse_button.setObjectName("accessBrowse")
        self.browse_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        folder_label = QLabel(self.tr("&Map"))
        folder_label.setBuddy(self.folder)
        pf.addRow(folder_label, folder_row)
        self.make_button = QPushButton(self.tr("Inzage&pakket maken"))
        self.make_button.setObjectName("accessMake")
        self.make_button.clicked.connect(self.make_pack)
        self.progress = QProgressBar()
        self.progress.setObjectName("accessProgress")
        self.progress.setRange(0, 0)  # busy: no percentage to show
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("accessStatus")
        make_row = QHBoxLayout()
        make_row.addWidget(self.make_button)
        make_row.addWidget(self.progress)
        make_row.addWidget(self.status, 1)
        pf.addRow(make_row)
        self.error = QLabel()
        self.error.setObjectName("accessError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        pf.addRow(self.error)
        self.outcome = QLabel()
        self.outcome.setObjectName("accessOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet(DONE_STYLE)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()
        pf.addRow(self.outcome)
        layout.addWidget(pack)

        # The order the keyboard walks: who, search, the list, children, folder, make.
        chain: tuple[QWidget, ...] = (
            self.name,
            self.birth_date.edit,
            self.received.edit,
            self.search_button,
            self.view,
            self.with_children,
            self.folder,
            self.browse_button,
            self.make_button,
        )
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.model.confirmed_changed.connect(self._update_buttons)
        self.folder.textChanged.connect(self._update_buttons)
        self._busy = False
        self._update_buttons()

    def activate(self) -> None:
        if not self.name.text():
            self.name.setFocus()

    # -- state ---------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        self.search_button.setEnabled(not self._busy)
        self.make_button.setEnabled(
            not self._busy and bool(self.model.confirmed()) and bool(self.folder.text().strip())
        )

    def _set_busy(self, text: str) -> None:
        self._busy = bool(text)
        self.progress.setVisible(self._busy)
        self.status.setText(text)
        for w in (self.name, self.birth_date, self.received, self.with_children, self.folder):
            w.setEnabled(not self._busy)
        self.browse_button.setEnabled(not self._busy)
        self._update_buttons()

    def _fail(self, exc: BaseException) -> None:
        self._set_busy("")
        message = user_message(exc)
        if message is None:
            show_error(self, exc)
            return
        self.error.setText(message)
        self.error.show()

    def _say(self, problem: str) -> None:
        self.error.setText(problem)
        self.error.show()

    def _request(self) -> tuple[str, date | None, date] | None:
        """The name, birth date and date received as typed, or None (the problem shown)."""
        name = " ".join(self.name.text().split())
        if len(name.split()) < 2:
            self._say(self.tr("Vul de voornaam en de achternaam in van wie om inzage vraagt."))
            self.name.setFocus()
            return None
        problem = self.birth_date.problem()
        if problem:
            self._say(self.tr("Geboortedatum: {0}.").format(problem))
            self.birth_date.setFocus()
            return None
        received_problem = self.received.problem()
        received = None if received_problem else self.received.value()
        if received is None:
            self._say(
                self.tr("Datum van ontvangst: {0}.").format(received_problem)
                if received_problem
                else self.tr("Vul de datum in waarop het verzoek binnenkwam.")
            )
            self.received.setFocus()
            return None
        return name, self.birth_date.value(), received

    # -- searching -----------------------------------------------------------------------
    def search(self) -> None:
        if self._busy:
            return
        self.error.hide()
        self.outcome.hide()
        asked = self._request()
        if asked is None:
            return
        name, born, _received = asked
        actor = self.ctx.actor
        self._set_busy(self.tr("Bezig met zoeken…"))

        def found(items: list[Candidate]) -> None:
            self._set_busy("")
            self._searched = (name, born)
            self.model.set_items(items)
            self._update_buttons()
            if items:
                self.status.setText(
                    self.tr(
                        "{0} dossier(s) gevonden; vink aan welke van deze persoon zijn."
                    ).format(len(items))
                )
                self.view.setFocus()
                self.view.setCurrentIndex(self.model.index(0, 0))
            else:
                self.status.setText(
                    self.tr("Geen dossiers gevonden met deze naam en geboortedatum.")
                    if born
                    else self.tr("Geen dossiers gevonden met deze naam.")
                )
                self.name.setFocus()

        self.ctx.worker.call(
            lambda app: app.admin.subject_access_candidates(actor, name, born),
            found,
            self._fail,
            owner=self,
        )

    # -- the pack ------------------------------------------------------------------------
    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Map voor het inzagepakket"), self.folder.text() or str(Path.home())
        )
        if chosen:
            self.folder.setText(chosen)
            self.make_button.setFocus()

    def make_pack(self) -> None:
        if self._busy:
            return
        self.error.hide()
        self.outcome.hide()
        asked = self._request()
        if asked is None:
            return
        name, born, received = asked
        if self._searched != (name, born):
            self._say(
                self.tr(
                    "De naam of geboortedatum is gewijzigd sinds het zoeken. Zoek opnieuw en "
                    "vink de dossiers opnieuw aan."
                )
            )
            self.search_button.setFocus()
            return
        confirmed = self.model.confirmed()
        if not confirmed:
            self._say(self.tr("Vink ten minste één dossier aan dat van deze persoon is."))
            self.view.setFocus()
            return
        folder_text = self.folder.text().strip()
        if not folder_text:
            self._say(self.tr("Kies de map waarin het inzagepakket moet komen."))
            self.folder.setFocus()
            return
        folder = Path(folder_text).expanduser()
        if not folder.is_dir():
            self._say(self.tr("De map {0} bestaat niet. Kies een bestaande map.").format(folder))
            self.folder.setFocus()
            return
        from ikodesk.reports.subject_access import render_pack

        actor, with_children = self.ctx.actor, self.with_children.isChecked()
        self._set_busy(self.tr("Bezig met het inzagepakket…"))

        def done(made: PackMade) -> None:
            self._set_busy("")
            self.result = made
            self.status.setText("")
            self.outcome.setText(
                self.tr(
                    "Inzagepakket gemaakt ({0} dossier(s)):\n{1}\n{2}\n"
                    "Verzoek ontvangen op {3}: uiterlijk beantwoorden op {4}. Het staat als "
                    "nr. {5} bij de Termijnen tot u het daar als beantwoord markeert.\n"
                    "Let op: deze bestanden zijn niet versleuteld. Geef ze alleen aan de "
                    "verzoeker."
                ).format(
                    made.dossiers,
                    made.pdf_path,
                    made.json_path,
                    _d(made.received),
                    _d(made.due),
                    made.request,
                )
            )
            self.outcome.show()
            self.announced.emit(
                self.tr("Inzagepakket gemaakt: uiterlijk beantwoorden op {0}.").format(_d(made.due))
            )
            self.made.emit(made)

        self.ctx.worker.call(
            lambda app: app.admin.subject_access_pack(
                actor,
                name,
                born,
                confirmed,
                folder,
                with_children=with_children,
                received=received,
                render=render_pack,
            ),
            done,
            self._fail,
            owner=self,
        )
