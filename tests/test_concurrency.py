"""Several processes on one database (issue #11, point 16), with real processes.

An import used to kill a search or `case show` running beside it with "interne
fout" (rc 70: "database is locked", because reading a dossier writes its audit
entry and opening), and a second import beside the first died the same way.
Writers now wait for each other; when waiting is not enough the message says
the database is busy and that nothing was written (rc 2).

File-only: SQLite's one write lock per file and its busy timeout, across processes.
The office server has no database-wide write lock (PostgreSQL's row locks and
MVCC): its concurrent desks, two clients saving one case and concurrent imports
are tests/pg/test_server_concurrency.py and tests/pg/test_server_import_concurrency.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ikodesk.errors import DatabaseBusy
from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, database
from tests.conftest import REPO, TEST_PASSPHRASE
from tests.support import records as R

pytestmark = pytest.mark.slow  # Separate processes writing and reading at once.

PASSWORD = "Zoekende-jurist-op-dinsdag-42"
ADMIN_PASSWORD = "Zeventien-vogels-in-de-mei-wind"
CASES_PER_IMPORT = 2000

# Another process that searches and opens a dossier again and again until told to
# stop, each through the real command line; prints one JSON line per command.
READER = """
import contextlib, io, json, os, sys, time
from ikodesk.app import main
db, stop = sys.argv[1], sys.argv[2]
while not os.path.exists(stop):
    for argv in (["search", "2024-L2-00017"], ["case", "show", "2024-L2-00017"]):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            started = time.monotonic()
            code = main(["--db", db, "--user", "jdevries", *argv])
        print(json.dumps({"argv": argv, "code": code, "err": err.getvalue(),
                          "s": round(time.monotonic() - started, 2)}), flush=True)
"""


def _env(password: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(REPO / "src"), str(REPO))),
        "IKODESK_PASSWORD": password,
        "IKODESK_PASSPHRASE": TEST_PASSPHRASE,
    }


def _big_file(path: Path, first: int) -> None:
    records = []
    for i in range(first, first + CASES_PER_IMPORT):
        ref = f"2024-L2-{i:05d}"
        records.append(
            R.case(
                ref=ref,
                requester={
                    "kind": "parent",
                    "relation": "mother",
                    "side": "left_behind",
                    "first_name": f"Voornaam{i}",
                    "last_name": f"Achternaam{i}",
                },
                other_parent={"relation": "father", "first_name": f"V{i}", "last_name": f"F{i}"},
                children=[{"first_name": f"Kind{i}", "last_name": f"F{i}", "age": 7}],
            )
        )
        records.append({**R.CONTACT, "case": ref})
    path.write_text("\n".join(R.lines(*records)) + "\n", encoding="utf-8")


def _import(db: Path, source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ikodesk",
            "--db",
            str(db),
            "--user",
            "beheer",
            "import",
            str(source),
        ],
        env=_env(ADMIN_PASSWORD),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _case_count(cli, db: Path) -> int:
    res = cli(["--db", db, "info"], env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE})
    assert res.code == 0, res.err
    return int(next(ln.split()[-1] for ln in res.out.splitlines() if ln.startswith("Zaken:")))


def test_imports_and_readers_at_the_same_time(cli, tmp_path: Path) -> None:
    db = tmp_path / "samen.db"
    database, _ = Database.create(db, passphrase=TEST_PASSPHRASE)
    with database.transaction() as s:
        exchange.import_lines(s, Actor.key_holder(), R.lines(*R.USERS, R.ABDUCTION_CASE))
        users.create_user(s, Actor.key_holder(), "beheer", Role.ADMIN, password=ADMIN_PASSWORD)
        users.set_password(s, Actor.key_holder(), "jdevries", PASSWORD)
    database.close()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _big_file(first, 20000)
    _big_file(second, 30000)

    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        env=_env(PASSWORD),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    imports = [_import(db, first), _import(db, second)]
    try:
        outcomes = [(*p.communicate(timeout=90), p.returncode) for p in imports]
    finally:
        stop.touch()
        reader_out, reader_err = reader.communicate(timeout=60)
    elapsed = time.monotonic() - started

    # No process ended in an internal error; every refusal to wait longer says "bezet".
    assert "Traceback" not in reader_err, reader_err
    reads = [json.loads(line) for line in reader_out.splitlines()]
    # Readers keep getting answers (each read is audited, so it waits for the
    # importer's write lock, within the busy timeout); how many fit in depends on
    # the machine's load, so only that they were not starved.
    assert len(reads) >= 2, (reads, reader_err)
    for r in reads:
        assert r["code"] in (0, 2), r
        if r["code"] == 2:
            assert "bezet" in r["err"] and "niets opgeslagen" in r["err"], r
    assert any(r["code"] == 0 for r in reads if r["argv"][0] == "case")
    # Both imports land, or the second says busy and wrote nothing.
    landed = 0
    for out, err, code in outcomes:
        assert code in (0, 2), err
        if code == 0:
            assert f"{CASES_PER_IMPORT:,}".replace(",", ".") + " zaken nieuw" in out
            landed += 1
        else:
            assert DatabaseBusy.MESSAGE in err
    assert landed >= 1
    assert _case_count(cli, db) == 1 + landed * CASES_PER_IMPORT
    verify = cli(["--db", db, "audit", "verify"], env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE})
    assert verify.code == 0 and "intact" in verify.out
    assert elapsed < 60


def test_a_lock_held_too_long_is_busy_and_nothing_is_written(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock longer than we wait: rc 2, nothing written."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 1000)  # this process waits 1 s
    db = tmp_path / "bezet.db"
    env = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": ADMIN_PASSWORD}
    assert cli(["--db", db, "init", "--admin", "beheer"], env=env).code == 0
    source = tmp_path / "een.jsonl"
    source.write_text("\n".join(R.lines(*R.USERS, R.ABDUCTION_CASE)), encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from ikodesk.storage import Database\n"
            "from sqlalchemy import text\n"
            "db = Database.open(sys.argv[1], passphrase=sys.argv[2])\n"
            "with db.transaction() as s:\n"
            "    s.execute(text(\"UPDATE meta SET value = value WHERE key = 'created'\"))\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(30)\n",
            str(db),
            TEST_PASSPHRASE,
        ],
        env=_env(ADMIN_PASSWORD),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        res = cli(["--db", db, "--user", "beheer", "import", source], env=env)
        show = cli(
            [
                "--db",
                db,
                "--user",
                "beheer",
                "user",
                "add",
                "x",
                "--role",
                "jurist",
                "--no-password",
            ],
            env=env,
        )
    finally:
        holder.kill()
        holder.communicate()
    assert res.code == 2, res.err
    assert res.err.strip() == f"Fout: {DatabaseBusy.MESSAGE}"
    assert show.code == 2 and "bezet" in show.err
    res = cli(["--db", db, "info"], env=env)
    assert "Zaken:            0" in res.out and "Gebruikers:       1" in res.out
