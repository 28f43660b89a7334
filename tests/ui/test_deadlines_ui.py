"""Issue #17 on screen: the case window's clocks with their colours and the Art. 35 line,
the Termijnen page (jurist and management), the login line, and the court hearing the
Mediation Bureau sees. Real widgets, a real worker and SQLCipher database."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.models.enums import MediationKind, ReferredBy
from ikodesk.services import exchange
from ikodesk.services import mediation as med
from ikodesk.services.actors import Actor
from ikodesk.services.deadlines import add_years
from ikodesk.services.mediation import RequestData
from ikodesk.services.validation import ChildData
from ikodesk.storage import Database
from ikodesk.ui.cases.case_form import CaseWindow
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.deadlines.deadlines_page import CountsModel, DeadlinesModel
from ikodesk.ui.main_window import MainWindow
from ikodesk.ui.mediation.mediation_form import MediationWindow
from tests.support import records as R
from tests.ui.conftest import KH, in_session, make_ctx, wait_idle

TIMEOUT = 10_000
TODAY = date.today()
RED, AMBER, GREEN = "#b00020", "#7a4a00", "#1d5e20"
REF = "2024-L2-00100"


def _iso(d: date) -> str:
    return d.isoformat()


def _running_case(db: Database) -> None:
    """An open abduction case of jdevries: the one-year mark in 5 days (red), the child's
    16th birthday in 20 days (amber). Poland acceded; the Dutch acceptance is unknown."""
    removal = add_years(TODAY + timedelta(days=5), -1)
    record = R.case(
        ref=REF,
        opened=_iso(removal + timedelta(days=10)),
        closed=...,
        close_reason=...,
        removal_date=_iso(removal),
        children=[
            {
                "first_name": "Ola",
                "last_name": "Kowalska",
                "birth_date": _iso(add_years(TODAY + timedelta(days=20), -16)),
            }
        ],
    )
    with db.transaction() as s:
        exchange.import_lines(s, KH, R.lines(record))


def _main(qtbot: QtBot, worker: DbWorker, db: Database, actor: Actor) -> MainWindow:
    window = MainWindow(make_ctx(worker, db, actor))
    qtbot.addWidget(window)
    window.show()
    return window


def _case_id(worker: DbWorker) -> int:
    return in_session(worker, lambda s: s.scalar(select(Case.id).where(Case.ref == REF)))


def _clocks(form: CaseWindow) -> str:
    return form.clock_section.clock_list.text()


def _retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def test_the_case_window_shows_each_running_clock_with_its_colour(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    _running_case(sample_cases)
    window = _main(qtbot, worker, sample_cases, people["jdevries"])
    form = window.open_case(_case_id(worker))
    qtbot.waitUntil(lambda: not form.is_loading(), timeout=TIMEOUT)
    section = form.clock_section
    qtbot.waitUntil(lambda: "nog 5 dagen" in _clocks(form), timeout=TIMEOUT)
    assert section.isVisibleTo(form)
    text = _clocks(form)
    one_year = (TODAY + timedelta(days=5)).strftime("%d-%m-%Y")
    assert one_year in text and "Eén jaar na de ontvoering (art. 12 HKOV)" in text
    assert "nog 20 dagen" in text and "kind 1 (Ola)" in text
    # Red within 7 days, amber within 30, each next to its own days.
    assert text.index(RED) < text.index("nog 5 dagen") < text.index(AMBER)
    assert text.index(AMBER) < text.index("nog 20 dagen")
    assert "geworteld" in text  # the explanation of the one-year mark
    # Poland acceded; the Dutch acceptance is not in the reference data: said plainly,
    # with how an administrator records it.
    assert section.convention.text().startswith("Niet vast te stellen of het")
    assert "Beheer › Referentiegegevens" in section.convention.text()
    assert section.convention.isVisibleTo(form)

    # Proceedings filed five days ago: the one-year clock stops, the six weeks run.
    filed = TODAY - timedelta(days=5)
    _retype(qtbot, section.proceedings.edit, filed.strftime("%d-%m-%Y"))
    qtbot.waitUntil(lambda: "nog 37 dagen" in _clocks(form), timeout=TIMEOUT)
    text = _clocks(form)
    assert "art. 12" not in text and "Brussel IIb" in text  # Poland: both EU states
    assert GREEN in text

    # A country that is no party: the window says so plainly.
    form.country.edit.setFocus()
    form.country.edit.clear()
    qtbot.keyClicks(form.country.edit, "Verenigde Arabische Emiraten")
    qtbot.keyClick(form.country.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: "geen partij" in section.convention.text(), timeout=TIMEOUT)
    assert section.convention.text().startswith("Let op")
    assert RED in section.convention.styleSheet()

    # Saved: the dates are stored with the case.
    form.country.edit.clear()
    qtbot.keyClicks(form.country.edit, "Polen")
    qtbot.keyClick(form.country.edit, Qt.Key.Key_Escape)
    form.activateWindow()
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = in_session(
        worker,
        lambda s: s.execute(
            select(Case.removal_date, Case.proceedings_started).where(Case.ref == REF)
        ).one(),
    )
    assert tuple(stored) == (add_years(TODAY + timedelta(days=5), -1), filed)

    # Another code: access cases have no clocks, the dates are not offered.
    index = form.code.findText("Internationale omgang")
    form.code.setCurrentIndex(index)
    assert not section.isVisibleTo(form)
    form.discard_and_close()


def test_the_termijnen_page_and_the_login_line(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    _running_case(sample_cases)
    window = _main(qtbot, worker, sample_cases, people["jdevries"])
    line = window.due_soon
    qtbot.waitUntil(lambda: line.isVisibleTo(window), timeout=TIMEOUT)
    assert "1 termijn binnen 7 dagen" in line.text()
    page = window.deadlines_page
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        line.linkActivated.emit("#deadlines")
    assert window.pages.currentWidget() is page
    model = page.model
    assert isinstance(model, DeadlinesModel)
    rows = [model.cells(item) for item in model.items]
    assert [r[2] for r in rows] == [REF, REF]  # soonest first: the one-year mark, then age 16
    assert rows[0][1] == "nog 5 dagen" and rows[1][1] == "nog 20 dagen"
    assert rows[1][6] == "kind 1"  # a position, never a name
    colour = model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(colour, QBrush) and colour.color().name() == "#fde4e7"
    assert "art. 12" in model.data(model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    # Enter opens the case.
    page.view.setFocus()
    page.view.setCurrentIndex(model.index(0, 0))
    with qtbot.waitSignal(page.open_case_requested, timeout=TIMEOUT) as opened:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert opened.args == [_case_id(worker)]
    wait_idle(qtbot, worker)
    for w in list(window.case_windows.get(opened.args[0], [])):
        w.discard_and_close()


def test_another_jurist_sees_none_of_them_and_management_counts_only(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    _running_case(sample_cases)
    window = _main(qtbot, worker, sample_cases, people["kvisser"])
    page = window.deadlines_page
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT):
        window.show_page(page)
    assert page.model.items == [] and not window.due_soon.isVisibleTo(window)
    window.close()

    manager = _main(qtbot, worker, sample_cases, people["directie"])
    counts = manager.deadlines_page
    assert counts is not None and isinstance(counts.model, CountsModel)
    with qtbot.waitSignal(counts.loaded, timeout=TIMEOUT):
        manager.show_page(counts)
    cells = {c[0]: c[1:] for c in (counts.model.cells(i) for i in counts.model.items)}
    assert cells["Eén jaar na de ontvoering (art. 12 HKOV)"] == ["0", "1", "1", "1"]
    assert all(REF not in " ".join(c) for c in cells.values())


def test_the_bureau_sees_the_days_until_the_hearing(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    from ikodesk.models.enums import Role
    from ikodesk.services import users
    from tests.ui.conftest import PASSWORD

    def setup(s: Session) -> tuple[Actor, int]:
        u = users.create_user(s, KH, "wbureau", Role.MEDIATION, name="W. H.", password=PASSWORD)
        bureau = Actor(u.id, u.username, u.role)
        detail = med.register_request(
            s,
            bureau,
            RequestData(
                kind=MediationKind.IKO,
                requested=TODAY - timedelta(days=3),
                referred_by=ReferredBy.COURT,
                children=[ChildData(birth_date=date(2017, 9, 1))],
                court_hearing=TODAY + timedelta(days=10),
            ),
        )
        return bureau, detail.id

    with sample_cases.transaction() as s:
        bureau, mid = setup(s)
    ctx = make_ctx(worker, sample_cases, bureau)
    form = MediationWindow(ctx, mid)  # deletes itself on close
    form.show()
    qtbot.waitUntil(lambda: form.detail is not None, timeout=TIMEOUT)
    hearing = form.request.hearing
    assert hearing.isVisibleTo(form)
    assert hearing.text().startswith("Zitting over 10 dagen")
    assert "nog niet gestart" in hearing.text()
    assert form.request.court_hearing.text() == (TODAY + timedelta(days=10)).strftime("%d-%m-%Y")
    # The hearing row is offered for court referrals only.
    form.referred_by.setCurrentIndex(form.referred_by.findData(ReferredBy.LAWYER.value))
    assert not form.request.court_hearing.isVisibleTo(form)
    form.discard_and_close()
