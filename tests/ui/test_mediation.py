"""The Mediation Bureau's screens: a request from registration to its outcome, a request
not continued with its special curator, refusals and validation in Dutch, the pool,
and never losing unsaved input. Real widgets, a real SQLCipher database, the thread
guard on; what the screens show and what the database holds are both checked."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Mediation
from ikodesk.models.enums import Intake, MediationKind, MediationStatus, Outcome, Role
from ikodesk.services import mediation as med
from ikodesk.services import mediators, users
from ikodesk.services.actors import Actor
from ikodesk.services.figures import compute_figures
from ikodesk.services.mediation import RequestData
from ikodesk.services.validation import ChildData
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from ikodesk.ui.mediation.mediation_form import MediationWindow
from ikodesk.ui.mediation.mediation_page import MediationPage
from ikodesk.ui.mediation.mediation_steps import StepDialog, not_run
from tests.ui.conftest import KH, PASSWORD, in_session, make_ctx, wait_idle

TIMEOUT = 10_000


@pytest.fixture
def bureau(sample_cases: Database, people: dict[str, Actor]) -> Actor:
    """A user of the Mediation Bureau, and the pool of mediators."""
    with sample_cases.transaction() as s:
        u = users.create_user(
            s, KH, "wbureau", Role.MEDIATION, name="W. Hendriks", password=PASSWORD
        )
        actor = Actor(u.id, u.username, u.role)
        for name, langs, cbfm, active in (
            ("M. Jansen", ["nl", "pl"], True, True),
            ("K. Nowak", ["pl", "en"], False, True),
            ("A. Yıldız", ["nl", "tr"], True, True),
            ("E. Oud", ["nl", "pl"], True, False),
        ):
            mediators.add_mediator(s, actor, name, langs, cbfm=cbfm, active=active)
    return actor


def _before(db: Database, fn: Any) -> Any:
    """Set-up before the window opens (the worker has not taken the database yet)."""
    with db.transaction() as s:
        return fn(s)


def _page(
    qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor
) -> tuple[MainWindow, MediationPage]:
    window = MainWindow(make_ctx(worker, db, actor, "W. Hendriks"))
    qtbot.addWidget(window)
    window.show()
    page = window.mediation_page
    assert page is not None
    qtbot.waitUntil(
        lambda: page._filters_loaded and page.count_label.text() != "laden…", timeout=TIMEOUT
    )
    return window, page


def _choose(combo: Any, text: str) -> None:
    """Pick an item of a combo by (the start of) its text, as a user would."""
    texts = [combo.itemText(i) for i in range(combo.count())]
    matches = [i for i, t in enumerate(texts) if t.startswith(text)]
    assert matches, f"{text!r} not in {texts}"
    combo.setCurrentIndex(matches[0])


def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace what a field holds by typing, as after tabbing into it."""
    widget = getattr(widget, "edit", widget)  # a date field: its line edit takes the keys
    widget.setFocus()
    widget.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def _dialog(qtbot: QtBot, form: MediationWindow, button: Any) -> StepDialog:
    assert button.isEnabled(), button.objectName()
    before = form.step_dialog
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.step_dialog is not None and form.step_dialog is not before)
    dialog = form.step_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _submit(qtbot: QtBot, dialog: StepDialog) -> None:
    """OK by keyboard; the dialog closes when the services accepted the step."""
    with qtbot.waitSignal(dialog.stored, timeout=TIMEOUT):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)


def _refused(qtbot: QtBot, dialog: StepDialog, field: str | None = None) -> str:
    """OK by keyboard; the services refuse: the message next to `field` (or on the line)."""
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    if field is None:
        qtbot.waitUntil(lambda: not dialog.message.isHidden(), timeout=TIMEOUT)
        text = dialog.message.text()
    else:
        qtbot.waitUntil(lambda: bool(dialog.errors.text(field)), timeout=TIMEOUT)
        text = dialog.errors.text(field)
    assert dialog.isVisible() and not dialog.busy
    return text


def _new_request(qtbot: QtBot, page: MediationPage) -> MediationWindow:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.windows[-1]
    assert form.mediation_id is None and form.windowTitle() == "Nieuwe mediationaanvraag — ikodesk"
    return form


