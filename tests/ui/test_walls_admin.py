"""Beheer for conflict walls: the conflict list, the review list, the audit log views.

A real conflict pair (detected when the father's case is registered) and two
weak matches (names only) that wait for the administrator's decision. These
screens show references only: no name of any family may appear in them.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.orm import Session

from ikodesk.errors import CaseWalled
from ikodesk.models import ConflictStatus
from ikodesk.services import cases, exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from ikodesk.ui.common.approval_dialog import ApprovalDialog
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.support import family as F
from tests.support import records as R
from tests.ui.conftest import in_session, make_ctx, wait_idle


def _weak_pair(
    refs: tuple[str, str], mother: str, father: str, child: str, last: str
) -> list[dict[str, Any]]:
    """Two parents of one family named, no birth dates: too weak to wall on its own."""
    kid = [{"first_name": child, "last_name": last, "age": 6}]
    return [
        R.case(
            ref=refs[0],
            handler="sbakker",
            requester={
                "kind": "parent",
                "relation": "mother",
                "side": "left_behind",
                "first_name": mother,
                "last_name": last,
            },
            other_parent=...,
            children=kid,
        ),
        R.case(
            ref=refs[1],
            handler="mjanssen",
            requester={
                "kind": "parent",
                "relation": "father",
                "side": "taking",
                "first_name": father,
                "last_name": last,
            },
            other_parent={"relation": "mother", "first_name": mother, "last_name": last},
            children=kid,
        ),
    ]


NOWAK = ("2024-L2-00050", "2024-L2-00051")
JANSEN = ("2024-L2-00060", "2024-L2-00061")
FAMILY_NAMES = (
    "Anna",
    "Kowalsk",
    "Piotr",
    "Ola",
    "Eva",
    "Nowak",
    "Jan ",
    "Zofia",
    "Lena",
    "Jansen",
    "Tom",
    "Sem",
    *F.FATHER_SECRETS,
)


@pytest.fixture
def admin_db(db: Database) -> Database:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT)
    with db.transaction() as s:
        cases.create_case(s, F.actor(db, "kvisser"), parse_case(F.FATHER_CASE))
    result = F.load(
        db,
        *_weak_pair(NOWAK, "Eva", "Jan", "Zofia", "Nowak"),
        *_weak_pair(JANSEN, "Lena", "Tom", "Sem", "Jansen"),
    )
    assert (result.conflicts, result.reviews) == (0, 2)
    # Some history for the audit log: a read, a refusal.
    jdevries = F.actor(db, "jdevries")
    with db.session() as s:
        cases.get_case_by_ref(s, jdevries, F.MOTHER_REF)
    with pytest.raises(CaseWalled), db.session() as s:
        cases.get_case_by_ref(s, jdevries, F.FATHER_REF)
    return db


def _window(qtbot: QtBot, worker: DbWorker, db: Database, username: str) -> MainWindow:
    window = MainWindow(make_ctx(worker, db, F.actor(db, username)))
    qtbot.addWidget(window)
    window.show()
    return window


def _cells(model: Any) -> list[str]:
    return [
        str(model.data(model.index(r, c), role) or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    ]


def _no_family_names(texts: list[str]) -> None:
    joined = " | ".join(texts)
    for name in FAMILY_NAMES:
        assert name not in joined, name


def _question(qtbot: QtBot, panel: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox, "question") is not None)
    box = panel.findChild(QMessageBox, "question")
    assert isinstance(box, QMessageBox)
    return box


def _back_to(qtbot: QtBot, window: MainWindow, widget: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    widget.setFocus()


def _statuses(worker: DbWorker) -> dict[tuple[str, str], ConflictStatus]:
    def read(s: Session) -> dict[tuple[str, str], ConflictStatus]:
        rows = s.execute(
            text(
                "SELECT a.ref, b.ref, p.status FROM conflict_pairs p "
                "JOIN cases a ON a.id = p.case_a_id JOIN cases b ON b.id = p.case_b_id"
            )
        )
        return {(a, b): ConflictStatus(st) for a, b, st in rows}

    return in_session(worker, read)


def test_admin_conflict_list_and_review_by_keyboard(
    qtbot: QtBot, admin_db: Database, worker: DbWorker
) -> None:
    approver = F.second_admin(admin_db)  # for lifting a wall, below
    window = _window(qtbot, worker, admin_db, "beheer")
    admin = window.admin_page
    assert admin is not None and admin.conflicts_panel is not None
    panel = admin.conflicts_panel
    admin.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.review_model.rowCount() == 2, timeout=10_000)
    conflicts, reviews = panel.conflicts_model, panel.review_model
    assert conflicts.rowCount() == 1
    assert [conflicts.data(conflicts.index(0, c)) for c in (0, 1)] == [F.MOTHER_REF, F.FATHER_REF]
    reason = conflicts.data(conflicts.index(0, 4))
    assert "zelfde kinderen" in reason and "tegengestelde kanten" in reason
    assert conflicts.data(conflicts.index(0, 2))  # when it was found
    assert panel.conflicts_box.title() == "Conflictzaken (1)"
    assert panel.review_box is not None and panel.review_box.title() == "Te beoordelen (2)"
    pending = {
        (reviews.data(reviews.index(r, 0)), reviews.data(reviews.index(r, 1))) for r in (0, 1)
    }
    assert pending == {NOWAK, JANSEN}
    # The whole reason of the current row, readable without a mouse.
    assert panel.conflict_detail.text().startswith(f"{F.MOTHER_REF} en {F.FATHER_REF}: ")
    assert reason in panel.conflict_detail.text()
    assert panel.review_detail.text().startswith(" en ".join(reviews.items[0].cases))
    _no_family_names(
        _cells(conflicts)
        + _cells(reviews)
        + [panel.conflict_detail.text(), panel.review_detail.text()]
    )

    # Confirm one, by keyboard: the list, the mnemonic, then the question (No by default).
    assert panel.review_view is not None
    panel.review_view.setFocus()
    row = [reviews.items[r].cases for r in range(2)].index(NOWAK)
    panel.review_view.setCurrentIndex(reviews.index(row, 0))
    qtbot.keyClick(panel.review_view, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    box = _question(qtbot, panel)
    assert "2024-L2-00050 en 2024-L2-00051" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: No
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox, "question") is None)
    wait_idle(qtbot, worker)
    assert _statuses(worker)[NOWAK] is ConflictStatus.REVIEW  # nothing decided

    _back_to(qtbot, window, panel.review_view)  # (a window manager does this on its own)
    qtbot.keyClick(panel.review_view, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    box = _question(qtbot, panel)
    with qtbot.waitSignal(panel.decided, timeout=10_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: reviews.rowCount() == 1 and conflicts.rowCount() == 2)
    assert _statuses(worker)[NOWAK] is ConflictStatus.CONFLICT
    assert "Bevestigd" in panel.status.text()
    assert panel.conflicts_box.title() == "Conflictzaken (2)"

    # Dismiss the other: Alt+F, then yes.
    assert reviews.items[0].cases == JANSEN
    _back_to(qtbot, window, panel.review_view)
    panel.review_view.setCurrentIndex(reviews.index(0, 0))
    qtbot.keyClick(panel.review_view, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    box = _question(qtbot, panel)
    assert "2024-L2-00060 en 2024-L2-00061" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    # Lifting a wall: a second administrator logs in, by keyboard (four eyes).
    dialog = panel.findChild(ApprovalDialog, "approvalDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "2024-L2-00060 en 2024-L2-00061" in dialog.findChildren(QLabel)[0].text()
    # The same administrator cannot approve: refused in the dialog, password cleared.
    qtbot.keyClicks(dialog.approver, "beheer")
    qtbot.keyClick(dialog.approver, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password, F.PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.isVisible() and not dialog.busy, timeout=10_000)
    assert "eigen handeling" in dialog.message.text() and dialog.password.text() == ""
    assert _statuses(worker)[JANSEN] is ConflictStatus.REVIEW
    # A wrong password of the second administrator: refused too.
    dialog.approver.clear()
    qtbot.keyClicks(dialog.approver, approver.username)
    qtbot.keyClicks(dialog.password, "fout")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "onjuist wachtwoord" in dialog.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    with qtbot.waitSignal(panel.decided, timeout=20_000):
        qtbot.keyClicks(dialog.password, approver.password)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reviews.rowCount() == 0)
    assert _statuses(worker)[JANSEN] is ConflictStatus.DISMISSED
    assert not panel.confirm_button.isEnabled() and not panel.dismiss_button.isEnabled()

    # The confirmed pair is walled now: its handlers cannot cross.
    def crossing(s: Session) -> bool:
        u = users.get_user(s, "sbakker")  # handles the mother's case of the pair
        try:
            cases.get_case_by_ref(s, Actor(u.id, u.username, u.role), NOWAK[1])
        except CaseWalled:
            return False
        return True

    assert in_session(worker, crossing) is False
    wait_idle(qtbot, worker)


def test_the_conflict_list_flags_a_needed_handover(
    qtbot: QtBot, admin_db: Database, worker: DbWorker
) -> None:
    # An import makes the father's handler the handler of the mother's case too.
    with admin_db.transaction() as s:
        exchange.import_lines(s, F.KH, R.lines(R.case(handler="kvisser")), update=True)
    window = _window(qtbot, worker, admin_db, "beheer")
    admin = window.admin_page
    assert admin is not None and admin.conflicts_panel is not None
    panel = admin.conflicts_panel
    admin.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.conflicts_model.rowCount() == 1, timeout=10_000)
    model = panel.conflicts_model
    assert model.data(model.index(0, 3)) == "overdracht nodig"
    assert "andere behandelaar" in model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole)
    wait_idle(qtbot, worker)


def test_management_sees_the_conflict_list_but_cannot_review(
    qtbot: QtBot, admin_db: Database, worker: DbWorker
) -> None:
    window = _window(qtbot, worker, admin_db, "directie")
    page = window.conflicts_page
    assert page is not None and window.admin_page is None and window.cases_page is None
    window.show_page(page)
    panel = page.panel
    qtbot.waitUntil(lambda: panel.conflicts_model.rowCount() == 1, timeout=10_000)
    assert panel.review_box is None and panel.review_view is None
    assert panel.conflicts_model.items[0].cases == (F.MOTHER_REF, F.FATHER_REF)
    _no_family_names(_cells(panel.conflicts_model))
    wait_idle(qtbot, worker)


@pytest.mark.slow
def test_audit_per_case_per_user_and_the_chain_check(
    qtbot: QtBot, admin_db: Database, worker: DbWorker
) -> None:
    window = _window(qtbot, worker, admin_db, "beheer")
    admin = window.admin_page
    assert admin is not None and admin.audit_panel is not None
    panel = admin.audit_panel
    admin.tabs.setCurrentWidget(panel)
    model = panel.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)  # the latest entries
    qtbot.waitUntil(lambda: panel.user_combo.findText("jdevries") >= 0)

    # Per case: type the reference, Enter.
    panel.case_ref.setFocus()
    with qtbot.waitSignal(panel.shown, timeout=10_000):
        qtbot.keyClicks(panel.case_ref, F.FATHER_REF)
        qtbot.keyClick(panel.case_ref, Qt.Key.Key_Return)
    rows = [model.cells(r) for r in model.items]
    assert ["jdevries", "dossier ingezien", f"zaak {F.FATHER_REF}", "geweigerd"] in [
        r[2:6] for r in rows
    ]
    assert ["kvisser", "zaak geregistreerd", f"zaak {F.FATHER_REF}", "toegestaan"] in [
        r[2:6] for r in rows
    ]
    assert all(r[4] == f"zaak {F.FATHER_REF}" for r in rows)
    assert "2024-L2-00030" in panel.caption.text()
    _no_family_names(_cells(model))

    # Per user, from the list of users.
    panel.user_combo.setCurrentIndex(panel.user_combo.findText("jdevries"))
    with qtbot.waitSignal(panel.shown, timeout=10_000):
        qtbot.mouseClick(panel.user_button, Qt.MouseButton.LeftButton)
    users = {model.cells(r)[2] for r in model.items}
    assert users == {"jdevries"}
    actions = [(r.action, r.object_ref, r.refused) for r in model.items]
    assert ("case.read", F.MOTHER_REF, False) in actions
    assert ("case.read", F.FATHER_REF, True) in actions
    _no_family_names(_cells(model))

    # An unknown reference: a plain sentence in place.
    panel.case_ref.setText("2024-L2-99999")
    with qtbot.waitSignal(panel.shown, timeout=10_000):
        panel.case_ref.returnPressed.emit()
    assert model.rowCount() == 0 and "bestaat niet" in panel.caption.text()

    # The chain: intact...
    with qtbot.waitSignal(panel.verified, timeout=10_000) as blocker:
        qtbot.keyClick(panel, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert blocker.args == [True]
    assert panel.chain_status.text().startswith("Auditketen intact:")
    assert "Kenmerk van de laatste vermelding" in panel.chain_status.text()

    # ...until someone with the key edits an entry behind the application's back.
    def tamper(s: Session) -> None:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("UPDATE audit_log SET username = 'kvisser' WHERE id = 3"))

    in_session(worker, tamper)
    with qtbot.waitSignal(panel.verified, timeout=10_000) as blocker:
        qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]
    assert "NIET intact" in panel.chain_status.text()
    assert "Eerste foute vermelding: 3" in panel.chain_status.text()
    wait_idle(qtbot, worker)


def test_only_admins_and_managers_get_these_screens(
    qtbot: QtBot, admin_db: Database, worker: DbWorker
) -> None:
    window = _window(qtbot, worker, admin_db, "jdevries")
    assert window.admin_page is None and window.conflicts_page is None
    wait_idle(qtbot, worker)


def test_the_walls_screens_in_english(qtbot: QtBot) -> None:
    from PySide6.QtCore import QCoreApplication

    from ikodesk.ui import i18n

    assert i18n.apply_language("en") == "en"
    try:
        tr = QCoreApplication.translate
        assert tr("ConflictBadge", "conflictzaak") == "conflict case"
        assert tr("messages", "Geen toegang") == "No access"
        assert tr("AuditPanel", "Controleer de audit&keten") == "Verify the aud&it chain"
    finally:
        i18n.apply_language("nl")
    assert QCoreApplication.translate("ConflictBadge", "conflictzaak") == "conflictzaak"
