"""Mypy strict covers every module of the package (issue #12.5), and the thread guard that
the typing work rewrote (a WeakSet instead of an attribute on SQLAlchemy's Engine) still
guards each engine exactly once. No service test here but the last, which puts the guard
on a real user's connection on both backends (`backend`); the others need no database."""

from __future__ import annotations

import fnmatch
import threading
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from ikodesk.services.application import Application
from ikodesk.ui.common import thread_guard
from tests.support.backends import Backend

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def _modules() -> list[str]:
    names = []
    for path in sorted((SRC / "ikodesk").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_mypy_checks_every_module_strictly() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    packages: list[str] = config.get("packages", [])
    strict = [
        pattern
        for override in config.get("overrides", [])
        if override.get("strict")
        for pattern in (
            [override["module"]] if isinstance(override["module"], str) else override["module"]
        )
    ]
    modules = _modules()
    assert "ikodesk.ui.main_window" in modules and "ikodesk.errors" in modules
    unchecked = [m for m in modules if not any(m == p or m.startswith(p + ".") for p in packages)]
    not_strict = [m for m in modules if not any(fnmatch.fnmatchcase(m, p) for p in strict)]
    assert unchecked == []
    assert not_strict == []


@pytest.fixture
def on_gui_thread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """This thread plays the GUI thread; the violations go to a fresh list."""
    found: list[str] = []
    monkeypatch.setattr(thread_guard, "violations", found)
    monkeypatch.setattr(thread_guard, "_gui_thread_id", threading.get_ident())
    return found


def _app_on(engine: Engine) -> Application:
    """An application whose database is only an engine: all the guard looks at."""

    class Db:
        pass

    db = Db()
    db.engine = engine  # type: ignore[attr-defined]
    return Application(db)  # type: ignore[arg-type]


def test_the_thread_guard_refuses_gui_thread_statements_once_per_engine(
    on_gui_thread: list[str],
) -> None:
    first, second = create_engine("sqlite://"), create_engine("sqlite://")
    thread_guard.install(_app_on(first))
    # Idempotent, also for a second application on the same database (the worker adopts
    # one per login): one listener, one violation per statement.
    thread_guard.install(_app_on(first))
    thread_guard.install(_app_on(second))  # another engine is guarded too
    assert len(first.dispatch.before_cursor_execute) == 1
    assert len(second.dispatch.before_cursor_execute) == 1
    for engine in (first, second):
        with engine.connect() as conn, pytest.raises(AssertionError):
            conn.execute(text("SELECT 1"))
    assert on_gui_thread == [
        "database work on the GUI thread: SELECT",
        "database work on the GUI thread: SELECT",
    ]


def test_an_unguarded_engine_and_other_threads_are_left_alone(on_gui_thread: list[str]) -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    thread_guard.install(_app_on(engine))
    results: list[object] = []

    def work() -> None:
        with engine.connect() as conn:
            results.append(conn.execute(text("SELECT 1")).scalar())

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert results == [1] and on_gui_thread == []


def test_the_guard_watches_a_real_login_on_both_backends(
    backend: Backend, on_gui_thread: list[str]
) -> None:
    """The desktop's guard on a user's own database connection: the file's engine, or
    (on the server) the login's own engine."""
    me = backend.as_("beheer")  # logged in before the guard, as the desktop's worker does
    thread_guard.install(me.app)
    with pytest.raises(AssertionError), me.session() as s:
        s.execute(text("SELECT 1"))
    assert on_gui_thread and all(
        v.startswith("database work on the GUI thread: ") for v in on_gui_thread
    )
    refused = len(on_gui_thread)
    results: list[object] = []

    def work() -> None:
        with me.session() as s:
            results.append(s.scalar(text("SELECT 1")))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert results == [1] and len(on_gui_thread) == refused