def _save(qtbot: QtBot, form: MediationWindow) -> int:
    """Ctrl+S in the window (a window shortcut: the window must be the active one)."""
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return int(blocker.args[0])


def _enabled(form: MediationWindow) -> set[str]:
    return {b.objectName() for b in form.step_buttons() if b.isEnabled()}


def _list_row(page: MediationPage, ref: str) -> dict[str, str]:
    qtbot_rows = [r for r in range(page.model.rowCount()) if page.model.rows[r].ref == ref]
    assert qtbot_rows, f"{ref} not in the list"
    row = qtbot_rows[0]
    return {
        c.key: page.model.data(page.model.index(row, i)) for i, c in enumerate(page.model.columns)
    }


@pytest.mark.slow
def test_a_request_from_registration_to_its_outcome(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    def earlier_mediation(s: Session) -> None:
        # The same family came in 2023 (the same centre case): M. Jansen mediated.
        d = med.register_request(
            s,
            bureau,
            RequestData(
                MediationKind.IKO,
                date(2023, 5, 1),
                children=[ChildData(age=5)],
                case_ref="2024-L2-00017",
            ),
        )
        med.start_mediation(s, bureau, d.id, date(2023, 5, 10))
        jansen = next(m.id for m in mediators.list_mediators(s, bureau) if m.name == "M. Jansen")
        med.assign_mediators(s, bureau, d.id, [jansen])

    window, page = _page(qtbot, worker, sample_cases, bureau)
    in_session(worker, earlier_mediation)
    # The bureau sees its own page only: no cases, no reports, no Beheer.
    assert window.nav.count() == 1 and window.cases_page is None and window.admin_page is None

    # -- registration, by keyboard ------------------------------------------------------
    form = _new_request(qtbot, page)
    assert form.focusWidget() is form.kind  # the first field, ready for typing
    _choose(form.kind, "IKO")
    _type(qtbot, form.requested, "04-03-2024")
    _choose(form.referred_by, "Rechtbank")
    _type(qtbot, form.case_ref, "2024-L2-00017")
    qtbot.keyClick(form.case_ref, Qt.Key.Key_Tab)
    # Only the basic facts of the centre's case: code, opening date, country.
    qtbot.waitUntil(lambda: bool(form.case_facts.text()), timeout=TIMEOUT)
    assert form.case_facts.text() == "Internationale kinderontvoering · geopend 05-03-2024 · Polen"
    mother, father = form.parents
    _choose(mother.relation, "Moeder")
    _type(qtbot, mother.first, "Agnieszka")
    _type(qtbot, mother.last, "Nowak")
    _type(qtbot, mother.birth, "11-02-1988")
    _type(qtbot, mother.country.edit, "Nederland")
    _choose(father.relation, "Vader")
    _type(qtbot, father.first, "Tomasz")
    _type(qtbot, father.last, "Nowak-")
    father.last.insert("Łęcki")  # (QTest types ASCII only; diacritics as an input method does)
    _type(qtbot, father.country.edit, "Pol")  # Polen or Frans-Polynesië: no guess
    assert father.country.iso2() is None
    qtbot.keyClicks(father.country.edit, "en")
    qtbot.keyClick(father.country.edit, Qt.Key.Key_Escape)
    father.country.commit()
    assert father.country.iso2() == "PL"
    model = form.children_editor.model
    for _ in range(2):
        qtbot.mouseClick(form.children_editor.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(form.children_editor.view.focusWidget(), Qt.Key.Key_Escape)
    model.setData(model.index(0, 0), "Ola")
    model.setData(model.index(0, 2), "01-09-2017")
    model.setData(model.index(1, 0), "Kuba")
    model.setData(model.index(1, 2), "31-02-2020")  # no such date
    assert model.data(model.index(0, 3)) == "6 jaar"  # on the request date
    assert form.is_dirty() and form.title.text() == "Nieuwe aanvraag *"

    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.validated, timeout=TIMEOUT):
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.errors.text("children") == "Kind 2: Dag 31 bestaat niet: deze maand heeft 29 dagen"
    assert form.mediation_id is None
    model.setData(model.index(1, 2), "")
    model.setData(model.index(1, 3), "4")
    mediation_id = _save(qtbot, form)
    assert form.detail is not None and form.detail.ref == "M2024-001"
    assert form.title.text() == "M2024-001" and form.status_label.text() == "Aangevraagd"
    assert "Aanvraag M2024-001 geregistreerd." in form.message.text()
    assert _enabled(form) == {"stepStart", "stepNotContinue", "stepMediators"}
    qtbot.waitUntil(lambda: any(r.ref == "M2024-001" for r in page.model.rows), timeout=TIMEOUT)

    # -- start: first a date before the request, in Dutch next to the field -----------------
    dialog = _dialog(qtbot, form, form.start_button)
    _type(qtbot, dialog.started, "01-03-2024")  # type: ignore[attr-defined]
    assert _refused(qtbot, dialog, "started") == "01-03-2024 ligt vóór de aanvraagdatum 04-03-2024"
    _type(qtbot, dialog.started, "18-03-2024")  # type: ignore[attr-defined]
    _submit(qtbot, dialog)
    assert form.status_label.text() == "Loopt"
    assert form.decision_value.text() == "Gestart op 18-03-2024."
    assert _enabled(form) == {"stepMediators", "stepIntake", "stepInterview"}

    # -- mediators: filtered on language and CBFM; the family warning before saving --------
    dialog = _dialog(qtbot, form, form.mediators_button)
    pick = dialog.model  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.language.count() > 1 and pick.rowCount() == 3, timeout=TIMEOUT)  # type: ignore[attr-defined]
    assert {r.name for r in pick.rows} == {"M. Jansen", "K. Nowak", "A. Yıldız"}  # no inactive
    _choose(dialog.language, "Pools")  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: {r.name for r in pick.rows} == {"M. Jansen", "K. Nowak"}, timeout=TIMEOUT
    )
    qtbot.mouseClick(dialog.cbfm, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: [r.name for r in pick.rows] == ["M. Jansen"], timeout=TIMEOUT)
    qtbot.mouseClick(dialog.cbfm, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: pick.rowCount() == 2, timeout=TIMEOUT)
    view = dialog.view  # type: ignore[attr-defined]
    for name in ("K. Nowak", "M. Jansen"):
        row = [r.name for r in pick.rows].index(name)
        view.setCurrentIndex(pick.index(row, 0))
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert dialog.picked_label.text() == "1. K. Nowak, 2. M. Jansen"  # type: ignore[attr-defined]
    warnings = dialog.warnings  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not warnings.isHidden(), timeout=TIMEOUT)
    assert warnings.text() == (
        "Let op: M. Jansen is ook mediator bij M2023-001 van hetzelfde gezin "
        "(zelfde kind, ouder of zaak)."
    )
    _submit(qtbot, dialog)
    assert form.mediators_value.text() == "K. Nowak, M. Jansen (CBFM)"
    assert form.message.text().startswith("Let op: M. Jansen")

    # -- intake, child interview (too many children first), outcome -----------------------
    dialog = _dialog(qtbot, form, form.intake_button)
    _choose(dialog.intake, "Geschikt")  # type: ignore[attr-defined]
    assert not dialog.ended.isEnabled()  # type: ignore[attr-defined]
    _submit(qtbot, dialog)
    assert form.intake_value.text() == "Geschikt."
    assert "stepOutcome" in _enabled(form)

    dialog = _dialog(qtbot, form, form.interview_button)
    assert dialog.hint.text() == (  # type: ignore[attr-defined]
        "Kinderen in deze mediation (leeftijd bij de aanvraag): 6 jaar, 4 jaar. "
        "Kinderen worden gehoord vanaf 3 jaar."
    )
    _type(qtbot, dialog.day_field, "10-04-2024")  # type: ignore[attr-defined]
    dialog.children_heard.setValue(3)  # type: ignore[attr-defined]
    assert _refused(qtbot, dialog, "children") == (
        "3 kinderen gehoord, maar op 10-04-2024 zijn in deze mediation 2 kinderen 3 jaar of "
        "ouder (kindgesprekken zijn vanaf 3 jaar)"
    )
    dialog.children_heard.setValue(2)  # type: ignore[attr-defined]
    _submit(qtbot, dialog)
    assert form.interviews_value.text() == "1 kindgesprek, 2 kinderen gehoord."
    assert form.interviews.item(0, 0).text() == "10-04-2024"

    dialog = _dialog(qtbot, form, form.outcome_button)
    assert not dialog.reasons[next(iter(dialog.reasons))].isEnabled()  # type: ignore[attr-defined]
    _choose(dialog.outcome, "Geen overeenkomst")  # type: ignore[attr-defined]
    _type(qtbot, dialog.ended, "20-05-2024")  # type: ignore[attr-defined]
    for box in dialog.reasons.values():  # type: ignore[attr-defined]
        if box.text() == "Te hoog opgelopen emoties":
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    _submit(qtbot, dialog)
    assert form.status_label.text() == "Afgerond: Geen overeenkomst"
    assert form.outcome_value.text() == (
        "Geen overeenkomst, beëindigd op 20-05-2024. Redenen: te hoog opgelopen emoties."
    )
    # An ended mediation: its outcome can be corrected, its mediators and intake stay.
    assert _enabled(form) == {"stepInterview", "stepOutcome"}

    # -- what the database holds -----------------------------------------------------------
    def stored(s: Session) -> tuple[Any, ...]:
        m = s.scalar(select(Mediation).where(Mediation.id == mediation_id))
        assert m is not None
        return (
            m.ref,
            m.kind,
            m.requested,
            m.status,
            m.started,
            m.intake,
            m.outcome,
            m.ended,
            m.failure_reasons,
            [md.name for md in m.mediators],
            [(iv.date, iv.children) for iv in m.child_interviews],
            [
                (p.relation.value, p.first_name, p.last_name, p.birth_date, p.country)
                for p in m.parents
            ],
            [(c.first_name, c.birth_date, c.age) for c in m.children],
            m.case.ref if m.case else None,
        )

    assert in_session(worker, stored) == (
        "M2024-001",
        MediationKind.IKO,
        date(2024, 3, 4),
        MediationStatus.ENDED,
        date(2024, 3, 18),
        Intake.SUITABLE,
        Outcome.NO_AGREEMENT,
        date(2024, 5, 20),
        ["emotions"],
        ["K. Nowak", "M. Jansen"],
        [(date(2024, 4, 10), 2)],
        [
            ("mother", "Agnieszka", "Nowak", date(1988, 2, 11), "NL"),
            ("father", "Tomasz", "Nowak-Łęcki", None, "PL"),
        ],
        [("Ola", date(2017, 9, 1), None), ("Kuba", None, 4)],
        "2024-L2-00017",
    )

    # -- the status list shows it, and the figures count it ------------------------------------
    _choose(page.year_filter, "2024")
    qtbot.waitUntil(lambda: page.count_label.text() == "1 aanvragen", timeout=TIMEOUT)
    assert _list_row(page, "M2024-001") == {
        "ref": "M2024-001",
        "requested": "04-03-2024",
        "kind": "IKO",
        "referred_by": "Rechtbank",
        "status": "Afgerond: Geen overeenkomst",
        "mediators": "K. Nowak, M. Jansen",
        "curator": "",
    }
    figures = in_session(worker, lambda s: compute_figures(s, KH, 2024)["mediation"])
    assert figures["requests"] == {"total": 1, "iko": 1, "niko": 0}
    assert figures["started"] == {"iko": 1, "niko": 0}
    assert figures["outcomes"]["iko"] == {
        "full_agreement": 0,
        "mirror_agreement": 0,
        "no_agreement": 1,
    }
    assert figures["success_rate"]["iko"] == 0
    assert figures["child_interviews"] == {"total": 1, "iko": 1, "niko": 0, "children": 2}

    # An interview registered by mistake goes with Delete, after a question.
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    form.interviews.setFocus()
    form.interviews.selectRow(0)
    qtbot.waitUntil(form.remove_interview_button.isEnabled)
    qtbot.keyClick(form.interviews, Qt.Key.Key_Delete)
    box = form.confirm_box
    assert box is not None and "10-04-2024" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: form.interviews_value.text() == "Nog geen kindgesprekken.")
    assert in_session(worker, lambda s: len(s.get(Mediation, mediation_id).child_interviews)) == 0  # type: ignore[union-attr]
    wait_idle(qtbot, worker)


