"""The case window's clocks: the dates that start them and each running clock.

Only abduction cases (international or by family) carry these dates. The clocks
are worked out by the services' pure functions (`services.deadlines`) from what
the form holds, as the user types, with the reference data kept in memory: the
days left, amber within 30 days, red within 7 and once overdue, each with its
legal basis and what its date means. Beside them the Art. 35 check says plainly
when the Convention did not apply between the Netherlands and the other state
on the removal date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import CLOCK_CODES, CaseCode
from ikodesk.services import deadlines
from ikodesk.services.validation import CaseData, FieldProblem
from ikodesk.ui.common.person_fields import Wrap
from ikodesk.ui.context import DatabaseFacts
from ikodesk.ui.deadlines.clock_texts import (
    COLOURS,
    child_text,
    convention_style,
    convention_text,
    days_left_text,
)
from ikodesk.ui.deadlines.date_fields import clock_date_field
from ikodesk.ui.i18n import enum_label

REFRESH_DELAY_MS = 250
HINT_STYLE = "color: #555;"


class ClockSection(QGroupBox):
    """The clock dates of an abduction case and its running clocks."""

    changed = Signal()
    clocks_shown = Signal(list)  # the clocks on screen (services.deadlines.Clock)

    def __init__(
        self,
        facts: DatabaseFacts,
        wrap: Wrap,
        collect: Callable[[], tuple[CaseData, list[FieldProblem]]],
    ) -> None:
        super().__init__(self.tr("Termijnen (HKOV en Brussel IIb)"))
        self.facts = facts
        self._collect = collect
        self.countries = {c.iso2: c for c in facts.countries}
        self.removal = clock_date_field("removalDate")
        self.proceedings = clock_date_field("proceedingsStarted")
        self.decision = clock_date_field("decisionFirstInstance")
        self.appeal = clock_date_field("appealReady")
        self.dates = {
            "removal_date": self.removal,
            "proceedings_started": self.proceedings,
            "decision_first_instance": self.decision,
            "appeal_ready": self.appeal,
        }
        form = QFormLayout()
        for text, field in (
            (self.tr("Datu&m ontvoering / vasthouden"), "removal_date"),
            (self.tr("Procedure gestart op"), "proceedings_started"),
            (self.tr("Beslissing eerste aanleg"), "decision_first_instance"),
            (self.tr("Hoger beroep behandelbaar op"), "appeal_ready"),
        ):
            label = QLabel(text)
            label.setBuddy(self.dates[field])
            form.addRow(label, wrap(self.dates[field], field))
        self.convention = QLabel()
        self.convention.setObjectName("conventionCheck")
        self.convention.setWordWrap(True)
        self.clock_list = QLabel()
        self.clock_list.setObjectName("clocks")
        self.clock_list.setWordWrap(True)
        self.clock_list.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.convention)
        layout.addWidget(self.clock_list)
        self.clocks: list[deadlines.Clock] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        for edit in self.dates.values():
            edit.textChanged.connect(self.changed)
            edit.textChanged.connect(self.schedule)

    def widgets(self) -> list[QWidget]:
        return list(self.dates.values())

    # -- the form's record ----------------------------------------------------------
    def attach(self, code: QComboBox, on_change: Callable[[], None]) -> None:
        """Follow the form's code (shown for abduction codes only) and tell it of edits."""
        code.currentIndexChanged.connect(lambda _i: self.show_for(CaseCode(code.currentData())))
        self.changed.connect(on_change)
        self.show_for(CaseCode(code.currentData()))

    def show_for(self, code: CaseCode) -> None:
        """Only abduction cases carry the dates (access cases fall under Art. 21)."""
        self.setVisible(code in CLOCK_CODES)
        self.schedule()

    def fill(self, d: CaseData) -> None:
        for name, edit in self.dates.items():
            edit.set_value(getattr(d, name))

    def read(self, data: CaseData, problems: list[FieldProblem]) -> None:
        """Put the dates into `data` (none for other codes); unreadable ones are problems."""
        for name, edit in self.dates.items():
            try:
                day = edit.value()
            except ValueError:
                day = None
                problems.append(FieldProblem(name, self.tr("ongeldige datum (dd-mm-jjjj)")))
            setattr(data, name, day if data.code in CLOCK_CODES else None)

    # -- the clocks -------------------------------------------------------------------
    def schedule(self) -> None:
        self._timer.start()

    def refresh(self, today: date | None = None) -> None:
        """Work the clocks out again from what the form holds now."""
        self._timer.stop()
        today = today or date.today()
        data, _problems = self._collect()
        country = self.countries.get(data.country or "")
        treaty = country.treaty if country is not None else None
        facts = deadlines.clock_facts(data, [c.birth_date for c in data.children])
        self.clocks = deadlines.clocks_of(facts, treaty)
        nl = self.facts.netherlands
        check = deadlines.convention_check(
            treaty, nl.hague_since if nl else None, data.direction, data.removal_date
        )
        if check is None or country is None or data.removal_date is None:
            self.convention.hide()
        else:
            self.convention.setText(
                convention_text(
                    check, country.name_nl, data.removal_date, QCoreApplication.translate
                )
            )
            self.convention.setStyleSheet(convention_style(check))
            self.convention.show()
        self.clock_list.setText(self._clocks_html(data, today))
        self.clocks_shown.emit(self.clocks)

    def _clocks_html(self, data: CaseData, today: date) -> str:
        if data.closed is not None:
            hint = self.tr("De zaak is gesloten: geen lopende termijnen.")
            return f"<span style='{HINT_STYLE}'>{escape(hint)}</span>"
        if not self.clocks:
            hint = self.tr(
                "Geen lopende termijnen. Vul de datum van de ontvoering of van de procedure "
                "in om ze te zien."
            )
            return f"<span style='{HINT_STYLE}'>{escape(hint)}</span>"
        rows = []
        for clock in self.clocks:
            days = clock.days_left(today)
            fg, bg = COLOURS[deadlines.urgency(days)]
            name = None
            if clock.child is not None and clock.child < len(data.children):
                name = data.children[clock.child].first_name
            who = child_text(clock.child, name, QCoreApplication.translate)
            label = enum_label(clock.kind)
            basis = QCoreApplication.translate("services", clock.basis)
            # The label names the usual basis; say it again only where it differs
            # (art. 11 between two EU states: Brussels IIb too).
            extra = "" if basis.casefold() in label.casefold() else f" ({escape(basis)})"
            title = label + (f" — {who}" if who else "")
            explanation = QCoreApplication.translate("services", clock.explanation)
            rows.append(
                f"<tr><td style='background:{bg}; color:{fg}; padding:3px 6px;'>"
                f"<b>{clock.due.strftime('%d-%m-%Y')}</b><br>"
                f"{escape(days_left_text(days, QCoreApplication.translate))}</td>"
                f"<td style='padding:3px 6px;'><b>{escape(title)}</b>{extra}<br>"
                f"<span style='{HINT_STYLE}'>{escape(explanation)}</span></td></tr>"
            )
        return "<table cellspacing='2'>" + "".join(rows) + "</table>"
