"""Beheer › Referentiegegevens: the countries, and correcting one with its source.

The administrator corrects a country's status under the 1980 Hague Convention,
its date in force and its EU membership in a small dialog that requires a
note saying where the new fact comes from (`services.reference.update_country`:
audited with what changed and the note). An unknown date in force reads
"onbekend", never "?".

For a state that acceded (Art. 38) the Convention applies with the Netherlands
only from the first day of the third calendar month after the Netherlands
deposited its acceptance of the accession: the administrator records that
deposit date here, and the dialog says from when the Convention then applies.
The Art. 35 check in the case window reads it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action
from ikodesk.services.deadlines import third_month_start
from ikodesk.services.reference import CONVENTION_IN_FORCE, CountryFacts
from ikodesk.services.validation import FieldProblem
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.date_text import DayRange
from ikodesk.ui.common.fields import DateField, fold, format_date
from ikodesk.ui.common.submit_dialog import SubmitDialog
from ikodesk.ui.common.tables import Index, ListModel, plain_table
from ikodesk.ui.common.worker import AppJob
from ikodesk.ui.context import AppContext, CountryInfo, DatabaseFacts

REFERENCE = OpChanges(settings=True)


class CountriesModel(ListModel):
    items: list[CountryInfo]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("CountriesModel", "Land"),
            QCoreApplication.translate("CountriesModel", "ISO"),
            QCoreApplication.translate("CountriesModel", "HKOV 1980"),
            QCoreApplication.translate("CountriesModel", "In werking sinds"),
            QCoreApplication.translate("CountriesModel", "EU"),
            QCoreApplication.translate("CountriesModel", "Aanvaarding NL (art. 38)"),
            QCoreApplication.translate("CountriesModel", "Bron"),
        ]

    def cells(self, c: CountryInfo) -> list[str]:
        yes = QCoreApplication.translate("CountriesModel", "ja")
        no = QCoreApplication.translate("CountriesModel", "nee")
        if c.hague_since:
            since = format_date(c.hague_since)
        else:
            since = (
                QCoreApplication.translate("CountriesModel", "onbekend") if c.hague_party else ""
            )
        return [
            c.name_nl,
            c.iso2,
            yes if c.hague_party else no,
            since,
            yes if c.eu_member else "",
            acceptance_text(c),
            c.source_note or "",
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.items[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6:
            return c.source_note or None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5 and accession_pending(c):
            return QCoreApplication.translate(
                "CountriesModel",
                "Toegetreden staat: het Verdrag geldt met Nederland pas vanaf de eerste dag van "
                "de derde kalendermaand na de aanvaarding door Nederland. Zolang die datum "
                "onbekend is, kan ikodesk niet zeggen of het Verdrag gold op de datum van een "
                "ontvoering.",
            )
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5 and accession_pending(c):
            return QColor("#7a4a00")
        return super().data(index, role)


def accession_pending(c: CountryInfo) -> bool:
    """An acceded state whose Dutch acceptance ikodesk does not know."""
    return c.hague_party and c.hague_acceded and c.nl_acceptance is None


def acceptance_text(c: CountryInfo) -> str:
    """ "neergelegd 12-06-1990", "onbekend" for an acceded state; "" otherwise."""
    if not (c.hague_party and c.hague_acceded):
        return ""
    if c.nl_acceptance is None:
        return QCoreApplication.translate("CountriesModel", "onbekend")
    return QCoreApplication.translate("CountriesModel", "neergelegd {0}").format(
        format_date(c.nl_acceptance)
    )


class CountryDialog(SubmitDialog):
    """A country's Hague and EU facts, corrected with the source of the correction."""

    changes = REFERENCE

    def __init__(
        self, ctx: AppContext, country: CountryInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.country = country
        self.setWindowTitle(self.tr("Land wijzigen — {0}").format(country.name_nl))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.party = QCheckBox(self.tr("&Verdragsland onder het HKOV 1980"))
        self.party.setObjectName("hagueParty")
        self.party.setChecked(country.hague_party)
        self.since = DateField(limits=DayRange(CONVENTION_IN_FORCE))
        self.since.set_name("hagueSince")
        self.since.set_value(country.hague_since)
        self.since.edit.setPlaceholderText(self.tr("leeg: onbekend"))
        self.acceded = QCheckBox(
            self.tr("&Toegetreden (art. 38): geldt met Nederland pas na aanvaarding door Nederland")
        )
        self.acceded.setObjectName("hagueAcceded")
        self.acceded.setChecked(country.hague_acceded)
        self.acceptance = DateField(limits=DayRange(CONVENTION_IN_FORCE, latest_today=True))
        self.acceptance.set_name("nlAcceptance")
        self.acceptance.set_value(country.nl_acceptance)
        self.acceptance.edit.setPlaceholderText(self.tr("leeg: onbekend"))
        self.acceptance_effect = QLabel()
        self.acceptance_effect.setObjectName("acceptanceEffect")
        self.acceptance_effect.setWordWrap(True)
        self.acceptance_effect.setStyleSheet("color: #595959;")
        self.eu = QCheckBox(self.tr("&Lid van de Europese Unie"))
        self.eu.setObjectName("euMember")
        self.eu.setChecked(country.eu_member)
        self.note = QLineEdit()
        self.note.setObjectName("sourceNote")
        self.note.setPlaceholderText(
            self.tr("bijv. HCCH-statustabel, geraadpleegd {0}").format(format_date(date.today()))
        )
        form.addRow(self.party)
        since_label = QLabel(self.tr("&In werking sinds"))
        since_label.setBuddy(self.since)
        form.addRow(since_label, self.errors.wrap(self.since, "hague_since"))
        form.addRow(self.acceded)
        acceptance_label = QLabel(self.tr("&Aanvaarding door Nederland\n(neergelegd op)"))
        acceptance_label.setBuddy(self.acceptance)
        form.addRow(acceptance_label, self.errors.wrap(self.acceptance, "nl_acceptance"))
        form.addRow(self.acceptance_effect)
        form.addRow(self.eu)
        note_label = QLabel(self.tr("&Bron van deze wijziging *"))
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.errors.wrap(self.note, "source_note"))
        previous = QLabel(
            self.tr("Bron tot nu toe: {0}").format(country.source_note or self.tr("geen"))
        )
        previous.setWordWrap(True)
        previous.setStyleSheet("color: #595959;")
        form.addRow(previous)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.add_buttons(self.tr("&Opslaan"), self.tr("Annuleren")))
        self.party.toggled.connect(self._enable)
        self.acceded.toggled.connect(self._enable)
        self.acceptance.textChanged.connect(lambda _text: self._show_effect())
        self._enable()
        self.party.setFocus()

    def _enable(self) -> None:
        """A date in force only for a party; an acceptance only for a party that acceded."""
        party = self.party.isChecked()
        self.since.setEnabled(party)
        self.acceded.setEnabled(party)
        self.acceptance.setEnabled(party and self.acceded.isChecked())
        self._show_effect()

    def _show_effect(self) -> None:
        """From when the Convention applies between the Netherlands and this state."""
        name = self.country.name_nl
        if not self.acceptance.isEnabled() or not self.acceptance.is_valid():
            text = ""
        elif (day := self.acceptance.value()) is None:
            text = self.tr(
                "Onbekend: zolang deze datum ontbreekt, zegt het dossier bij een ontvoering "
                "van of naar {0} dat niet vastgesteld kan worden of het Verdrag gold."
            ).format(name)
        else:
            text = self.tr(
                "Het Verdrag geldt dan tussen Nederland en {0} vanaf {1} (eerste dag van de "
                "derde kalendermaand na de neerlegging, art. 38)."
            ).format(name, format_date(third_month_start(day)))
        self.acceptance_effect.setText(text)
        self.acceptance_effect.setVisible(bool(text))

    def job(self) -> AppJob:
        try:
            since = self.since.value() if self.party.isChecked() else None
        except ValueError as exc:
            self.problems.append(FieldProblem("hague_since", str(exc)))
            since = None
        acceded = self.party.isChecked() and self.acceded.isChecked()
        try:
            accepted = self.acceptance.value() if acceded else None
        except ValueError as exc:
            self.problems.append(FieldProblem("nl_acceptance", str(exc)))
            accepted = None
        facts = CountryFacts(self.party.isChecked(), since, self.eu.isChecked(), acceded, accepted)
        actor, iso2, note = self.ctx.actor, self.country.iso2, self.note.text()

        return lambda app: app.admin.update_country(actor, iso2, facts, note)