@pytest.mark.slow
def test_a_request_not_continued_gets_its_special_curator(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    _window, page = _page(qtbot, worker, sample_cases, bureau)
    assert page.reminder_box.isHidden()
    form = _new_request(qtbot, page)
    _choose(form.kind, "NIKO")
    _type(qtbot, form.requested, "12-02-2024")
    _choose(form.referred_by, "Advocaat")
    model = form.children_editor.model
    qtbot.mouseClick(form.children_editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(form.children_editor.view.focusWidget(), Qt.Key.Key_Escape)
    model.setData(model.index(0, 0), "Zoë")
    model.setData(model.index(0, 3), "5")
    mediation_id = _save(qtbot, form)
    assert form.detail is not None and form.detail.ref == "M2024-001"

    # Not continued: the reason is required (the services say so, in Dutch).
    dialog = _dialog(qtbot, form, form.not_continue_button)
    assert _refused(qtbot, dialog, "not_started_reason") == (
        "Geef de reden waarom de aanvraag niet wordt voortgezet."
    )
    qtbot.keyClicks(dialog.reason, "Ouders willen na de regiezitting niet meer deelnemen.")  # type: ignore[attr-defined]
    _submit(qtbot, dialog)
    assert form.status_label.text() == "Niet voortgezet"
    assert form.decision_value.text() == (
        "Niet voortgezet: Ouders willen na de regiezitting niet meer deelnemen."
    )
    assert _enabled(form) == {"stepReopen", "stepCurator"}
    # The bureau's agreement: a child of three or older, so a special curator is due,
    # in the window, in the status list and in the reminders above it.
    assert form.curator_value.text().startswith("Nog te benoemen")
    qtbot.waitUntil(lambda: not page.reminder_box.isHidden(), timeout=TIMEOUT)
    assert "M2024-001</a> (NIKO, aangevraagd 12-02-2024, kind van 5 jaar)" in (
        page.reminder_text.text()
    )
    assert "Een niet-voortgezette aanvraag met een kind van 3 jaar" in page.reminder_text.text()
    qtbot.waitUntil(lambda: bool(page.model.rows), timeout=TIMEOUT)
    assert _list_row(page, "M2024-001")["curator"] == "nog benoemen"
    assert _list_row(page, "M2024-001")["status"] == "Niet voortgezet"

    # The curator, from the reminder's link: a date before the request first.
    form.close()
    qtbot.waitUntil(lambda: not page.windows)
    page.reminder_text.linkActivated.emit(str(mediation_id))
    form = page.windows[-1]
    qtbot.waitUntil(lambda: form.detail is not None, timeout=TIMEOUT)
    dialog = _dialog(qtbot, form, form.curator_button)
    _type(qtbot, dialog.appointed, "01-02-2024")  # type: ignore[attr-defined]
    assert _refused(qtbot, dialog, "special_curator") == (
        "01-02-2024 ligt vóór de aanvraagdatum 12-02-2024"
    )
    _type(qtbot, dialog.appointed, "04-03-2024")  # type: ignore[attr-defined]
    _submit(qtbot, dialog)
    assert form.curator_value.text() == "Benoemd op 04-03-2024."
    qtbot.waitUntil(lambda: page.reminder_box.isHidden(), timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: _list_row(page, "M2024-001")["curator"] == "benoemd 04-03-2024", timeout=TIMEOUT
    )

    def stored(s: Session) -> tuple[Any, ...]:
        m = s.get(Mediation, mediation_id)
        assert m is not None
        return (m.status, m.not_started_reason, m.special_curator, m.referred_by.value)

    assert in_session(worker, stored) == (
        MediationStatus.NOT_STARTED,
        "Ouders willen na de regiezitting niet meer deelnemen.",
        date(2024, 3, 4),
        "lawyer",
    )
    figures = in_session(worker, lambda s: compute_figures(s, KH, 2024)["mediation"])
    assert figures["requests"] == {"total": 1, "iko": 0, "niko": 1}
    assert figures["not_started"] == {"iko": 0, "niko": 1}
    assert figures["special_curator"] == 1
    assert figures["success_rate"]["all"] is None  # nothing ended: no rate, not 0%

    # Reopening asks first; the curator stays registered.
    form.reopen()
    box = form.confirm_box
    assert box is not None and "curator blijft geregistreerd" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: form.status_label.text() == "Aangevraagd", timeout=TIMEOUT)
    assert form.curator_value.text() == "Benoemd op 04-03-2024."
    assert _enabled(form) == {"stepStart", "stepNotContinue", "stepMediators"}
    wait_idle(qtbot, worker)


def test_a_refusal_of_the_state_machine_is_a_plain_dutch_sentence(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    mediation_id = _before(
        sample_cases,
        lambda s: (
            med.register_request(
                s,
                bureau,
                RequestData(MediationKind.IKO, date(2024, 4, 2), children=[ChildData(age=2)]),
            ).id
        ),
    )
    window, page = _page(qtbot, worker, sample_cases, bureau)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=TIMEOUT)
    page.view.setFocus()
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    form = page.windows[-1]
    qtbot.waitUntil(lambda: form.detail is not None, timeout=TIMEOUT)
    assert form.mediation_id == mediation_id
    # Meanwhile a colleague registers that the request is not continued.
    in_session(worker, lambda s: med.not_continue(s, bureau, mediation_id, "Geen reactie."))
    dialog = _dialog(qtbot, form, form.start_button)
    assert _refused(qtbot, dialog) == (
        "De aanvraag is niet voortgezet. Heropen de aanvraag eerst als de mediation toch start."
    )
    dialog.reject()
    # A child under three: no curator due, and the window says why.
    form.close()
    qtbot.waitUntil(lambda: not page.windows)
    form = page.open_request(mediation_id)
    qtbot.waitUntil(lambda: form.detail is not None, timeout=TIMEOUT)
    assert form.curator_value.text() == "Niet nodig: geen kind van 3 jaar of ouder bekend."
    # Going to a reference that does not exist says so next to the field.
    page.focus_find()
    qtbot.keyClicks(page.search, "m2024-099")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not page.find_error.isHidden(), timeout=TIMEOUT)
    assert page.find_error.text() == 'Mediation "M2024-099" bestaat niet.'
    page.search.clear()
    window.activateWindow()
    qtbot.waitUntil(lambda: not form.isActiveWindow())
    qtbot.keyClicks(page.search, "M2024-001")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(form.isActiveWindow, timeout=TIMEOUT)
    wait_idle(qtbot, worker)
    assert page.windows == [form]  # the open window comes forward, no second one
    wait_idle(qtbot, worker)


