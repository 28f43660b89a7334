"""What the case window does besides editing: close and reopen the case, add a contact
moment, print the dossier, answer the typing check, and drop a case that has become walled.

Methods of `case_form.CaseWindow`, kept apart to keep each module small: the
window takes them as its own (`close_case = case_actions.close_case`). Their
texts are translated in the window's context ("CaseWindow").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog

from ikodesk.models.enums import (
    CloseReason,
    Direction,
    ParentRelation,
    RequesterKind,
    Taker,
    line_of,
)
from ikodesk.reports.catalogue import DOSSIER
from ikodesk.services.case_detail import CaseStatus
from ikodesk.services.conflicts import FamilyNotice
from ikodesk.services.validation import CaseData, FieldProblem, PersonData, code_rule
from ikodesk.ui.cases.close_dialog import CloseDialog
from ikodesk.ui.cases.contacts import ContactDialog
from ikodesk.ui.common.combos import enum_value
from ikodesk.ui.common.messages import show_error, user_message

if TYPE_CHECKING:
    from ikodesk.ui.cases.case_form import CaseWindow


# -- the form as a record ------------------------------------------------------------------
def collect(self: CaseWindow) -> tuple[CaseData, list[FieldProblem]]:
    """The form as a case record, and the problems found before asking the services."""
    problems: list[FieldProblem] = []

    requester = self.requester.read(problems)
    other = self.other_parent.read(problems)
    children, child_problems = self.children_editor.model.child_records()
    problems += child_problems
    country_problem = self.country.problem()
    if country_problem is not None:
        problems.append(FieldProblem("country", country_problem))
    opened = self.opened.reading()
    if opened.problem is not None or opened.day is None:
        problems.insert(
            0,
            FieldProblem(
                "opened",
                opened.problem
                or QCoreApplication.translate("CaseWindow", "verplicht: de openingsdatum"),
            ),
        )
    code = self.case_section.current_code()
    rule = code_rule(code)
    data = CaseData(
        ref=self.ref,
        line=line_of(code),
        code=code,
        # While the opening date is no date the services check against today; the
        # form shows its own problem at the field and saves nothing.
        opened=opened.day or date.today(),
        handler=self.handler.currentData() or "",
        requester=requester,
        closed=self._closed,
        close_reason=self._close_reason,
        other_parent=other,
        children=children,
        country=self.country.iso2(),
        direction=enum_value(self.direction, Direction) if rule.directions else None,
        taker=enum_value(self.taker, Taker) if rule.takers else None,
        mover=enum_value(self.mover, ParentRelation) if rule.movers else None,
        summary=self.summary.toPlainText().strip() or None,
    )
    self.clock_section.read(data, problems)  # the clock dates (issue #17)
    return data, problems


# -- closing and reopening the case -----------------------------------------------
def close_case(self: CaseWindow) -> None:
    if self.case_id is None:
        return
    if self._dirty:
        self._say(QCoreApplication.translate("CaseWindow", "Sla eerst de wijzigingen op (Ctrl+S)."))
        return
    dialog = CloseDialog(self.opened_day() or date.today(), self)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: self._do_close(*dialog.values()))
    dialog.open()
    self.close_dialog = dialog


def _do_close(self: CaseWindow, day: date, reason: CloseReason) -> None:
    actor, case_id = self.ctx.actor, self.case_id
    assert case_id is not None
    self._change(lambda app: app.cases.close(actor, case_id, day, reason), self._status_changed)


def reopen_case(self: CaseWindow) -> None:
    actor, case_id = self.ctx.actor, self.case_id
    if case_id is None:
        return
    self._change(lambda app: app.cases.reopen(actor, case_id), self._status_changed)


def _status_changed(self: CaseWindow, status: CaseStatus) -> None:
    self._closed, self._close_reason = status
    self._update_header()
    if self.case_id is not None:
        self.saved.emit(self.case_id)


# -- contact moments --------------------------------------------------------------------
def new_contact_when_loaded(self: CaseWindow) -> None:
    if self._loading:
        self._contact_pending = True
    else:
        self.new_contact()


def new_contact(self: CaseWindow) -> ContactDialog | None:
    if self.case_id is None or self.ref is None:
        return None
    kind = RequesterKind(self.req_kind.currentData())
    dialog = self.contacts_panel.new_contact(
        self.ctx, self.case_id, self.ref, kind, self, self.opened_day()
    )
    self.contact_dialog = dialog
    return dialog


# -- printing the dossier -------------------------------------------------------------------
def print_dossier(self: CaseWindow, target: Path | None = None) -> None:
    """The saved dossier as a PDF at a place the user chooses (CASE_PRINT, audited;
    the same PDF as `ikodesk case print`)."""
    if self.case_id is None or self.ref is None:
        return
    if self._dirty:
        self._say(QCoreApplication.translate("CaseWindow", "Sla eerst de wijzigingen op (Ctrl+S)."))
        return
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("CaseWindow", "Dossier afdrukken als PDF"),
            str(Path.home() / f"dossier-{self.ref}.pdf"),
            QCoreApplication.translate("CaseWindow", "PDF (*.pdf)"),
        )
        if not chosen:
            return
        target = Path(chosen)
    actor, ref, path = self.ctx.actor, self.ref, target
    self.ctx.worker.call(
        lambda app: app.reports.print_dossier(actor, ref, path, render=DOSSIER),
        self._dossier_printed,
        self._print_failed,
        owner=self,
    )


def _dossier_printed(self: CaseWindow, path: Path) -> None:
    from ikodesk.ui.cases.case_form import OK_STYLE  # (case_form imports this module)

    self.printed_path = path
    self._say(
        QCoreApplication.translate("CaseWindow", "Dossier opgeslagen als PDF: {0}").format(path),
        OK_STYLE,
    )


def _print_failed(self: CaseWindow, exc: BaseException) -> None:
    message = user_message(exc)
    if message is None:
        show_error(self, exc)
    else:
        self._say(message)


# -- the typing check (ui.cases.case_guard) ---------------------------------------------
def _exclude_handlers(self: CaseWindow, excluded: frozenset[str]) -> None:
    """Leave out who stands on the other side; ask for another handler if needed."""
    unset = self.case_section.exclude_handlers(excluded)
    if unset:
        self.errors.live(
            "handler",
            QCoreApplication.translate(
                "CaseWindow",
                "Kies een andere behandelaar: wie de andere kant van deze familie "
                "behandelt of heeft ingezien, kan deze zaak niet krijgen.",
            ),
        )
    elif self.errors.text("handler") and self.handler.currentData() is not None:
        self.errors.live("handler", "")


# -- a case that has become walled for this user ----------------------------------------
def close_walled(self: CaseWindow, message: str) -> None:
    """Drop the personal data the window shows, tell why, and close (nothing to save)."""
    self._forget_personal_data()
    self.walled.emit(message)
    self.discard_and_close()


def _walled_now(self: CaseWindow) -> None:
    self.close_walled(
        QCoreApplication.translate(
            "CaseWindow",
            "De zaak {0} is nu voor u afgeschermd: u staat aan de andere kant van een "
            "(mogelijke) conflictzaak. Het venster is gesloten.",
        ).format(self.ref or "")
    )


def _forget_personal_data(self: CaseWindow) -> None:
    self._loading = True  # no "changed", no validation, no typing check
    self.requester.fill(PersonData())
    self.other_parent.fill(None)
    self.children_editor.model.set_children([])
    self.summary.clear()
    self.country.clear()
    self.contacts_panel.set_items([])
    self.family_bar.show_notice(FamilyNotice())
    self._dirty = False
