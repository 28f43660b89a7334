"""Desktop client benchmark: cold start, first paint on 1,000,000 cases, memory.

    .venv/bin/python benchmarks/bench_ui.py [--cases 1000000] [--dir /tmp/ikodesk-bench-ui]

Prints:
- cold start to the login window (a new process: interpreter, imports, unlock
  with the key from the keyring, login dialog shown; target <= 1.5 s), for a
  keyring database and for a passphrase database (SQLCipher's KDF included);
- the case list's first paint on N cases (target <= 0.2 s): from opening the
  Zaken page to a painted table with rows, as a jurist, all lines;
- memory (RSS) at the first paint and after scrolling to the end of the list,
  and how long getting to the end took.

The 1,000,000-case database is made once with direct inserts (cases, their
requesters, children for Line 2) and cached in --dir; the full-text search
index is left empty there (search is not measured). The OS keyring is never
used: a file keyring inside --dir stands in for it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from keyring.backend import KeyringBackend

PASSPHRASE = "bench-ui-wachtwoordzin"
PASSWORD = "bench-wachtwoord"
KEYRING_ENV = "IKODESK_BENCH_KEYRING"


class FileKeyring(KeyringBackend):
    """A keyring in a JSON file (for the benchmark's child processes)."""

    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ[KEYRING_ENV])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text()))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self._path.write_text(json.dumps(data))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- the databases ----------------------------------------------------------------------


def small_database(path: Path, passphrase: str | None) -> None:
    """A database with users only (for the cold start)."""
    from ikodesk.models.enums import Role
    from ikodesk.services import users
    from ikodesk.services.actors import Actor
    from ikodesk.storage import Database

    if path.is_file():
        return
    db, _ = Database.create(path, passphrase=passphrase)
    with db.transaction() as s:
        users.create_user(s, Actor.key_holder(), "jdevries", Role.JURIST, password=PASSWORD)
    db.close()