def test_the_pool_adds_edits_and_deactivates_mediators(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    def busy_2024(s: Session) -> None:
        d = med.register_request(
            s,
            bureau,
            RequestData(MediationKind.NIKO, date(2024, 6, 3), children=[ChildData(age=7)]),
        )
        ids = {m.name: m.id for m in mediators.list_mediators(s, bureau)}
        med.assign_mediators(s, bureau, d.id, [ids["A. Yıldız"], ids["K. Nowak"]])

    _before(sample_cases, busy_2024)
    _window, page = _page(qtbot, worker, sample_cases, bureau)
    page.tabs.setCurrentWidget(page.pool)
    pool = page.pool
    pool.year.setValue(2024)
    qtbot.waitUntil(lambda: pool.model.year == 2024 and pool.model.rowCount() == 4, timeout=TIMEOUT)

    def row(name: str) -> list[str]:
        r = [m.name for m in pool.model.rows].index(name)
        return [pool.model.data(pool.model.index(r, c)) for c in range(5)]

    assert pool.model.headerData(4, Qt.Orientation.Horizontal) == "Zaken in 2024"
    assert row("A. Yıldız") == ["A. Yıldız", "Nederlands, Turks", "gecertificeerd", "actief", "1"]
    assert row("E. Oud") == ["E. Oud", "Nederlands, Pools", "gecertificeerd", "inactief", "0"]
    pool.year.setValue(2023)
    qtbot.waitUntil(lambda: pool.model.year == 2023, timeout=TIMEOUT)
    assert row("A. Yıldız")[4] == "0"

    # A new mediator: a bad language code first, then right.
    qtbot.mouseClick(pool.add_button, Qt.MouseButton.LeftButton)
    dialog = pool.dialog
    assert dialog is not None and dialog.focusWidget() is dialog.name
    qtbot.keyClicks(dialog.name, "R. Leeuwenberg")
    qtbot.keyClicks(dialog.languages, "nl, PL, 1x")
    qtbot.keyClick(dialog.languages, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.errors.text("languages")), timeout=TIMEOUT)
    assert dialog.errors.text("languages") == 'Ongeldige taalcode "1x" (verwacht bijv. "nl")'
    dialog.languages.setSelection(len("nl, PL, "), 2)
    qtbot.keyClicks(dialog.languages, "en")
    assert dialog.language_names.text() == "Nederlands, Pools, Engels"
    qtbot.keyClick(dialog.cbfm, Qt.Key.Key_Space)
    with qtbot.waitSignal(dialog.stored, timeout=TIMEOUT):
        qtbot.keyClick(dialog.languages, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pool.model.rowCount() == 5, timeout=TIMEOUT)
    assert row("R. Leeuwenberg")[:4] == [
        "R. Leeuwenberg",
        "Nederlands, Pools, Engels",
        "gecertificeerd",
        "actief",
    ]
    assert pool.current() is not None and pool.current().name == "R. Leeuwenberg"  # type: ignore[union-attr]
    assert pool.status.text() == "5 mediators, van wie 4 actief; 3 CBFM-gecertificeerd."

    # Deactivating leaves the pool's history; the filter of the list names it inactive.
    qtbot.mouseClick(pool.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row("R. Leeuwenberg")[3] == "inactief", timeout=TIMEOUT)
    assert pool.active_button.text() == "A&ctiveren"
    qtbot.waitUntil(
        lambda: page.mediator_filter.findText("R. Leeuwenberg (inactief)") > 0, timeout=TIMEOUT
    )

    # Editing: a name that is taken is refused next to the name.
    qtbot.keyClick(pool.view, Qt.Key.Key_Return)
    dialog = pool.dialog
    assert dialog is not None and dialog.name.text() == "R. Leeuwenberg"
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "K. Nowak")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.errors.text("name")), timeout=TIMEOUT)
    assert dialog.errors.text("name") == 'Er is al een mediator met de naam "K. Nowak".'
    dialog.reject()

    stored = in_session(
        worker,
        lambda s: [
            (m.name, m.languages, m.cbfm, m.active)
            for m in mediators.list_mediators(s, bureau)
            if m.name == "R. Leeuwenberg"
        ],
    )
    assert stored == [("R. Leeuwenberg", ("nl", "pl", "en"), True, False)]
    wait_idle(qtbot, worker)


