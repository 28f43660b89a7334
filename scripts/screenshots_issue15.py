"""Screenshots of the screens issue #15 changed, at 100% and 150%, on the demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_issue15.py [--out shots]

The login with the demo accounts, Line 1 with a problem at its field and with the
country choices of an ambiguous name, the case form with its marked problems, the
typing check's notice, the question on closing a case with unsaved changes, the
search's "Gevonden in", Beheer's countries and their editor, the lock screen.
It reuses `screenshots.py` (the demo database, the shooter).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import screenshots as S


def shoot(out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ikodesk.models.enums import Role
    from ikodesk.services import demo, users
    from ikodesk.services.actors import Actor
    from ikodesk.storage import Database
    from ikodesk.ui import i18n
    from ikodesk.ui.common.worker import DbWorker
    from ikodesk.ui.context import AppContext, load_database_facts
    from ikodesk.ui.i18n import enum_label
    from ikodesk.ui.login import LoginDialog
    from ikodesk.ui.main import make_application
    from ikodesk.ui.main_window import MainWindow

    app = make_application()
    i18n.apply_language(os.environ.get("SHOTS_LANG", "nl"))
    shot = S.Shooter(out)
    source = S.demo_database()
    work = Path(tempfile.mkdtemp(prefix="ikodesk-shots15-"))
    path = work / "demo.db"
    import shutil

    for suffix in ("", ".keyinfo.json"):
        shutil.copy(str(source) + suffix, str(path) + suffix)

    # -- the login of the demo, with its accounts ---------------------------------------
    accounts = [(name, enum_label(Role(role))) for name, role in demo.demo_accounts()]
    login = LoginDialog(path, demo_accounts=accounts)
    login.show()
    shot(login, "login-demo-accounts")
    login.set_preparing(45, "De demodatabase wordt aangemaakt: stap 3 van 4, zaken")
    shot(login, "login-demo-preparing")
    login.hide()

    worker = DbWorker()
    worker.start()

    def opened() -> None:
        db = Database.open(path, passphrase=S.PASSPHRASE)
        from ikodesk.services.application import Application

        worker.adopt_app(Application(db))

    S._in_worker(worker, opened)
    facts = S._in_worker(worker, lambda: load_database_facts(worker.app.db))

    def actor(username: str) -> AppContext:
        def get() -> AppContext:
            with worker.app.db.session() as s:
                u = users.get_user(s, username)
                return AppContext(worker, Actor(u.id, u.username, u.role), u.name, facts)

        return S._in_worker(worker, get)  # type: ignore[return-value]

    # -- Line 1: a problem at its field, the choices of an ambiguous country -------------
    window = MainWindow(actor("tmeijer"))
    window.resize(*S.SIZE)
    window.show()
    page = window.line1_page
    window.new_line1()
    S.wait_until(lambda: page.recent_model.rowCount() > 5)
    page.caller.setCurrentIndex(1)
    page.submit()
    S.wait_until(lambda: bool(page.errors.shown))
    shot(window, "line1-needs-a-name")
    page.name.setText("Wiśniewski")
    page.country.edit.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClicks(page.country.edit, "Amer")
    S.settle()
    shot(window, "line1-country-choices", page.country.completer.popup())
    QTest.keyClick(page.country.completer.popup(), Qt.Key.Key_Tab)
    S.settle()
    shot(window, "line1-country-ambiguous")
    window.close()

    # -- a jurist: search, a new case with problems, the typing check, closing ------------
    window = MainWindow(actor("jdevries"))
    window.resize(*S.SIZE)
    window.show()
    cases = window.cases_page
    S.wait_until(lambda: cases.model.rowCount() > 50)
    cases.search.setText("Öztürk")
    cases.apply_filter()
    column = cases.model.column("matched")
    S.wait_until(
        lambda: cases.model.rowCount() > 0 and cases.model.data(cases.model.index(0, column))
    )
    shot(window, "cases-search-found-in")

    form = window.open_case(None)
    form.resize(*S.SIZE)
    S.wait_until(lambda: form.handler.count() > 0)
    form.activateWindow()
    form.country.edit.setText("Engeland")
    form.req_first.setText("Gülşen")
    form.req_last.setText("Çörüz")
    model = form.children_editor.model
    model.add()
    model.setData(model.index(0, 0), "Elif")
    model.setData(model.index(0, 2), "31-02-2019")
    form.opened.setText("5-3-24")
    form.save()
    S.wait_until(lambda: bool(form.problems))
    shot(form, "case-new-marked")
    form.form_scroll.verticalScrollBar().setValue(form.form_scroll.verticalScrollBar().maximum())
    shot(form, "case-new-marked-below")
    form.close()  # unsaved changes: the question
    S.wait_until(lambda: form.confirm_box is not None and form.confirm_box.isVisible())
    shot(form, "case-close-unsaved", form.confirm_box)
    form.confirm_box.done(0)
    form.discard_and_close()

    # The typing check: the father of a family whose mother's case jdevries handles.
    from sqlalchemy import select

    from ikodesk.models import Case
    from ikodesk.models.enums import PersonRole

    def a_mothers_case() -> tuple[str, str, str, str, str, str]:
        with worker.app.db.session() as s:
            for case in s.scalars(
                select(Case)
                .where(Case.code == "international_abduction")
                .order_by(Case.opened.desc())
            ):
                other = case.person(PersonRole.OTHER_PARENT)
                kids = [c for c in case.children if c.first_name and c.birth_date]
                if (
                    case.handler.username == "jdevries"
                    and other is not None
                    and other.first_name
                    and other.last_name
                    and case.requester.first_name
                    and kids
                ):
                    return (
                        other.first_name,
                        other.last_name,
                        case.requester.first_name,
                        case.requester.last_name or "",
                        kids[0].first_name or "",
                        kids[0].birth_date.strftime("%d-%m-%Y"),
                    )
        raise LookupError("no case of jdevries with both parents and a child")

    father, last, mother, mother_last, child, born = S._in_worker(worker, a_mothers_case)  # type: ignore[misc]
    form = window.open_case(None)
    form.resize(*S.SIZE)
    S.wait_until(lambda: form.handler.count() > 0)
    form.country.edit.setText("Polen")
    form.req_parent_relation.setCurrentIndex(form.req_parent_relation.findText("Vader"))
    form.req_first.setText(father)
    form.req_last.setText(last)
    form.other_known.setChecked(True)
    form.other_relation.setCurrentIndex(form.other_relation.findText("Moeder"))
    form.other_first.setText(mother)
    form.other_last.setText(mother_last)
    model = form.children_editor.model
    model.add()
    model.setData(model.index(0, 0), child)
    model.setData(model.index(0, 2), born)
    S.wait_until(lambda: form.family_bar.isVisibleTo(form))
    shot(form, "case-typing-conflict")
    form.discard_and_close()
    window.lock_now()
    shot(window, "locked-on-purpose")
    window.unlock_done()
    window.close()

    # -- Beheer: the countries, and one corrected ----------------------------------------
    window = MainWindow(actor("beheer"))
    window.resize(*S.SIZE)
    window.show()
    admin = window.admin_page
    tab = admin.countries_tab
    admin.tabs.setCurrentWidget(tab)
    S.wait_until(lambda: tab.model.rowCount() > 50)
    shot(window, "beheer-countries")
    tab.filter.setText("Aruba")
    S.settle()
    tab.edit_country(tab.model.index(0, 0))
    S.wait_until(lambda: tab.dialog is not None and tab.dialog.isVisible())
    tab.dialog.party.setChecked(True)
    tab.dialog.since.setText("1-8-1994")
    shot(window, "beheer-country-edit", tab.dialog)
    tab.dialog.reject()
    window.close()
    worker.stop()
    app.quit()
    QApplication.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("shots15"))
    parser.add_argument("--scale", choices=("100", "150"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    S._memory_keyring()
    if args.scale is None:
        S.demo_database()
        for scale in ("100", "150"):
            env = {**os.environ, "QT_SCALE_FACTOR": str(int(scale) / 100)}
            cmd = [sys.executable, __file__, "--out", str(args.out), "--scale", scale]
            subprocess.run(cmd, check=True, env=env)
        return 0
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ikodesk-shots-profile-")
    shoot(args.out / args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
