"""Issue #15, point 5 in the case window: a conflict caught while typing, walls kept.

A jurist types the other parent's dossier: as soon as it amounts to a match by
the detection's rules the form says so, the handler choice leaves out whoever
stands on the other side, and nothing of the other dossier shows. The same
father typed again is offered as his earlier case. A window whose case becomes
walled for its user drops its personal data and closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.services import access, cases
from ikodesk.services.actors import Actor
from ikodesk.services.conflicts import FamilyMatch
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.common.changes import CASES
from ikodesk.ui.common.field_errors import is_marked
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.support import family as F
from tests.support import records as R
from tests.ui.conftest import in_session, make_ctx, wait_idle

TIMEOUT = 10_000
MOTHER_SECRETS = ("Vader heeft de kinderen meegenomen naar Polen.", F.MOTHER_REF, "1988")


def _db(db: Database, *records: dict) -> Database:  # type: ignore[type-arg]
    F.load(db, *F.STAFF, *records)
    F.with_passwords(db)
    return db


def _window(qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor) -> MainWindow:
    """The main window of `actor` (look actors up before: the worker owns the database)."""
    window = MainWindow(make_ctx(worker, db, actor))
    qtbot.addWidget(window)
    window.show()
    return window


def _choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def _type_father(qtbot: QtBot, form: CaseWindow) -> None:
    """The father's dossier, typed field by field (his children last)."""
    _choose(form.code, "Internationale kinderontvoering")
    form.opened.setText("02-04-2024")
    qtbot.keyClicks(form.country.edit, "Polen")
    qtbot.keyClick(form.country.edit, Qt.Key.Key_Escape)
    _choose(form.direction, "Uitgaand")
    _choose(form.taker, "Vader")
    _choose(form.req_parent_relation, "Vader")
    _choose(form.req_side, "Meenemende ouder")
    qtbot.keyClicks(form.req_first, "Piotr")
    qtbot.keyClicks(form.req_last, "Kowalski")
    form.other_known.setChecked(True)
    _choose(form.other_relation, "Moeder")
    qtbot.keyClicks(form.other_first, "Anna")
    qtbot.keyClicks(form.other_last, "Kowalska")


def _type_child(form: CaseWindow, first: str, born: str) -> None:
    model = form.children_editor.model
    row = model.add()
    model.setData(model.index(row, 0), first)
    model.setData(model.index(row, 2), born)


def _texts(widget: QWidget) -> str:
    """Every text a user can read in the window."""
    parts = [label.text() for label in widget.findChildren(QLabel)]
    parts += [edit.text() for edit in widget.findChildren(QLineEdit)]
    return "\n".join(parts)


