"""Screenshots of every screen of the desktop client, with realistic demo data.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out shots]

Takes every shot at 100% and at 150% scaling (QT_SCALE_FACTOR, one process
each) into OUT/100 and OUT/150. The demo database (two years at 2024 volumes)
is made once and kept in the temp directory. The OS keyring is never used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SHOTS_TMP = Path(tempfile.gettempdir()) / "ikodesk-shots"
PASSPHRASE = "screenshots-wachtwoordzin"
SIZE = (1366, 820)


def _memory_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.data: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.data.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.data[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.data.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())


def _demo_fingerprint() -> str:
    """What the demo database is made by: a cache made by other code is not reused."""
    import hashlib

    import ikodesk
    from ikodesk.resources import resource_path

    root = Path(ikodesk.__file__).parent
    # Whatever can change the demo data: the services (modules and packages), the
    # demo's data tables and the schema.
    sources = sorted((root / "services").rglob("*.py"))
    sources += sorted(resource_path("demo").glob("*.json"))
    sources += sorted((root / "storage" / "migrations" / "versions").glob("*.py"))
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def demo_database() -> Path:
    """The cached demo database (made on first use: about ten seconds)."""
    from ikodesk.services import demo
    from ikodesk.storage import Database

    cache = SHOTS_TMP / f"demo-{_demo_fingerprint()}.db"
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f"building-{os.getpid()}.db")
        db, _ = Database.create(partial, passphrase=PASSPHRASE)
        demo.populate(db, [2024, 2025], until=date(2025, 11, 30))
        db.close()
        for suffix in ("", ".keyinfo.json"):
            os.replace(str(partial) + suffix, str(cache) + suffix)
    return cache


def wait_until(condition: Callable[[], object], timeout: float = 30) -> None:
    from PySide6.QtTest import QTest

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not get there in time")
        QTest.qWait(20)


def settle(ms: int = 150) -> None:
    from PySide6.QtTest import QTest

    QTest.qWait(ms)


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def __call__(self, widget: object, name: str, dialog: object = None) -> None:
        """Save what `widget` shows; with `dialog`, that window drawn over it where it is."""
        from PySide6.QtGui import QPainter

        settle()
        path = self.out / f"{len(self.taken) + 1:02d}-{name}.png"
        picture = widget.grab()  # type: ignore[attr-defined]
        if dialog is not None:
            painter = QPainter(picture)
            offset = dialog.frameGeometry().topLeft() - widget.frameGeometry().topLeft()  # type: ignore[attr-defined]
            painter.drawPixmap(offset, dialog.grab())  # type: ignore[attr-defined]
            painter.end()
        picture.save(str(path))
        self.taken.append(path)
        print(path)


def shoot_all(out: Path) -> None:
    import argparse as ap

    from sqlalchemy import select

    from ikodesk.models import Case
    from ikodesk.services import users
    from ikodesk.ui import i18n
    from ikodesk.ui.common.worker import DbWorker
    from ikodesk.ui.context import AppContext, load_database_facts
    from ikodesk.ui.login import LoginDialog, UnlockDialog
    from ikodesk.ui.main import make_application
    from ikodesk.ui.main_window import MainWindow
    from ikodesk.ui.start import StartController
    from ikodesk.ui.wizard import FirstRunWizard

    app = make_application()
    i18n.apply_language("nl")
    shot = Shooter(out)
    work = Path(tempfile.mkdtemp(prefix="ikodesk-shots-"))
    worker = DbWorker()
    worker.start()

    # -- first run ------------------------------------------------------------------
    controller = StartController(worker, ap.Namespace(db=str(work / "nieuw.db"), demo=False))
    controller.start()
    wizard = controller._dialog
    assert isinstance(wizard, FirstRunWizard)
    wizard.resize(720, 500)
    shot(wizard, "wizard-start")
    wizard.next()
    shot(wizard, "wizard-location")
    wizard.location_page.use_passphrase.setChecked(True)
    wizard.location_page.passphrase.setText("een wachtwoordzin van de organisatie")
    wizard.location_page.passphrase2.setText("een wachtwoordzin van de organisatie")
    wizard.next()
    wizard.admin_page.full_name.setText("Fenna Beheerder")
    wizard.admin_page.password.setText("kort")
    wizard.admin_page.password2.setText("kort")
    wizard.next()
    shot(wizard, "wizard-admin-error")
    wizard.admin_page.password.setText("beheer-wachtwoord")
    wizard.admin_page.password2.setText("beheer-wachtwoord")
    wizard.next()
    wait_until(lambda: wizard.currentPage() is wizard.recovery_page)
    shot(wizard, "wizard-done")
    wizard.hide()

    # -- unlock and login on the demo database -----------------------------------------
    source = demo_database()
    path = work / "ikodesk-demo.db"
    for suffix in ("", ".keyinfo.json"):
        shutil.copy(str(source) + suffix, str(path) + suffix)
    worker.submit(worker.close_db)
    controller = StartController(worker, ap.Namespace(db=str(path), demo=False))
    controller.start()
    wait_until(lambda: isinstance(controller._dialog, UnlockDialog))
    unlock = controller._dialog
    assert isinstance(unlock, UnlockDialog)
    unlock.secret.setText("niet deze")
    unlock._submit()
    wait_until(lambda: unlock.error.isVisibleTo(unlock))
    shot(unlock, "unlock-wrong-key")
    unlock.secret.setText(PASSPHRASE)
    unlock._submit()
    wait_until(lambda: isinstance(controller._dialog, LoginDialog))
    login = controller._dialog
    assert isinstance(login, LoginDialog)
    login.username.setText("jdevries")
    login.password.setText("fout")
    login._submit()
    wait_until(lambda: login.error.isVisibleTo(login))
    shot(login, "login-wrong-password")
    facts = _in_worker(worker, lambda: load_database_facts(worker.app.db))

    def actor(username: str) -> AppContext:
        def get() -> AppContext:
            with worker.app.db.session() as s:
                u = users.get_user(s, username)
                from ikodesk.services.actors import Actor

                return AppContext(worker, Actor(u.id, u.username, u.role), u.name, facts)

        return _in_worker(worker, get)

    login.hide()

    # -- a student: Line 1 ---------------------------------------------------------------
    window = MainWindow(actor("tmeijer"))
    window.resize(*SIZE)
    window.show()
    page = window.line1_page
    assert page is not None
    window.new_line1()
    wait_until(lambda: page.recent_model.rowCount() > 5)
    page.caller.setCurrentIndex(1)
    page.name.setText("Wiśniewski")
    page.country.edit.setText("Turk")
    page.note.setText("Vraagt of een notariële verklaring nodig is voor Turkije")
    shot(window, "line1")
    page.country.edit.setText("Turkije")
    page.submit()
    wait_until(lambda: "Opgeslagen" in page.status.text())
    new_ref = page.status.text().split()[2].rstrip(".")
    wait_until(lambda: page.recent_model.items and page.recent_model.items[0].ref == new_ref)
    shot(window, "line1-saved")
    window.close()

    # -- a jurist: cases, a case, a contact, validation, the lock -----------------------
    window = MainWindow(actor("jdevries"))
    window.resize(*SIZE)
    window.show()
    cases_page = window.cases_page
    assert cases_page is not None
    wait_until(lambda: cases_page.model.rowCount() > 50 and cases_page.model.total)
    wait_until(lambda: cases_page.model.row_data(20) is not None)
    shot(window, "cases")
    cases_page.search.setText("Öztürk")
    cases_page.apply_filter()
    wait_until(lambda: cases_page.model.rowCount() > 0 and cases_page.model.row_data(0))
    shot(window, "cases-search")
    walled_ref = shoot_walls_for_a_jurist(shot, worker, window)

    def first_abduction() -> int:
        with worker.app.db.session() as s:
            return int(
                s.scalar(
                    select(Case.id)
                    .where(Case.code == "international_abduction", Case.closed.is_(None))
                    .order_by(Case.opened.desc())
                    .limit(1)
                )
            )

    form = window.open_case(_in_worker(worker, first_abduction))
    form.resize(*SIZE)
    wait_until(lambda: form.ref is not None)
    shot(form, "case-abduction")
    dialog = form.new_contact()
    assert dialog is not None
    dialog.summary.setPlainText("Moeder belt terug: de vader reageert niet op berichten.")
    shot(dialog, "contact-new")
    dialog.reject()
    new = window.open_case(None)
    new.resize(*SIZE)
    wait_until(lambda: new.handler.count() > 0)
    new.code.setCurrentIndex(new.code.findData("international_abduction"))
    new.req_first.setText("Gülşen")
    new.req_last.setText("Çörüz")
    new.children_editor.model.add()
    new.children_editor.model.setData(new.children_editor.model.index(0, 0), "Elif")
    new.children_editor.model.setData(new.children_editor.model.index(0, 2), "12-05-2016")
    new.children_editor.model.add()
    new.children_editor.model.setData(new.children_editor.model.index(1, 0), "Çağan")
    new.children_editor.model.setData(new.children_editor.model.index(1, 2), "31-02-2019")
    new.save()
    wait_until(lambda: new.problems)
    shot(new, "case-new-validation")
    new.code.setCurrentIndex(new.code.findData("relocation_consent"))
    new.country.edit.setText("Marokko")
    settle()
    shot(new, "case-new-relocation")
    new.discard_and_close()
    form.discard_and_close()
    window.lock()
    shot(window, "locked")
    window.unlock_done()
    window.close()

    # -- the administrator ------------------------------------------------------------
    _in_worker(worker, lambda: add_reviews_and_a_handover(worker.app.db))
    window = MainWindow(actor("beheer"))
    window.resize(*SIZE)
    window.show()
    admin = window.admin_page
    assert admin is not None
    wait_until(lambda: admin.users_model.rowCount() > 5)
    shot(window, "beheer-users")
    admin.tabs.setCurrentIndex(1)
    shot(window, "beheer-countries")
    admin.tabs.setCurrentIndex(2)
    shot(window, "beheer-database")
    shoot_beheer_walls(shot, window, walled_ref)
    window.close()

    window = MainWindow(actor("directie"))
    window.resize(*SIZE)
    window.show()
    assert window.conflicts_page is not None
    window.show_page(window.conflicts_page)
    wait_until(lambda: window.conflicts_page.panel.conflicts_model.rowCount() > 0)
    shot(window, "conflicts-management")
    window.close()

    # -- the manager: reports -------------------------------------------------------------
    window = MainWindow(actor("directie"))
    window.resize(*SIZE)
    window.show()
    reports = window.reports_page
    assert reports is not None
    reports.year.setValue(2025)
    reports.load()
    wait_until(lambda: reports.data is not None and reports.data["year"] == 2025)
    shot(window, "reports-figures")
    reports.tabs.setCurrentIndex(1)
    shot(window, "reports-charts")
    scroll = reports.tabs.currentWidget()
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    shot(window, "reports-charts-below")
    reports.make_pdf("annual")
    wait_until(lambda: reports.pdf_path is not None, timeout=120)
    settle(500)
    shot(window, "reports-pdf")
    window.close()

    # -- the Mediation Bureau ------------------------------------------------------------
    shoot_mediation(shot, MainWindow(actor("mediation")), worker)

    worker.stop()
    app.quit()


def shoot_mediation(shot: Shooter, window: object, worker: object) -> None:
    """The status list, a request in several states, a step with a refusal, the pool."""
    from ikodesk.ui.main_window import MainWindow
    from ikodesk.ui.mediation.mediation_form import MediationWindow

    assert isinstance(window, MainWindow)
    window.resize(*SIZE)
    window.show()
    page = window.mediation_page
    assert page is not None
    wait_until(lambda: page._filters_loaded and page.model.rowCount() > 5)
    shot(window, "mediation-list")

    def request(status: str) -> MediationWindow:
        row = next(r for r in page.model.rows if r.status.value == status)
        form = page.open_request(row.id)
        form.resize(*SIZE)
        wait_until(lambda: form.detail is not None)
        return form

    for status, name in (
        ("ended", "mediation-request-ended"),
        ("not_started", "mediation-request-not-continued"),
    ):
        form = request(status)
        shot(form, name)
        form.discard_and_close()

    # A new request typed in, first with mistakes, then saved and taken through the steps.
    form = page.open_request(None)
    form.resize(*SIZE)
    form.kind.setCurrentIndex(1)
    form.requested.setText("31-02-2025")
    form.referred_by.setCurrentIndex(1)
    form.case_ref.setText("2025-L2-99999")
    mother, father = form.parents
    mother.relation.setCurrentIndex(1)
    mother.first.setText("Gülşen")
    mother.last.setText("Çörüz")
    mother.birth.setText("14-07-1989")
    mother.country.edit.setText("Nederland")
    father.first.setText("Emre")
    father.last.setText("Çörüz")
    father.country.edit.setText("Turkije")
    model = form.children_editor.model
    model.add()
    model.setData(model.index(0, 0), "Elif")
    model.setData(model.index(0, 2), "12-05-2016")
    model.add()
    model.setData(model.index(1, 0), "Çağan")
    model.setData(model.index(1, 3), "2")
    form._look_up_case()
    form.save()
    wait_until(lambda: form.errors.shown and not form.errors.labels["case"].isHidden())
    shot(form, "mediation-request-validation")
    form.requested.setText("03-03-2025")
    father.relation.setCurrentIndex(2)
    form.case_ref.clear()
    form.save()
    wait_until(lambda: form.detail is not None)
    shot(form, "mediation-request-registered")
    dialog = form.start()
    assert dialog is not None
    dialog.started.setText("01-01-2025")  # type: ignore[attr-defined]
    dialog.submit()
    wait_until(lambda: not dialog.message.isHidden() or bool(dialog.errors.shown))
    shot(dialog, "mediation-step-refused")
    dialog.started.setText("17-03-2025")  # type: ignore[attr-defined]
    dialog.submit()
    wait_until(lambda: form.detail is not None and form.detail.started is not None)
    dialog = form.assign_mediators()
    assert dialog is not None
    wait_until(lambda: dialog.model.rowCount() > 3)  # type: ignore[attr-defined]
    dialog.language.setCurrentIndex(dialog.language.findData("tr"))  # type: ignore[attr-defined]
    wait_until(lambda: dialog.model.rowCount() < 5)  # type: ignore[attr-defined]
    for row in range(min(2, dialog.model.rowCount())):  # type: ignore[attr-defined]
        dialog.model.toggle(row, True)  # type: ignore[attr-defined]
    shot(dialog, "mediation-step-mediators")
    dialog.submit()
    wait_until(lambda: form.detail is not None and bool(form.detail.mediators))
    dialog = form.intake()
    assert dialog is not None
    dialog.intake.setCurrentIndex(1)  # type: ignore[attr-defined]
    dialog.submit()
    wait_until(lambda: form.detail is not None and form.detail.intake is not None)
    dialog = form.add_interview()
    assert dialog is not None
    dialog.day_field.setText("02-04-2025")  # type: ignore[attr-defined]
    dialog.submit()
    wait_until(lambda: form.detail is not None and bool(form.detail.interviews))
    dialog = form.outcome()
    assert dialog is not None
    dialog.outcome.setCurrentIndex(3)  # type: ignore[attr-defined]
    dialog.ended.setText("30-04-2025")  # type: ignore[attr-defined]
    next(iter(dialog.reasons.values())).setChecked(True)  # type: ignore[attr-defined]
    shot(dialog, "mediation-step-outcome")
    dialog.submit()
    wait_until(lambda: form.detail is not None and form.detail.outcome is not None)
    shot(form, "mediation-request-outcome")
    form.discard_and_close()

    page.tabs.setCurrentWidget(page.pool)
    page.pool.year.setValue(2025)
    wait_until(lambda: page.pool.model.year == 2025 and page.pool.model.rowCount() > 5)
    shot(window, "mediation-pool")
    page.pool.view.selectRow(1)
    dialog = page.pool.edit()
    assert dialog is not None
    dialog.languages.setText("nl, tr, xx1")
    dialog.submit()
    wait_until(lambda: bool(dialog.errors.shown))
    shot(dialog, "mediation-mediator-validation")
    dialog.reject()
    window.close()


@dataclass(frozen=True)
class WalledPair:
    row: int  # of the masked case in the jurist's list
    walled_ref: str
    walled_handler: str
    own_id: int  # the jurist's side of the pair
    family_name: str  # a name to search by that is in both cases


def find_walled_pair(worker: object, actor: object, flt: object) -> WalledPair:
    """The first case behind a wall in this jurist's list, and the jurist's own side."""
    from sqlalchemy import or_, select

    from ikodesk.models import Case, ConflictPair
    from ikodesk.services import case_queries, cases
    from ikodesk.services.actors import Actor

    with worker.app.db.session() as s:  # type: ignore[attr-defined]
        ids = case_queries.page_ids(s, actor, flt, limit=5000)  # type: ignore[arg-type]
        rows = case_queries.fetch_rows(s, actor, ids)  # type: ignore[arg-type]
        row = next(n for n, cid in enumerate(ids) if rows[cid].masked)
        walled_id = ids[row]
        pair = s.scalar(
            select(ConflictPair).where(
                or_(ConflictPair.case_a_id == walled_id, ConflictPair.case_b_id == walled_id)
            )
        )
        own_id = pair.case_b_id if pair.case_a_id == walled_id else pair.case_a_id
        # The script holds the key: it may look behind the wall to stage the screens.
        walled = cases.get_case(s, Actor.key_holder(), walled_id)
        # The own side's parent, as the walled case names them: a search for the family.
        other = walled.other_parent or walled.requester
        name = " ".join(n for n in (other.first_name, other.last_name) if n)
        handler = walled.handler.username
        ref = s.scalar(select(Case.ref).where(Case.id == walled_id))
    return WalledPair(row, ref, handler, own_id, name)


def shoot_walls_for_a_jurist(shot: Shooter, worker: object, window: object) -> str:
    """The badge, a masked row, the refusal, the hidden search count, the handler refusal.

    Returns the reference of the case behind the wall (its audit log is shown later).
    """
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QMessageBox

    page = window.cases_page  # type: ignore[attr-defined]
    page.search.clear()
    page.apply_filter()
    wait_until(lambda: page.model.total and not page.model.is_loading())
    pair = _in_worker(worker, lambda: find_walled_pair(worker, page.ctx.actor, page.model.filter))
    assert isinstance(pair, WalledPair)
    while page.model.rowCount() <= pair.row + 10 and page.model.canFetchMore():
        page.model.fetchMore(QModelIndex())
        wait_until(lambda: not page.model.is_loading())
    index = page.model.index(pair.row, 0)
    page.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
    page.view.clearSelection()
    wait_until(lambda: page.model.row_data(pair.row) is not None)
    settle(300)
    shot(window, "cases-conflict-masked-row")

    page.view.setFocus()
    page.view.setCurrentIndex(index)
    QTest.keyClick(page.view, Qt.Key.Key_Return)
    wait_until(lambda: window.findChildren(QMessageBox))  # type: ignore[attr-defined]
    (box,) = window.findChildren(QMessageBox)  # type: ignore[attr-defined]
    shot(window, "cases-conflict-refused", box)
    box.button(QMessageBox.StandardButton.Ok).click()
    wait_until(lambda: not window.findChildren(QMessageBox))  # type: ignore[attr-defined]

    page.search.setText(pair.family_name)
    page.apply_filter()
    wait_until(lambda: page.hidden_label.isVisible() and page.model.total is not None)
    shot(window, "cases-search-behind-a-wall")
    page.search.clear()
    page.apply_filter()

    form = window.open_case(pair.own_id)  # type: ignore[attr-defined]
    form.resize(*SIZE)
    wait_until(lambda: form.ref is not None and form.isVisible())
    shot(form, "case-conflict-badge")
    form.handler.setCurrentIndex(form.handler.findData(pair.walled_handler))
    form.save()
    wait_until(lambda: form.error_labels["handler"].isVisible())
    shot(form, "case-walled-handler-refused")
    form.discard_and_close()
    return pair.walled_ref


def add_reviews_and_a_handover(db: object) -> None:
    """Weak matches for the review list, and an import that needs a handover."""
    import json

    from sqlalchemy import select

    from ikodesk.models import Case, ConflictPair, User
    from ikodesk.services import exchange
    from ikodesk.services.actors import Actor

    def weak(ref: str, relation: str, side: str, first: str, other: str, last: str) -> str:
        # Names only, and only the father's record names the other parent: a weak match.
        record = {
            "type": "case",
            "ref": ref,
            "line": 2,
            "code": "international_abduction",
            "opened": "2025-10-01",
            "handler": "jdevries" if side == "left_behind" else "kvisser",
            "requester": {
                "kind": "parent",
                "relation": relation,
                "side": side,
                "first_name": first,
                "last_name": last,
            },
            "other_parent": {
                "relation": "father" if relation == "mother" else "mother",
                "first_name": other,
                "last_name": last,
            },
            "children": [{"first_name": "Zeynep", "last_name": last, "age": 7}],
            "country": "TR",
            "direction": "outgoing",
            "taker": "father",
        }
        if relation == "mother":
            del record["other_parent"]
        return json.dumps(record, ensure_ascii=False)

    key_holder = Actor.key_holder()
    with db.transaction() as s:  # type: ignore[attr-defined]
        exchange.import_lines(
            s,
            key_holder,
            [
                weak("2025-L2-09001", "mother", "left_behind", "Ayşe", "Mehmet", "Yılmaz"),
                weak("2025-L2-09002", "father", "taking", "Mehmet", "Ayşe", "Yilmaz"),
            ],
        )
    # The oldest pair's second case imported again with the first case's handler.
    with db.transaction() as s:  # type: ignore[attr-defined]
        pair = s.scalar(select(ConflictPair).order_by(ConflictPair.id).limit(1))
        a, b = s.get(Case, pair.case_a_id), s.get(Case, pair.case_b_id)
        handler = s.get(User, a.handler_id).username
        records = exchange.export_records(s, key_holder, case_ids=[b.id])
        record = next(r for r in records if r["type"] == "case")
    record["handler"] = handler
    with db.transaction() as s:  # type: ignore[attr-defined]
        exchange.import_lines(s, key_holder, [json.dumps(record)], update=True)


def shoot_beheer_walls(shot: Shooter, window: object, walled_ref: str) -> None:
    """The conflict list, a review question, the audit log per case, per user, verified."""
    from PySide6.QtWidgets import QMessageBox

    admin = window.admin_page  # type: ignore[attr-defined]
    panel = admin.conflicts_panel
    admin.tabs.setCurrentWidget(panel)
    wait_until(lambda: panel.conflicts_model.rowCount() > 0 and panel.review_model.rowCount())
    shot(window, "beheer-conflicts")
    box = panel.confirm_selected()
    shot(window, "beheer-review-confirm", box)
    box.button(QMessageBox.StandardButton.No).click()

    audit = admin.audit_panel
    admin.tabs.setCurrentWidget(audit)
    wait_until(lambda: audit.model.rowCount() > 0)
    shot(window, "beheer-audit-latest")
    audit.case_ref.setText(walled_ref)  # the jurist's refused attempt is in it
    audit.show_case()
    wait_until(lambda: walled_ref in audit.caption.text())
    shot(window, "beheer-audit-case")
    audit.user_combo.setCurrentText("jdevries")
    audit.show_user()
    wait_until(lambda: "jdevries" in audit.caption.text())
    audit.verify()
    wait_until(lambda: "intact" in audit.chain_status.text())
    shot(window, "beheer-audit-user-verified")


def _in_worker(worker: object, fn: Callable[[], object]) -> object:  # type: ignore[type-arg]
    job = worker.submit(fn)  # type: ignore[attr-defined]
    job.finished.wait(60)
    if job.error is not None:
        raise job.error
    return job.result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("shots"))
    parser.add_argument("--scale", choices=("100", "150"), help="one scale (used internally)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale is None:
        _memory_keyring()
        demo_database()  # once, before the two processes
        for scale in ("100", "150"):
            env = {**os.environ, "QT_SCALE_FACTOR": str(int(scale) / 100)}
            cmd = [sys.executable, __file__, "--out", str(args.out), "--scale", scale]
            subprocess.run(cmd, check=True, env=env)
        return 0
    _memory_keyring()
    # Settings (language, last database) of a private profile, not the user's.
    profile = Path(tempfile.mkdtemp(prefix="ikodesk-shots-profile-"))
    os.environ["XDG_CONFIG_HOME"] = str(profile)
    shoot_all(args.out / args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