def test_unsaved_changes_to_a_request_are_never_lost_silently(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    mediation_id = _before(
        sample_cases,
        lambda s: (
            med.register_request(
                s,
                bureau,
                RequestData(MediationKind.IKO, date(2024, 4, 2), children=[ChildData(age=6)]),
            ).id
        ),
    )
    window, page = _page(qtbot, worker, sample_cases, bureau)
    form = page.open_request(mediation_id)
    qtbot.waitUntil(lambda: form.detail is not None, timeout=TIMEOUT)
    assert not form.is_dirty()
    _type(qtbot, form.parents[0].first, "Sara")
    assert form.is_dirty() and form.windowTitle() == "* M2024-001 — ikodesk"
    # A workflow step meanwhile does not overwrite what is typed.
    dialog = _dialog(qtbot, form, form.start_button)
    _type(qtbot, dialog.started, "03-04-2024")  # type: ignore[attr-defined]
    _submit(qtbot, dialog)
    assert form.parents[0].first.text() == "Sara" and form.is_dirty()
    # The main window knows: logging out asks first.
    assert window.unsaved_windows() == [form]
    form.close()
    box = form.confirm_box
    assert box is not None and form.isVisible() and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert form.isVisible() and form.is_dirty()
    # A parent needs mother or father: saving on close stops at the problem, window open.
    form.close()
    form.confirm_box.button(QMessageBox.StandardButton.Save).click()  # type: ignore[union-attr]
    assert form.errors.text("parents[0].relation") == "Kies moeder of vader"
    assert form.isVisible() and form.is_dirty()
    _choose(form.parents[0].relation, "Moeder")
    form.close()
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
        form.confirm_box.button(QMessageBox.StandardButton.Save).click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not page.windows, timeout=TIMEOUT)
    assert in_session(
        worker,
        lambda s: [
            (p.relation.value, p.first_name) for p in s.get(Mediation, mediation_id).parents
        ],  # type: ignore[union-attr]
    ) == [("mother", "Sara")]
    assert window.unsaved_windows() == []
    wait_idle(qtbot, worker)


