"""Beheer › Bewaartermijnen and › Vernietiging (issue #18): periods, holds, preview, run, register.

Real widgets offscreen on a real SQLCipher file: two closed cases of 2016, one held.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from ikodesk.models import AnonymisedCase, Person
from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.admin.admin_page import AdminPage
from ikodesk.ui.common.worker import DbWorker
from tests.support import records as R
from tests.ui.conftest import PASSWORD, add_users, in_session, make_ctx, wait_idle

KH = Actor.key_holder()


def _cases(db: Database) -> dict[str, Actor]:
    people = add_users(db)
    with db.transaction() as s:
        users.create_user(s, KH, "tweede", Role.ADMIN, name="Tweede", password=PASSWORD)
        lines = [
            exchange.json_line(r)
            for r in (
                R.case(ref="2016-L2-00001", opened="2018-01-05", closed="2018-05-01"),
                R.case(ref="2016-L2-00002", opened="2018-02-05", closed="2018-06-01"),
            )
        ]
        exchange.import_lines(s, KH, lines)
    return people


def _ok(dialog: object) -> None:
    buttons = dialog.findChild(QDialogButtonBox)  # type: ignore[attr-defined]
    buttons.buttons()[0].click()


def test_periods_holds_preview_run_and_register(
    qtbot: QtBot, db: Database, worker: DbWorker, tmp_path: Path
) -> None:
    people = _cases(db)
    page = AdminPage(make_ctx(worker, db, people["beheer"]))
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    assert page.periods_tab is not None and page.destruction_tab is not None
    page.tabs.setCurrentWidget(page.periods_tab)
    wait_idle(qtbot, worker)
    periods = page.periods_tab
    assert periods.periods_model.rowCount() == 14
    assert periods.notice.isVisible() and "14" in periods.notice.text()

    # A hold on the first case, typed in the dialog.
    dialog = periods.set_hold()
    dialog.findChild(QLineEdit, "holdRef").setText("2016-L2-00001")
    dialog.findChild(QLineEdit, "holdReason").setText("Klachtprocedure")
    _ok(dialog)
    wait_idle(qtbot, worker)
    wait_idle(qtbot, worker)
    assert [h.ref for h in periods.holds_model.items] == ["2016-L2-00001"]

    # The preview lists the other case only; the run needs the second administrator.
    destruction = page.destruction_tab
    page.tabs.setCurrentWidget(destruction)
    destruction.as_of.setText("01-01-2035")
    destruction.preview()
    wait_idle(qtbot, worker)
    assert [i.ref for i in destruction.due_model.items] == ["2016-L2-00002"]
    assert "1 met bewaarplicht" in destruction.summary.text()
    assert "1 zaak en 0 mediationverzoeken te verwijderen" in destruction.summary.text()
    page.grab().save("/tmp/h18r_destruction_preview.png")
    run = destruction.ask_run()
    assert run is not None
    run.findChild(QLineEdit, "approverName").setText("beheer")  # not one's own
    run.findChild(QLineEdit, "approverPassword").setText(PASSWORD)
    _ok(run)
    wait_idle(qtbot, worker)
    assert run.error.isVisible() and "eigen handeling" in run.error.text()
    run.findChild(QLineEdit, "approverName").setText("tweede")
    run.findChild(QLineEdit, "approverPassword").setText(PASSWORD)
    _ok(run)
    wait_idle(qtbot, worker)
    wait_idle(qtbot, worker)
    assert destruction.register_model.rowCount() == 1
    assert destruction.register_model.cells(destruction.register_model.items[0])[4] == "tweede"
    done = in_session(worker, lambda s: s.scalar(select(func.count()).select_from(AnonymisedCase)))
    assert done == 1
    named = in_session(
        worker,
        lambda s: s.scalar(
            select(func.count()).select_from(Person).where(Person.last_name.is_not(None))
        ),
    )
    assert named >= 1  # the held case keeps its people
    page.grab().save("/tmp/h18r_destruction_done.png")

    destruction.print_register(tmp_path / "register.pdf")
    wait_idle(qtbot, worker)
    text = PdfReader(tmp_path / "register.pdf").pages[0].extract_text()
    assert "Vernietigingsregister" in text and "tweede" in text

    # The run confirmed the periods.
    page.tabs.setCurrentWidget(periods)
    wait_idle(qtbot, worker)
    assert not periods.notice.isVisible()
    page.grab().save("/tmp/h18r_periods.png")


def test_a_manager_has_no_retention_tabs(qtbot: QtBot, db: Database, worker: DbWorker) -> None:
    people = _cases(db)
    page = AdminPage(make_ctx(worker, db, people["directie"]))
    qtbot.addWidget(page)
    assert page.periods_tab is None and page.destruction_tab is None