def million_database(path: Path, n: int) -> None:
    """N cases by direct inserts: 82% Line 1, the rest Line 2 with one or two children."""
    from sqlalchemy import insert

    from ikodesk.models import Case, Child, Person, User
    from ikodesk.models.enums import LINE2_CODES, CaseCode, Role
    from ikodesk.services import users
    from ikodesk.services.actors import Actor
    from ikodesk.storage import Database

    if path.is_file():
        return
    t = time.perf_counter()
    partial = path.with_name(path.name + ".building")
    for p in path.parent.glob(partial.name + "*"):
        p.unlink()
    db, _ = Database.create(partial, passphrase=PASSPHRASE)
    rng = random.Random(1)
    with db.transaction() as s:
        handlers = []
        for i in range(12):
            role = Role.JURIST if i < 6 else Role.STUDENT
            u = users.create_user(s, Actor.key_holder(), f"behandelaar{i}", role)
            handlers.append((u.id, role))
        users.set_password(s, Actor.key_holder(), "behandelaar0", PASSWORD)
        s.flush()
        jurists = [h for h, r in handlers if r is Role.JURIST]
        students = [h for h, r in handlers if r is Role.STUDENT]
        first = ["Anna", "Małgorzata", "Ayşe", "Fatima", "Chloé", "Piotr", "Çağan", "Jan"]
        last = ["de Vries", "Kowalska", "Öztürk", "El Amrani", "Dubois", "Wiśniewski", "Bakker"]
        countries = ["PL", "TR", "MA", "DE", "BE", "ES", "GB", "US", None]
        start = date(2000, 1, 1)
        days = (date(2025, 12, 31) - start).days
        chunk = 50_000
        seq: dict[tuple[int, int], int] = {}
        for base in range(0, n, chunk):
            cases, persons, children = [], [], []
            for i in range(base, min(n, base + chunk)):
                opened = start + timedelta(days=(i * days) // n)
                line = 1 if rng.random() < 0.82 else 2
                key = (opened.year, line)
                seq[key] = seq.get(key, 0) + 1
                code = CaseCode.TRAVEL_CONSENT if line == 1 else rng.choice(LINE2_CODES)
                closed = opened + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.9 else None
                cases.append(
                    {
                        "id": i + 1,
                        "ref": f"{opened.year}-L{line}-{seq[key]:06d}",
                        "line": line,
                        "code": code,
                        "opened": opened,
                        "closed": closed,
                        "close_reason": "resolved" if closed else None,
                        "handler_id": rng.choice(students if line == 1 else jurists),
                        "country": rng.choice(countries),
                    }
                )
                persons.append(
                    {
                        "case_id": i + 1,
                        "role": "requester",
                        "kind": "parent",
                        "relation": rng.choice(("mother", "father")),
                        "first_name": rng.choice(first),
                        "last_name": rng.choice(last),
                    }
                )
                if line == 2:
                    for pos in range(rng.randint(1, 2)):
                        children.append(
                            {
                                "case_id": i + 1,
                                "position": pos,
                                "first_name": rng.choice(first),
                                "age": rng.randint(0, 17),
                            }
                        )
            s.execute(insert(Case), cases)
            s.execute(insert(Person), persons)
            if children:
                s.execute(insert(Child), children)
            print(f"  {min(n, base + chunk):,} cases written", end="\r", flush=True)
        assert s.get(User, handlers[0][0]) is not None
    db.close()
    for suffix in ("", ".keyinfo.json"):
        os.replace(str(partial) + suffix, str(path) + suffix)
    print(f"  made {n:,} cases in {time.perf_counter() - t:.0f} s ({path})")


# --- measurements ---------------------------------------------------------------------


def cold_start(db: Path, env: dict[str, str], runs: int = 3) -> float:
    """Median seconds from starting a process to the login dialog painted on screen."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child-start", str(db)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        shown = None
        for line in proc.stdout:
            if line.startswith("LOGIN-SHOWN"):
                shown = time.perf_counter() - t
        proc.wait(timeout=120)
        if shown is None:
            raise RuntimeError("the login window did not appear")
        times.append(shown)
    return sorted(times)[len(times) // 2]


def child_start(db: Path) -> int:
    """In a fresh process: start the client on `db` and say when the login is painted."""
    import argparse as ap

    from ikodesk.ui import i18n
    from ikodesk.ui.common.worker import DbWorker
    from ikodesk.ui.login import LoginDialog
    from ikodesk.ui.main import make_application
    from ikodesk.ui.start import StartController

    app = make_application()
    i18n.apply_language("nl")
    worker = DbWorker()
    worker.start()
    controller = StartController(worker, ap.Namespace(db=str(db), demo=False))

    def shown(dialog: object) -> None:
        if isinstance(dialog, LoginDialog):
            dialog.repaint()  # painted now, not at the next turn of the event loop
            print("LOGIN-SHOWN", flush=True)
            app.quit()

    controller.dialog_shown.connect(shown)
    controller.start()
    app.exec()
    worker.stop()
    return 0


def first_paint(db_path: Path, n: int) -> None:
    from PySide6.QtTest import QTest

    from ikodesk.services import users
    from ikodesk.services.actors import Actor
    from ikodesk.services.application import Application
    from ikodesk.storage import Database
    from ikodesk.ui import i18n
    from ikodesk.ui.common.worker import DbWorker
    from ikodesk.ui.context import AppContext, load_database_facts
    from ikodesk.ui.main import make_application
    from ikodesk.ui.main_window import MainWindow

    app = make_application()
    app.setQuitOnLastWindowClosed(False)
    i18n.apply_language("nl")
    db = Database.open(db_path, passphrase=PASSPHRASE)
    with db.session() as s:
        u = users.get_user(s, "behandelaar0")
        actor = Actor(u.id, u.username, u.role)
    facts = load_database_facts(db)
    worker = DbWorker()
    worker.adopt_app(Application(db))
    worker.start()
    painted: list[float] = []
    rss0 = rss_mb()
    t = time.perf_counter()
    window = MainWindow(AppContext(worker, actor, "Benchmark", facts))
    window.resize(1366, 820)
    page = window.cases_page
    assert page is not None

    def on_first_page() -> None:
        page.view.viewport().repaint()  # the paint the user sees
        painted.append(time.perf_counter())

    page.model.first_page_loaded.connect(on_first_page)
    window.show()  # jurists land on Zaken (Line 2): the list loads on activation
    while not painted:
        QTest.qWait(1)
    window_open = painted[0] - t
    QTest.qWait(300)
    # The list itself: all lines, the whole million, from the filter change to the paint.
    painted.clear()
    t = time.perf_counter()
    page.line_filter.setCurrentIndex(0)
    while not painted:
        QTest.qWait(1)
    paint = painted[0] - t
    rows_loaded = page.model.loaded_rows()
    first_row = page.model.row_data(0)
    rss_start = rss_mb()
    while page.model.total is None:
        QTest.qWait(5)
    first_ref = first_row.ref if first_row else "?"
    print(f"main window opened with the case list painted (Line 2): {window_open * 1000:.0f} ms")
    print(
        f"first paint of the case list on {page.model.total:,} cases: {paint * 1000:.0f} ms "
        f"(target <= 200 ms); rows shown with data: {rows_loaded}, the first {first_ref}"
    )

    t = time.perf_counter()
    view = page.view
    while page.model.canFetchMore() or page.model.is_loading():
        view.scrollToBottom()
        QTest.qWait(1)
    view.scrollToBottom()
    last = page.model.rowCount() - 1
    while page.model.row_data(last) is None:
        QTest.qWait(5)
    view.viewport().repaint()
    to_end = time.perf_counter() - t
    rss_end = rss_mb()
    print(
        f"scrolled to the end ({page.model.rowCount():,} rows) in {to_end:.1f} s; "
        f"rows held in memory: {page.model.loaded_rows():,}"
    )
    print(
        f"memory (RSS): before the list {rss0:.0f} MB, at first paint {rss_start:.0f} MB, "
        f"at the end {rss_end:.0f} MB (+{rss_end - rss_start:.0f} MB for {n:,} ids)"
    )
    window.close()
    worker.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ikodesk-bench-ui"))
    parser.add_argument("--child-start", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.child_start:  # the parent says where its keyring file is (bench_table's own dir)
        os.environ.setdefault(KEYRING_ENV, str(args.dir / "keyring.json"))
    else:
        os.environ[KEYRING_ENV] = str(args.dir / "keyring.json")
    import keyring

    keyring.set_keyring(FileKeyring())
    if args.child_start:
        return child_start(args.child_start)

    keyring_db = args.dir / "start-keyring.db"
    passphrase_db = args.dir / "start-passphrase.db"
    small_database(keyring_db, None)
    small_database(passphrase_db, PASSPHRASE)
    here = str(Path(__file__).resolve().parent)
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "bench_ui.FileKeyring",
        "PYTHONPATH": here + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "XDG_CONFIG_HOME": str(args.dir / "config"),
    }
    env.pop("IKODESK_PASSPHRASE", None)
    print(
        f"cold start to the login window (keyring key): {cold_start(keyring_db, env):.2f} s "
        "(target <= 1.5 s)"
    )
    env_pp = {**env, "IKODESK_PASSPHRASE": PASSPHRASE}
    print(
        f"cold start to the login window (passphrase, KDF included): "
        f"{cold_start(passphrase_db, env_pp):.2f} s"
    )

    million = args.dir / f"cases-{args.cases}.db"
    million_database(million, args.cases)
    first_paint(million, args.cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