def test_the_request_form_is_one_tab_chain_in_reading_order(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    _window, page = _page(qtbot, worker, sample_cases, bureau)
    form = _new_request(qtbot, page)
    form.activateWindow()
    form.kind.setFocus()
    qtbot.waitUntil(lambda: form.focusWidget() is form.kind)
    seen = []
    for _ in range(16):
        widget = form.focusWidget()
        seen.append(widget.objectName() or type(widget).__name__)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert seen == [
        "kind",
        "requested",
        "referredBy",
        "caseRef",
        "parent1Relation",
        "parent1FirstName",
        "parent1LastName",
        "parent1BirthDate",
        "parent1Country",
        "parent2Relation",
        "parent2FirstName",
        "parent2LastName",
        "parent2BirthDate",
        "parent2Country",
        "children",
        "addChild",
    ]
    # The workflow waits for the registration: its steps are off until it is saved.
    assert _enabled(form) == set()
    assert form.workflow_hint.text().startswith("Sla de aanvraag op (Ctrl+S)")
    form.discard_and_close()


def test_the_mediation_screens_speak_english_from_the_ts(qtbot: QtBot) -> None:
    from ikodesk.ui import i18n
    from ikodesk.ui.languages import language_list
    from ikodesk.ui.mediation.mediation_list import MediationListModel, status_text

    assert i18n.apply_language("en") == "en"
    try:
        model = MediationListModel()
        headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(7)]
        assert headers == [
            "Reference",
            "Requested",
            "Type",
            "Referred by",
            "Status",
            "Mediators",
            "Special curator",
        ]
        ended = status_text(MediationStatus.ENDED, Intake.SUITABLE, Outcome.MIRROR_AGREEMENT)
        assert ended == "Ended: Mirror agreement"
        assert language_list(["nl", "pl", "xx"]) == "Dutch, Polish, xx"
    finally:
        i18n.apply_language("nl")
    assert status_text(MediationStatus.NOT_STARTED, None, None) == "Niet voortgezet"


