"""Issue #15, point 6: a search result says what matched (which person or child, which field).

A search for "Öztürk" listed Mehmet Aydın first with no visible reason: his
child is Çağan Öztürk. The list now says so in "Gevonden in", typed as a user
types it; a walled case stays out and says nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ikodesk.services import case_queries, exchange
from ikodesk.services.actors import Actor
from ikodesk.services.search_matches import CHILD, REQUESTER, MatchReason, what_matched
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.support import records as R
from tests.ui.conftest import KH, make_ctx

AYDIN = R.case(
    ref="2024-L2-00025",
    opened="2024-08-01",
    closed=...,
    close_reason=...,
    requester={
        "kind": "parent",
        "relation": "father",
        "side": "left_behind",
        "first_name": "Mehmet",
        "last_name": "Aydın",
    },
    other_parent=...,
    children=[{"first_name": "Çağan", "last_name": "Öztürk", "birth_date": "2016-05-05"}],
    country="TR",
    handler="jdevries",
)


def _with_aydin(db: Database) -> Database:
    with db.transaction() as s:
        exchange.import_lines(s, KH, R.lines(AYDIN))
    return db


def test_the_service_names_the_person_and_the_field(
    sample_cases: Database, people: dict[str, Actor]
) -> None:
    db = _with_aydin(sample_cases)
    with db.session() as s:
        result = case_queries.search(s, people["jdevries"], "Ozturk")
    found = {r.ref: r.matched for r in result.rows}
    assert found["2024-L2-00025"] == (MatchReason(CHILD, "Çağan Öztürk", ("last_name",)),)
    assert found["2024-L2-00018"][0] == MatchReason(REQUESTER, "Mehmet Öztürk", ("last_name",))
    with db.session() as s:
        ids = [r.id for r in result.rows]
        assert what_matched(s, ids, "") == {}
        by_ref = what_matched(s, ids, "2024-L2-0002")
    assert list(by_ref.values()) == [(MatchReason("ref", "", ("ref",)),)]


def test_the_list_says_why_a_case_was_found(
    qtbot: QtBot, sample_cases: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    db = _with_aydin(sample_cases)
    window = MainWindow(make_ctx(worker, db, people["jdevries"], "J. de Vries"))
    qtbot.addWidget(window)
    window.show()
    page = window.cases_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    column = page.model.column("matched")
    assert page.view.isColumnHidden(column)  # nothing to say without a search

    window.focus_search()
    qtbot.keyClicks(page.search, "Ozturk")  # typed without the diacritics
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)

    def shown() -> dict[str, str]:
        model = page.model
        return {
            model.data(model.index(r, 0)): model.data(model.index(r, column))
            for r in range(model.rowCount())
        }

    qtbot.waitUntil(lambda: all(shown().values()))
    assert not page.view.isColumnHidden(column)
    assert shown() == {
        "2024-L2-00025": "kind Çağan Öztürk (achternaam)",
        "2024-L2-00018": "hoofdbetrokkene (achternaam)",  # the name is in the next column
    }
    # Both are readable on screen: neither column is squeezed to "…" by the other.
    char = page.fontMetrics().averageCharWidth()
    requester_width = page.view.columnWidth(page.model.column("requester"))
    assert requester_width >= 20 * char
    assert page.view.columnWidth(column) >= page.fontMetrics().horizontalAdvance(
        "kind Çağan Öztürk (achternaam)"
    )
    assert page.model.data(page.model.index(0, column), Qt.ItemDataRole.ToolTipRole) == (
        "kind Çağan Öztürk (achternaam)"
    )
    requester = page.model.column("requester")
    first = page.model.data(page.model.index(0, 0))
    assert first == "2024-L2-00025"
    assert page.model.data(page.model.index(0, requester)) == "Mehmet Aydın"
    page.search.clear()
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.isColumnHidden(column))
