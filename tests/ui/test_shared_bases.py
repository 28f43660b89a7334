"""The shared UI bases: the dialog that submits on the worker, and the pick list on ListModel.

Real widgets, offscreen, with a real worker on a real database: the jobs here do not
touch the database, but they run on the worker thread as the dialogs' jobs do.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ikodesk.errors import AccessDenied, ValidationError
from ikodesk.services.mediators import MediatorRow
from ikodesk.services.validation import FieldProblem
from ikodesk.storage import Database
from ikodesk.ui.common.submit_dialog import SubmitDialog
from ikodesk.ui.common.tables import ListModel
from ikodesk.ui.common.worker import AppJob, DbWorker
from ikodesk.ui.context import AppContext
from ikodesk.ui.mediation.mediation_steps import StepDialog
from ikodesk.ui.mediation.mediator_pick import MediatorPickModel
from ikodesk.ui.mediation.mediator_pool import MediatorDialog
from tests.ui.conftest import KH, make_ctx, wait_idle

TIMEOUT = 10_000


class NameDialog(SubmitDialog):
    """The smallest submitting dialog: one field, a job the test chooses."""

    def __init__(self, ctx: AppContext, run: Any) -> None:
        super().__init__(ctx)
        self.run = run
        self.runs = 0
        layout = QVBoxLayout(self)
        self.name = QLineEdit()
        layout.addWidget(self.errors.wrap(self.name, "name"))
        layout.addWidget(self.message)
        layout.addWidget(self.add_buttons("&Opslaan", "Annuleren"))

    def job(self) -> AppJob:
        if not self.name.text():
            self.problems.append(FieldProblem("name", "verplicht"))
        text = self.name.text()

        def job(_app: Any) -> Any:
            self.runs += 1
            return self.run(text)

        return job


def _dialog(qtbot: QtBot, worker: DbWorker, db: Database, run: Any) -> NameDialog:
    dialog = NameDialog(make_ctx(worker, db, KH), run)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_both_submitting_dialogs_share_the_base() -> None:
    assert issubclass(StepDialog, SubmitDialog)
    assert issubclass(MediatorDialog, SubmitDialog)
    assert issubclass(MediatorPickModel, ListModel)


def test_a_problem_found_before_running_runs_nothing(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    dialog = _dialog(qtbot, worker, db, lambda text: text)
    dialog.ok.click()
    wait_idle(qtbot, worker)
    assert dialog.runs == 0
    assert dialog.errors.text("name") == "Verplicht"
    assert dialog.isVisible() and dialog.ok.isEnabled() and not dialog.busy


def test_a_field_problem_of_the_service_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    def refuse(_text: str) -> None:
        raise ValidationError({"name": "bestaat al", "elders": "niet hier"})

    dialog = _dialog(qtbot, worker, db, refuse)
    dialog.name.setText("M. Jansen")
    with qtbot.assertNotEmitted(dialog.stored):
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    assert dialog.runs == 1
    assert dialog.errors.text("name") == "Bestaat al"
    # A problem of a field the dialog does not have goes to the message line.
    assert not dialog.message.isHidden() and dialog.message.text() == "Niet hier."
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name.text() == "M. Jansen" and not dialog.busy


def test_a_foreseeable_refusal_is_a_sentence_on_the_message_line(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    def refuse(_text: str) -> None:
        raise AccessDenied("U mag dit niet.")

    dialog = _dialog(qtbot, worker, db, refuse)
    dialog.name.setText("x")
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.message.isHidden(), timeout=TIMEOUT)
    assert dialog.message.text() == "U mag dit niet."
    assert dialog.isVisible() and dialog.ok.isEnabled()


def test_a_second_press_while_busy_runs_the_job_once_and_stores_once(
    qtbot: QtBot, db: Database, worker: DbWorker
) -> None:
    release = threading.Event()

    def slow(text: str) -> str:
        release.wait(TIMEOUT / 1000)
        return text.upper()

    dialog = _dialog(qtbot, worker, db, slow)
    dialog.name.setText("jansen")
    stored: list[Any] = []
    dialog.stored.connect(stored.append)
    dialog.ok.click()
    assert dialog.busy and not dialog.ok.isEnabled()
    dialog.submit()  # Enter pressed again, or a shortcut: ignored while busy
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    wait_idle(qtbot, worker)
    assert dialog.runs == 1
    assert stored == ["JANSEN"]
    assert dialog.result() == QDialog.DialogCode.Accepted


def _row(id_: int, name: str, *, active: bool = True, cbfm: bool = False) -> MediatorRow:
    return MediatorRow(id_, name, cbfm, ("nl", "pl"), active, id_ * 2)


def test_the_pick_list_shows_cells_and_ticks_in_the_order_ticked(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    model = MediatorPickModel(2024, parent)
    assert model.headers[3] == "Zaken in 2024"
    model.set_rows([_row(1, "M. Jansen", cbfm=True), _row(2, "K. Nowak", active=False)])
    assert model.rowCount() == 2 and model.columnCount() == 4
    display = Qt.ItemDataRole.DisplayRole
    assert [model.data(model.index(0, c), display) for c in (0, 2, 3)] == ["M. Jansen", "ja", "2"]
    assert model.data(model.index(1, 0), display) == "K. Nowak (inactief)"
    assert model.data(model.index(1, 2), display) == ""
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsUserCheckable

    check = Qt.ItemDataRole.CheckStateRole
    with qtbot.waitSignal(model.picked_changed):
        assert model.setData(model.index(1, 0), Qt.CheckState.Checked.value, check)
    model.toggle(0, True)
    assert model.picked == [2, 1]
    assert model.picked_names() == ["K. Nowak", "M. Jansen"]
    assert model.data(model.index(0, 0), check) == Qt.CheckState.Checked
    assert model.data(model.index(0, 1), check) is None
    assert not model.setData(model.index(0, 1), Qt.CheckState.Checked.value, check)
    with qtbot.assertNotEmitted(model.picked_changed):
        model.toggle(0, True)  # already picked: nothing changes
    model.toggle(1, False)
    assert model.picked_names() == ["M. Jansen"]
    # Names of the picked survive a filter that hides their rows.
    model.set_rows([])
    assert model.rows == [] and model.picked_names() == ["M. Jansen"]