def test_only_the_bureau_gets_the_mediation_page(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    ctx = make_ctx(worker, sample_cases, people["jdevries"])
    for username in ("jdevries", "directie", "beheer"):
        ctx.actor = people[username]
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        assert window.mediation_page is None, username
        assert window.unsaved_windows() == []
        window.close()
    wait_idle(qtbot, worker)


def test_a_step_with_a_bad_date_runs_nothing_and_says_why(
    qtbot: QtBot, sample_cases: Database, bureau: Actor, worker: DbWorker
) -> None:
    """A start date that is empty or no date: the field says so, the dialog stays open
    and nothing reaches the database (the step's job is `not_run`)."""
    mediation_id = _before(
        sample_cases,
        lambda s: (
            med.register_request(
                s,
                bureau,
                RequestData(MediationKind.IKO, date(2024, 4, 2), children=[ChildData(age=2)]),
            ).id
        ),
    )
    _window, page = _page(qtbot, worker, sample_cases, bureau)
    form = page.open_request(mediation_id)
    qtbot.waitUntil(lambda: form.detail is not None, timeout=TIMEOUT)
    dialog = _dialog(qtbot, form, form.start_button)
    field = dialog.findChild(QWidget, "startedDate")
    assert field is not None
    for typed, problem in (
        ("", "Verplicht"),
        ("31-02-2024", "Dag 31 bestaat niet: deze maand heeft 29 dagen"),
    ):
        _type(qtbot, field, typed)
        dialog.problems = []
        assert dialog.job() is not_run and [p.field for p in dialog.problems] == ["started"]
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda p=problem: dialog.errors.text("started") == p, timeout=TIMEOUT)
        assert dialog.isVisible() and not dialog.busy
    wait_idle(qtbot, worker)
    status = in_session(worker, lambda s: med.get_mediation(s, bureau, mediation_id).status)
    assert status is MediationStatus.REQUESTED
    dialog.reject()
