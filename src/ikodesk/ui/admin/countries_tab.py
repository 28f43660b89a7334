"""Beheer › Referentiegegevens: the countries, and correcting one with its source.

The administrator corrects a country's status under the 1980 Hague Convention,
its date in force and its EU membership in a small dialog that requires a
note saying where the new fact comes from (`services.reference.update_country`:
audited with what changed and the note). An unknown date in force reads
"onbekend", never "?".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
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
            c.source_note or "",
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return self.items[index.row()].source_note or None
        return super().data(index, role)


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
        self.party.toggled.connect(self.since.setEnabled)
        self.since.setEnabled(country.hague_party)
        self.party.setFocus()

    def job(self) -> AppJob:
        try:
            since = self.since.value() if self.party.isChecked() else None
        except ValueError as exc:
            self.problems.append(FieldProblem("hague_since", str(exc)))
            since = None
        facts = CountryFacts(self.party.isChecked(), since, self.eu.isChecked())
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
                "bepalen de HKOV-indicatie in zaken en rapportages. Wijzig een land met "
                "Enter of dubbelklik; elke wijziging vraagt een bron en komt in de auditlog."
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
        self.view = plain_table(self.model, "countries", (30, 6, 10, 15, 5), char)
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
