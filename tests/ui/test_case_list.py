"""The lazy case list model and the cases page: paging, rows in batches, filters, search."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.services import demo
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.services.case_queries import CaseFilter
from ikodesk.storage import Database
from ikodesk.ui.cases.case_list import CaseListModel
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx, wait_idle


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """A small demo year (about 540 cases), made once for the module."""
    from tests.conftest import TEST_PASSPHRASE

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    demo.populate(db, [2024], scale=0.05, until=date(2024, 12, 31))
    db.close()
    return path  # type: ignore[return-value]


@pytest.fixture
def demo_db(demo_template: Database, tmp_path) -> Database:  # type: ignore[no-untyped-def]
    import shutil

    from tests.conftest import TEST_PASSPHRASE

    target = tmp_path / "demo.db"
    for suffix in ("", ".keyinfo.json"):
        shutil.copy(str(demo_template) + suffix, str(target) + suffix)
    db = Database.open(target, passphrase=TEST_PASSPHRASE)
    yield db
    db.close()


def _actor(worker: DbWorker, username: str) -> Actor:
    from ikodesk.services import users

    def get(s: Session) -> Actor:
        u = users.get_user(s, username)
        return Actor(u.id, u.username, u.role)

    return in_session(worker, get)


def _model(qtbot: QtBot, worker: DbWorker, actor: Actor, **kw: int) -> CaseListModel:
    model = CaseListModel(worker, actor, **kw)
    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        model.reload()
    return model


def test_model_passes_the_model_tester(
    qtbot: QtBot,
    qtmodeltester,
    demo_db: Database,
    worker: DbWorker,  # type: ignore[no-untyped-def]
) -> None:
    worker.adopt_app(Application(demo_db))
    actor = _actor(worker, "jdevries")
    model = _model(qtbot, worker, actor, page_size=50, row_batch=40)
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected: the pages and rows it asked for arrive later, and every
    # insert and change signal they cause is checked too.
    for _ in range(10):
        wait_idle(qtbot, worker)
        if not model.canFetchMore() and not model.is_loading():
            break
        model.fetchMore()
    assert model.rowCount() > 500


@pytest.mark.slow
def test_ids_come_page_by_page_and_rows_in_batches(
    qtbot: QtBot, demo_db: Database, worker: DbWorker
) -> None:
    worker.adopt_app(Application(demo_db))
    actor = _actor(worker, "jdevries")
    total = in_session(worker, lambda s: int(s.scalar(select(func.count()).select_from(Case))))
    model = _model(qtbot, worker, actor, page_size=50, row_batch=40, cache_limit=100)
    assert model.rowCount() == 50  # the first page only
    assert model.loaded_rows() == 40  # the first batch came with it
    qtbot.waitUntil(lambda: model.total == total)
    # A row not yet loaded shows a placeholder and is fetched with its neighbours.
    assert model.data(model.index(45, 0)) == "…"
    with qtbot.waitSignal(model.rows_loaded, timeout=10_000):
        pass
    assert model.row_data(45) is not None
    assert model.loaded_rows() <= 100
    # fetchMore grows the list until every id is there; pages double.
    pages = 1
    while model.canFetchMore():
        model.fetchMore()
        wait_idle(qtbot, worker)
        pages += 1
    assert model.rowCount() == total
    assert pages <= 6  # 50 + 100 + 200 + 400: not total/50 round trips
    # Scrolling far: the cache stays bounded.
    for row in range(0, total, 37):
        model.data(model.index(row, 0))
        wait_idle(qtbot, worker)
    assert model.loaded_rows() <= 100
    # List order is opening date, newest first: the first row is the newest
    # case and the last the oldest (each loaded on demand: the cache is small).
    newest, oldest = in_session(
        worker,
        lambda s: tuple(s.execute(select(func.max(Case.opened), func.min(Case.opened))).one()),
    )
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.row_data(0) is not None, timeout=10_000)
    first = model.row_data(0)
    assert first is not None and first.opened == newest
    model.data(model.index(total - 1, 0))
    qtbot.waitUntil(lambda: model.row_data(total - 1) is not None, timeout=10_000)
    last = model.row_data(total - 1)
    assert last is not None and last.opened == oldest


def test_filters_and_sorting(qtbot: QtBot, demo_db: Database, worker: DbWorker) -> None:
    worker.adopt_app(Application(demo_db))
    actor = _actor(worker, "jdevries")
    model = _model(qtbot, worker, actor, page_size=1000)
    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        model.set_filter(CaseFilter(line=2, status="open"))
    expected = in_session(
        worker,
        lambda s: int(s.scalar(select(func.count()).where(Case.line == 2, Case.closed.is_(None)))),
    )
    assert model.rowCount() == expected > 0
    for row in range(model.rowCount()):
        model.data(model.index(row, 0))
    wait_idle(qtbot, worker)
    line, status = model.column("line"), model.column("status")
    assert all(model.data(model.index(r, line)) == "2" for r in range(model.rowCount()))
    assert all(model.data(model.index(r, status)) == "open" for r in range(model.rowCount()))

    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        model.sort(0, Qt.SortOrder.AscendingOrder)  # by reference
    refs = [model.data(model.index(r, 0)) for r in range(min(40, model.rowCount()))]
    wait_idle(qtbot, worker)
    refs = [model.data(model.index(r, 0)) for r in range(min(40, model.rowCount()))]
    assert refs == sorted(refs)


def test_cases_page_search_as_you_type_and_open(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    ctx = make_ctx(worker, sample_cases, people["jdevries"], "J. de Vries")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.cases_page
    assert page is not None and window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)  # Line 2 by default for jurists
    qtbot.waitUntil(lambda: "2 zaken" in page.count_label.text())
    # The filters' choices arrive from the worker on their own schedule.
    qtbot.waitUntil(
        lambda: page.handler_filter.count() > 1 and page.year_filter.findData(2024) >= 0
    )

    window.focus_search()
    # A child's name typed without its diacritics (Çağan). (QTest cannot type "ğ".)
    qtbot.keyClicks(page.search, "Cagan")
    assert page.model.filter.text == ""  # throttled: nothing yet
    qtbot.waitUntil(lambda: page.model.filter.text == "Cagan", timeout=3_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 0)) == "2024-L2-00018")
    assert page.model.data(page.model.index(0, page.model.column("requester"))) == "Mehmet Öztürk"

    page.search.clear()
    qtbot.keyClicks(page.search, "2024-L2-00017")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter: search now, go to the list
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 0)) == "2024-L2-00017")
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.case_windows))
    (form,) = window.case_windows[next(iter(window.case_windows))]
    qtbot.waitUntil(lambda: form.ref == "2024-L2-00017")
    assert form.req_last.text() == "Kowalska"

    # Filters: closed Line 2 cases of 2024.
    page.search.clear()
    page.status_filter.setCurrentIndex(page.status_filter.findData("closed"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 0)) == "2024-L2-00017")


def test_a_search_at_the_match_cap_asks_to_refine(
    qtbot: QtBot,
    worker: DbWorker,
    sample_cases: Database,
    people: dict[str, Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Name searches keep the newest matches only; the count says so instead of a total."""
    from ikodesk.services import case_queries
    from ikodesk.ui.cases import cases_page

    monkeypatch.setattr(case_queries, "MAX_SEARCH_MATCHES", 1)
    monkeypatch.setattr(cases_page, "MAX_SEARCH_MATCHES", 1)
    ctx = make_ctx(worker, sample_cases, people["jdevries"], "J. de Vries")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.cases_page
    assert page is not None
    qtbot.waitUntil(lambda: "2 zaken" in page.count_label.text())
    page.search.setText("Cagan")
    page.apply_filter()
    qtbot.waitUntil(lambda: "verfijn de zoekopdracht" in page.count_label.text())
    assert page.count_label.text() == "1 of meer zaken: verfijn de zoekopdracht"