class CountriesTab(QWidget):
    """The countries with their Hague status; an administrator corrects one (Enter)."""

    changed = Signal(str)  # a message: which country was corrected

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        char = self.fontMetrics().averageCharWidth()
        rv = QVBoxLayout(self)
        info = QLabel(
            self.tr(
                "Landen met hun status onder het Haags Kinderontvoeringsverdrag 1980 (HKOV) en "
                "de datum van inwerkingtreding in verhouding tot Nederland. Deze gegevens "
                "bepalen de HKOV-indicatie in zaken en rapportages. Voor een staat die is "
                "toegetreden, geldt het Verdrag met Nederland pas na de aanvaarding door "
                "Nederland (art. 38): leg die datum vast, anders blijft de toets in het "
                'dossier "onbekend". Wijzig een land met Enter of dubbelklik; elke wijziging '
                "vraagt een bron en komt in de auditlog."
            )
        )
        info.setWordWrap(True)
        rv.addWidget(info)
        self.filter = QLineEdit()
        self.filter.setObjectName("countriesFilter")
        self.filter.setPlaceholderText(self.tr("filter op naam of ISO-code"))
        self.filter.setClearButtonEnabled(True)
        rv.addWidget(self.filter)
        self.model = CountriesModel(self)
        self.view = plain_table(self.model, "countries", (30, 6, 10, 15, 5, 25), char)
        rv.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Land &wijzigen…"))
        self.edit_button.setObjectName("editCountry")
        self.edit_button.setVisible(ctx.can(Action.REFERENCE_MANAGE))
        self.edit_button.clicked.connect(lambda: self.edit_country(self.view.currentIndex()))
        row.addWidget(self.edit_button)
        row.addStretch(1)
        rv.addLayout(row)
        self.dialog: CountryDialog | None = None
        self.filter.textChanged.connect(self.apply_filter)
        self.view.activated.connect(self.edit_country)
        self.apply_filter()

    def apply_filter(self) -> None:
        needle = fold(self.filter.text())
        items = [
            c
            for c in self.ctx.facts.countries
            if not needle or needle in fold(c.name_nl) or needle == c.iso2.lower()
        ]
        self.model.set_items(items)

    def edit_country(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid() or not self.ctx.can(Action.REFERENCE_MANAGE):
            return
        country = self.model.items[index.row()]
        dialog = CountryDialog(self.ctx, country, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.stored.connect(lambda facts, c=country: self._stored(facts, c))
        dialog.open()
        self.dialog = dialog

    def _stored(self, _facts: CountryFacts, country: CountryInfo) -> None:
        """The new facts for every screen opened from now on, and in this list."""
        worker = self.ctx.worker

        def loaded(facts: DatabaseFacts) -> None:
            self.ctx.facts = facts
            self.ctx.countries_by_iso = {c.iso2: c for c in facts.countries}
            self.apply_filter()
            self.changed.emit(self.tr("{0} is bijgewerkt.").format(country.name_nl))

        worker.call(lambda app: app.facts(), loaded, None, owner=self)
