"""Conflict walls in the desktop client, with the real policy on a real conflict pair.

The pair is made through the services the client uses: the mother's case
(handled by jdevries) is imported, the father's case is registered by his
handler kvisser with `cases.create_case`, which detects the conflict and puts
up the wall. Then the client is driven as a user would.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.models import AuditEntry, Case, SearchTerms
from ikodesk.services import access, cases
from ikodesk.services.actors import Actor
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from ikodesk.ui.cases.case_list import CaseListModel
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.support import family as F
from tests.support import records as R
from tests.ui.conftest import in_session, make_ctx, wait_idle

# What only the father's dossier holds (his handler included): none of it may reach
# jdevries's screen.
FATHER_ONLY = (*F.FATHER_SECRETS, "Piotr", "Kowalsk", "Polen", "Ola", "1985", "kvisser")
ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.StatusTipRole,
    Qt.ItemDataRole.WhatsThisRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
    Qt.ItemDataRole.UserRole,
]


def register_father(db: Database, by: Actor) -> None:
    """The father calls: his handler registers his case (detection puts up the wall)."""
    data = parse_case(F.FATHER_CASE)
    with db.transaction() as s:
        case = cases.create_case(s, by, data)
        assert case.ref == F.FATHER_REF


@pytest.fixture
def walled(db: Database) -> Database:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT)
    register_father(db, F.actor(db, "kvisser"))
    return db


@pytest.fixture
def actors(walled: Database) -> dict[str, Actor]:
    # Read before the worker takes the database over (then only the worker may).
    return {u["username"]: F.actor(walled, u["username"]) for u in F.STAFF}


def _window(qtbot: QtBot, worker: DbWorker, db: Database, user: Actor) -> MainWindow:
    window = MainWindow(make_ctx(worker, db, user))
    qtbot.addWidget(window)
    window.show()
    return window


def _row_of(model: CaseListModel, ref: str) -> int:
    for row in range(model.rowCount()):
        data = model.row_data(row)
        if data is not None and data.ref == ref:
            return row
    raise AssertionError(f"{ref} not in the list")


def _everything_in_row(model: Any, row: int) -> list[str]:
    out = []
    for column in range(model.columnCount()):
        for role in ROLES:
            value = model.data(model.index(row, column), role)
            if value is not None:
                out.append(str(value))
    return out


def _audit(worker: DbWorker, after: int = 0) -> list[tuple[str, str, str | None, str]]:
    def read(s: Session) -> list[tuple[str, str, str | None, str]]:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id))
        return [(e.username, e.action, e.object_ref, e.result) for e in rows]

    return in_session(worker, read)


def _last_audit_id(worker: DbWorker) -> int:
    return int(in_session(worker, lambda s: s.scalar(select(func.max(AuditEntry.id))) or 0))


def _message_box(qtbot: QtBot, parent: QWidget) -> QMessageBox:
    qtbot.waitUntil(lambda: bool(parent.findChildren(QMessageBox)), timeout=10_000)
    (box,) = parent.findChildren(QMessageBox)
    return box


def _dismiss(qtbot: QtBot, box: QMessageBox) -> None:
    parent = box.parentWidget()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert parent is not None
    qtbot.waitUntil(lambda: not parent.findChildren(QMessageBox))


def _open_by_keyboard(qtbot: QtBot, window: MainWindow, ref: str) -> None:
    page = window.cases_page
    assert page is not None
    row = _row_of(page.model, ref)
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(row, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)


@pytest.mark.slow
def test_badge_on_both_sides_and_the_other_side_masked_in_every_role(
    qtbot: QtBot, walled: Database, actors: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, walled, actors["jdevries"])
    page = window.cases_page
    assert page is not None
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 2 and model.row_data(1) is not None)
    mother, father = _row_of(model, F.MOTHER_REF), _row_of(model, F.FATHER_REF)
    badge = model.column("conflict")
    for row in (mother, father):  # the badge on both cases of the pair
        assert model.data(model.index(row, badge)) == "conflict"
        tip = model.data(model.index(row, badge), Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("Conflictzaak")
    assert model.data(model.index(mother, model.column("requester"))) == "Anna Kowalska"
    assert model.data(model.index(mother, model.column("country"))) == "Polen"

    # The father's case: a masked row, nothing of his dossier in any role of any column.
    assert model.data(model.index(father, model.column("requester"))) == "afgeschermd dossier"
    assert model.data(model.index(father, 0)) == F.FATHER_REF
    for key in ("country", "handler", "children", "status", "code"):
        assert model.data(model.index(father, model.column(key))) == ""
    assert model.data(model.index(father, model.column("opened"))) == "02-04-2024"
    seen = " ".join(_everything_in_row(model, father))
    for secret in FATHER_ONLY:
        assert secret.lower() not in seen.lower(), secret
    assert "PL" not in seen.split()
    # ...nor in what the model keeps for it.
    kept = model.row_data(father)
    assert kept is not None and kept.masked
    for secret in FATHER_ONLY:
        assert secret.lower() not in repr(kept).lower(), secret
    # The masked row looks different: grey and italic.
    assert model.data(model.index(father, 0), Qt.ItemDataRole.FontRole).italic()
    assert model.data(model.index(mother, 0), Qt.ItemDataRole.FontRole) is None


def test_opening_the_walled_case_is_refused_with_the_policys_message_and_audited(
    qtbot: QtBot, walled: Database, actors: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, walled, actors["jdevries"])
    page = window.cases_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.row_data(1) is not None)
    before = _last_audit_id(worker)

    # Enter on the masked row: the policy refuses, the client says so; no window opens.
    _open_by_keyboard(qtbot, window, F.FATHER_REF)
    box = _message_box(qtbot, window)
    assert box.windowTitle() == "Geen toegang"
    assert box.text() == access.WALL_MESSAGE
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.WindowModal
    assert not box.detailedText()  # a message, not a traceback
    for secret in FATHER_ONLY:
        assert secret.lower() not in box.text().lower()
    qtbot.waitUntil(lambda: not window.case_windows)
    assert not [w for w in window.findChildren(QWidget) if w.isWindow() and w.isVisible()][1:]
    assert _audit(worker, before) == [("jdevries", "case.read", F.FATHER_REF, "refused")]
    _dismiss(qtbot, box)

    # A double-click the same.
    before = _last_audit_id(worker)
    row = _row_of(page.model, F.FATHER_REF)
    rect = page.view.visualRect(page.model.index(row, 0))
    # (A real double-click: the first click, then the double-click event.)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    box = _message_box(qtbot, window)
    assert box.text() == access.WALL_MESSAGE
    _dismiss(qtbot, box)
    qtbot.waitUntil(lambda: not window.case_windows)
    assert _audit(worker, before) == [("jdevries", "case.read", F.FATHER_REF, "refused")]

    # The own side opens, with the badge in its header: one audited read.
    before = _last_audit_id(worker)
    _open_by_keyboard(qtbot, window, F.MOTHER_REF)
    qtbot.waitUntil(lambda: bool(window.case_windows))
    (form,) = next(iter(window.case_windows.values()))
    qtbot.waitUntil(lambda: form.ref == F.MOTHER_REF and form.isVisible())
    assert form.conflict_badge.isVisibleTo(form)
    assert form.conflict_badge.text() == "conflictzaak"
    assert "Conflictzaak" in form.conflict_badge.toolTip()
    assert _audit(worker, before) == [("jdevries", "case.read", F.MOTHER_REF, "allowed")]
    form.discard_and_close()
    wait_idle(qtbot, worker)


def test_the_father_side_sees_the_mirror_image(
    qtbot: QtBot, walled: Database, actors: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, walled, actors["kvisser"])
    page = window.cases_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.row_data(1) is not None)
    mother = _row_of(page.model, F.MOTHER_REF)
    assert page.model.row_data(mother).masked  # type: ignore[union-attr]
    seen = " ".join(_everything_in_row(page.model, mother))
    for secret in ("Anna", "Kowalska", "1988", "jdevries", "Polen", "Eerste gesprek"):
        assert secret.lower() not in seen.lower(), secret
    _open_by_keyboard(qtbot, window, F.FATHER_REF)
    qtbot.waitUntil(lambda: bool(window.case_windows))
    (form,) = next(iter(window.case_windows.values()))
    qtbot.waitUntil(lambda: form.ref == F.FATHER_REF)
    assert form.conflict_badge.isVisibleTo(form)
    form.discard_and_close()
    wait_idle(qtbot, worker)


def _search(qtbot: QtBot, page: Any, typed: str, total: int) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, typed)
    qtbot.waitUntil(lambda: page.model.filter.text == typed, timeout=3_000)
    qtbot.waitUntil(lambda: page.model.total == total, timeout=5_000)


def test_search_says_only_whether_a_whole_name_is_behind_the_wall(
    qtbot: QtBot, walled: Database, actors: dict[str, Actor], worker: DbWorker
) -> None:
    """Issue 11 point 2: no count, and nothing at all for fragments or a first name."""
    window = _window(qtbot, worker, walled, actors["jdevries"])
    page = window.cases_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.total == 2)
    assert not page.hidden_label.isVisibleTo(page)
    before = _last_audit_id(worker)

    window.focus_search()
    # The father's first name: in the mother's case too (as the other parent), so her
    # case is listed; a first name alone is no whole name, so no notice.
    _search(qtbot, page, "Piotr", 1)
    assert page.model.data(page.model.index(0, 0)) == F.MOTHER_REF
    assert not page.hidden_label.isVisibleTo(page)
    _search(qtbot, page, "2024-L2-0003", 0)  # a fragment of the father's reference
    assert page.model.rowCount() == 0  # not even a masked row for a search
    assert not page.hidden_label.isVisibleTo(page)

    _search(qtbot, page, "2024-L2-00030", 0)  # the whole reference
    qtbot.waitUntil(lambda: page.hidden_label.isVisibleTo(page))
    text = page.hidden_label.text()
    assert text.startswith("Er is iets gevonden achter een conflictmuur")
    assert not any(ch.isdigit() for ch in text)  # no count
    for secret in FATHER_ONLY:
        assert secret.lower() not in text.lower()

    page.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=3_000)
    assert not page.hidden_label.isVisibleTo(page)
    # Each search is in the audit log, its terms beside the chain.
    searches = [e for e in _audit(worker, before) if e[1] == "case.search" and e[0] == "jdevries"]
    assert len(searches) == 3

    def terms(s: Session) -> list[tuple[str | None, str | None]]:
        rows = s.execute(
            select(AuditEntry.detail, SearchTerms.terms)
            .outerjoin(SearchTerms, SearchTerms.ref == AuditEntry.object_ref)
            .where(AuditEntry.id > before, AuditEntry.action == "case.search")
            .order_by(AuditEntry.id)
        )
        return [(d, t) for d, t in rows]

    assert in_session(worker, terms) == [
        ("1 getoond", "Piotr"),
        ("0 getoond", "2024-L2-0003"),
        ("0 getoond; iets achter een conflictmuur", "2024-L2-00030"),
    ]


def test_choosing_a_walled_handler_is_refused_next_to_the_field(
    qtbot: QtBot, walled: Database, actors: dict[str, Actor], worker: DbWorker
) -> None:
    window = _window(qtbot, worker, walled, actors["jdevries"])
    mother_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == F.MOTHER_REF))
    )
    form = window.open_case(mother_id)
    qtbot.waitUntil(lambda: form.ref == F.MOTHER_REF and form.isVisible())
    summary_before = form.summary.toPlainText()
    form.handler.setFocus()
    form.handler.setCurrentIndex(form.handler.findData("kvisser"))  # the father's handler
    qtbot.keyClicks(form.summary, " Overgedragen.")
    before = _last_audit_id(worker)
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    label = form.error_labels["handler"]
    qtbot.waitUntil(lambda: label.isVisibleTo(form), timeout=10_000)
    assert label.text() == access.HANDLER_WALLED_MESSAGE
    assert form.message.text() == "Niet opgeslagen: kies een andere behandelaar."
    assert form.focusWidget() is form.handler
    assert form.is_dirty() and form.save_button.isEnabled()  # the input is kept

    # Nothing was written; the refusal is in the audit log.
    def stored(s: Session) -> tuple[str, str | None]:
        case = s.scalar(select(Case).where(Case.ref == F.MOTHER_REF))
        return case.handler.username, case.summary

    assert in_session(worker, stored) == ("jdevries", summary_before)
    refused = [e for e in _audit(worker, before) if e[3] == "refused"]
    assert refused == [("jdevries", "case.update", F.MOTHER_REF, "refused")]

    # Typing on does not hide the refusal while that handler stays chosen...
    with qtbot.waitSignal(form.validated, timeout=10_000):
        qtbot.keyClicks(form.summary, " Nog een zin.")
    assert label.isVisibleTo(form) and label.text() == access.HANDLER_WALLED_MESSAGE
    # ...another handler, untouched by this family, clears it and may take the case.
    with qtbot.waitSignal(form.validated, timeout=10_000):
        form.handler.setCurrentIndex(form.handler.findData("sbakker"))
    assert not label.isVisibleTo(form)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    assert not label.isVisibleTo(form)
    assert in_session(worker, stored)[0] == "sbakker"
    form.discard_and_close()
    wait_idle(qtbot, worker)


def test_who_opened_side_a_earlier_cannot_open_side_b_in_the_client(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT)
    sbakker, kvisser = F.actor(db, "sbakker"), F.actor(db, "kvisser")
    window = _window(qtbot, worker, db, sbakker)
    page = window.cases_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row_data(0) is not None)
    assert not page.model.row_data(0).conflict  # type: ignore[union-attr]

    # sbakker looks at the mother's case (no conflict known yet).
    _open_by_keyboard(qtbot, window, F.MOTHER_REF)
    qtbot.waitUntil(lambda: bool(window.case_windows))
    (form,) = next(iter(window.case_windows.values()))
    qtbot.waitUntil(lambda: form.ref == F.MOTHER_REF)
    assert not form.conflict_badge.isVisibleTo(form)
    form.discard_and_close()

    # Weeks later the father calls; kvisser registers him.
    def register(s: Session) -> None:
        cases.create_case(s, kvisser, parse_case(F.FATHER_CASE))

    in_session(worker, register)
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.row_data(1) is not None)
    father = _row_of(page.model, F.FATHER_REF)
    assert page.model.row_data(father).masked  # type: ignore[union-attr]
    mother = _row_of(page.model, F.MOTHER_REF)
    assert page.model.data(page.model.index(mother, page.model.column("conflict"))) == "conflict"

    before = _last_audit_id(worker)
    _open_by_keyboard(qtbot, window, F.FATHER_REF)
    box = _message_box(qtbot, window)
    assert box.text() == access.WALL_MESSAGE
    qtbot.waitUntil(lambda: not window.case_windows)
    assert _audit(worker, before) == [("sbakker", "case.read", F.FATHER_REF, "refused")]
    _dismiss(qtbot, box)
    wait_idle(qtbot, worker)


LINE1_MOTHER: dict[str, Any] = {
    "type": "case",
    "ref": "2024-L1-00101",
    "line": 1,
    "code": "travel_consent",
    "opened": "2024-03-05",
    "handler": "tmeijer",
    "requester": {
        "kind": "parent",
        "relation": "mother",
        "side": "left_behind",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "birth_date": "1988-02-11",
    },
    "other_parent": {
        "relation": "father",
        "first_name": "Piotr",
        "last_name": "Kowalski",
        "birth_date": "1985-07-30",
    },
    "children": [{"first_name": "Ola", "last_name": "Kowalska", "birth_date": "2017-09-01"}],
}
LINE1_FATHER: dict[str, Any] = {
    **LINE1_MOTHER,
    "ref": "2024-L1-00102",
    "opened": "2024-03-09",
    "requester": {
        "kind": "parent",
        "relation": "father",
        "side": "taking",
        "first_name": "Piotr",
        "last_name": "Wiśniewski-Kowalski",
        "birth_date": "1985-07-30",
    },
    "other_parent": {
        "relation": "mother",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "birth_date": "1988-02-11",
    },
    "country": "PL",
}


def test_the_line1_recent_list_masks_a_walled_registration(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    # An import gave one student both sides of a family: the older case stays theirs,
    # the other is walled (and listed for a handover).
    F.load(db, *F.STAFF, LINE1_MOTHER, LINE1_FATHER)
    window = _window(qtbot, worker, db, F.actor(db, "tmeijer"))
    page = window.line1_page
    assert page is not None
    window.new_line1()
    model = page.recent_model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    refs = [r.ref for r in model.items]
    father, mother = refs.index("2024-L1-00102"), refs.index("2024-L1-00101")
    assert model.data(model.index(father, 3)) == "afgeschermd dossier"
    assert model.data(model.index(father, 4)) == ""  # no country
    assert model.data(model.index(mother, 3)) == "Anna Kowalska"
    for row in (father, mother):
        assert model.data(model.index(row, 1)) == "conflict"
    seen = " ".join(_everything_in_row(model, father))
    for secret in ("Piotr", "Wiśniewski", "Polen", "Ola", "1985"):
        assert secret.lower() not in seen.lower(), secret
    assert "PL" not in seen.split()

    # Enter on it (normally: a new contact moment) is refused by the policy.
    page.recent.setFocus()
    page.recent.setCurrentIndex(model.index(father, 0))
    qtbot.keyClick(page.recent, Qt.Key.Key_Return)
    box = _message_box(qtbot, window)
    assert box.text() == access.WALL_MESSAGE
    assert getattr(page, "contact_dialog", None) is None
    _dismiss(qtbot, box)
    qtbot.waitUntil(lambda: not window.case_windows)
    wait_idle(qtbot, worker)


def test_the_refusal_is_shown_for_any_access_denied(
    qtbot: QtBot, walled: Database, actors: dict[str, Actor], worker: DbWorker
) -> None:
    """A student asks for a Line 2 dossier a jurist handles: the role/line refusal."""
    window = _window(qtbot, worker, walled, actors["tmeijer"])
    mother_id = in_session(
        worker, lambda s: s.scalar(select(Case.id).where(Case.ref == F.MOTHER_REF))
    )
    window.open_case(mother_id)
    box = _message_box(qtbot, window)
    assert box.windowTitle() == "Geen toegang"
    assert "tweedelijnsdossier" in box.text()
    qtbot.waitUntil(lambda: not window.case_windows)
    _dismiss(qtbot, box)
    wait_idle(qtbot, worker)