def test_a_colleague_typing_the_other_parent_is_told_at_once(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    _db(db, R.ABDUCTION_CASE)  # the mother's case, jdevries
    window = _window(qtbot, worker, db, F.actor(db, "sbakker"))
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    _type_father(qtbot, form)
    # Names alone are no match: nothing is said (and nothing asked).
    qtbot.wait(800)
    wait_idle(qtbot, worker)
    assert form.family_bar.isHidden()
    _type_child(form, "Ola", "1-9-2017")
    qtbot.waitUntil(lambda: form.family_bar.isVisibleTo(form), timeout=TIMEOUT)
    assert form.family_bar.text.text() == (
        "Mogelijk dezelfde familie als een zaak van een collega: deze zaak moet door een "
        "andere behandelaar worden behandeld."
    )
    assert not form.family_bar.open_button.isVisibleTo(form)
    handlers = [form.handler.itemData(i) for i in range(form.handler.count())]
    assert "jdevries" not in handlers and "sbakker" in handlers
    assert form.handler.currentData() == "sbakker"
    text = _texts(form)
    for secret in MOTHER_SECRETS:
        assert secret not in text, secret
    # Saving as the notice says: sbakker handles the father, the wall stands.
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
        form.save()
    assert form.isVisible() and form.conflict


def test_the_jurist_of_the_mother_typing_the_father_hands_it_over(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    """The issue's jurist: told while typing, the handler must change, and once saved
    the window holds nothing of the dossier on the other side of the wall."""
    _db(db, R.ABDUCTION_CASE)
    jdevries = F.actor(db, "jdevries")
    window = _window(qtbot, worker, db, jdevries)
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    assert form.handler.currentData() == "jdevries"
    _type_father(qtbot, form)
    _type_child(form, "Ola", "01092017")
    qtbot.waitUntil(lambda: form.family_bar.isVisibleTo(form), timeout=TIMEOUT)
    assert form.family.notice.match is FamilyMatch.OTHER_SIDE
    assert "die u behandelt of heeft ingezien" in form.family_bar.text.text()
    assert form.handler.currentData() is None  # no longer chosen for him
    assert form.handler.itemText(0) == "— kies een andere behandelaar —"
    assert is_marked(form.handler) and form.errors.text("handler").startswith(
        "Kies een andere behandelaar"
    )
    _choose(form.handler, "kvisser — K. Visser")
    assert not is_marked(form.handler)
    with qtbot.waitSignal(form.walled, timeout=TIMEOUT):
        form.save()
    qtbot.waitUntil(lambda: not window.case_windows.get(None), timeout=TIMEOUT)
    assert "overgedragen" in window.walled_box.text()

    def stored(s: Session) -> tuple[str, bool]:
        case = s.scalar(select(Case).where(Case.ref == "2024-L2-00018"))
        assert case is not None and jdevries.user_id is not None
        return case.handler.username, access.is_walled(s, jdevries.user_id, case.id)

    assert in_session(worker, stored) == ("kvisser", True)


def test_the_same_father_again_is_offered_his_earlier_case(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    _db(db, F.FATHER_CASE)  # his case, kvisser; no mother's case here
    father = F.case_id(db, F.FATHER_REF)
    window = _window(qtbot, worker, db, F.actor(db, "mjanssen"))
    form = window.open_case(None)
    qtbot.waitUntil(lambda: form.handler.count() > 0)
    _type_father(qtbot, form)
    qtbot.keyClicks(form.req_birth.edit, "30-7-1985")  # his full name and birth date
    qtbot.waitUntil(lambda: form.family_bar.isVisibleTo(form), timeout=TIMEOUT)
    assert (
        form.family_bar.text.text() == f"Deze persoon heeft al een zaak: openen? ({F.FATHER_REF})"
    )
    assert form.family_bar.open_button.isVisibleTo(form)
    qtbot.mouseClick(form.family_bar.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: father in window.case_windows, timeout=TIMEOUT)
    earlier = window.case_windows[father][0]
    qtbot.waitUntil(lambda: earlier.ref == F.FATHER_REF, timeout=TIMEOUT)


def test_a_window_whose_case_becomes_walled_closes_its_personal_data(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    # The father's case with his name only, yet: no match with the mother's case.
    lone = F.father_case(
        children=[],
        other_parent=...,
        requester={
            "kind": "parent",
            "relation": "father",
            "side": "taking",
            "first_name": "Piotr",
            "last_name": "Kowalski",
        },
    )
    _db(db, R.ABDUCTION_CASE, lone)
    father = F.case_id(db, F.FATHER_REF)
    kvisser = F.actor(db, "kvisser")
    window = _window(qtbot, worker, db, F.actor(db, "jdevries"))  # handles the mother's case
    form = window.open_case(father)
    qtbot.waitUntil(lambda: form.ref == F.FATHER_REF, timeout=TIMEOUT)
    assert form.req_first.text() == "Piotr"
    # kvisser completes the father's dossier: the conflict is found, jdevries is walled.

    def complete(app: Any) -> None:
        with app.db.transaction() as s:
            cases.update_case(s, kvisser, father, parse_case(F.FATHER_CASE))

    left: list[str] = []  # what the window still showed as it said why it closes
    form.walled.connect(lambda _message: left.append(_texts(form)))
    with qtbot.waitSignal(form.walled, timeout=TIMEOUT) as blocker:
        window.ctx.worker.call(complete, None, None, changes=CASES)
    assert "afgeschermd" in blocker.args[0]
    assert "Piotr" not in left[0] and "Kowalski" not in left[0] and "Polen" not in left[0]
    qtbot.waitUntil(lambda: father not in window.case_windows, timeout=TIMEOUT)
    assert "afgeschermd" in window.walled_box.text()
