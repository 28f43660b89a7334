"""Four `ikodesk import`s of disjoint files at the same time on one office server: all land.

Each file holds its own new cases with a contact moment each, its own users and
a user every file names (made once, matched by the others), and one side of
two families whose other side is in another file: the conflicts are found
across the imports although they ran at the same moment.
IKODESK_IMPORT_CASES sets the cases per file (default 100).
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import run_ikodesk
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office

REPO = Path(__file__).resolve().parents[2]
FILES = 4
SHARED = {"type": "user", "username": "jdevries", "name": "J. de Vries", "role": "jurist"}


def _shift(day: str, by: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=by)).isoformat()


def _side(template: dict[str, Any], ref: str, family: int, handler: str) -> dict[str, Any]:
    """One side of family `family`: its own dates, so that it matches only its other side."""
    rec = copy.deepcopy(template)
    rec.update(ref=ref, handler=handler)
    by = 40 * family
    for person in (rec["requester"], rec["other_parent"]):
        person["birth_date"] = _shift(person["birth_date"], by)
    for child in rec["children"]:
        if "birth_date" in child:
            child["birth_date"] = _shift(child["birth_date"], by)
    return rec


def _mother(family: int, handler: str) -> dict[str, Any]:
    return _side(R.ABDUCTION_CASE, f"2024-L2-1{family:04d}", family, handler)


def _father(family: int, handler: str) -> dict[str, Any]:
    return _side(F.FATHER_CASE, f"2024-L2-2{family:04d}", family, handler)


def _file(k: int, cases: int) -> list[dict[str, Any]]:
    jurist, student = f"jurist{k}", f"student{k}"
    records: list[dict[str, Any]] = [
        SHARED,
        {"type": "user", "username": jurist, "name": f"Jurist {k}", "role": "jurist"},
        {"type": "user", "username": student, "name": f"Student {k}", "role": "student"},
    ]
    for i in range(cases):
        ref = f"2024-L1-{k + 1}{i + 1:04d}"
        opened = date(2024, 1, 1) + timedelta(days=i % 365)
        handler = student if i % 2 else SHARED["username"]
        records.append(
            {
                "type": "case",
                "ref": ref,
                "line": 1,
                "code": "travel_consent",
                "opened": opened.isoformat(),
                "handler": handler,
                "country": "ES",
                "requester": {"kind": "parent", "relation": "mother", "last_name": f"B{k}x{i}"},
            }
        )
        records.append(
            {
                "type": "contact",
                "case": ref,
                "at": f"{opened.isoformat()}T10:00",
                "channel": "phone",
                "party": "parent",
                "handler": handler,
                "minutes": 5,
            }
        )
    # The mother of family k here, the father of family k - 1: each family's two
    # sides are in two different files.
    records.append(_mother(k, jurist))
    records.append(_father((k - 1) % FILES, jurist))
    return records


@pytest.mark.slow
def test_four_imports_at_the_same_time_all_land(office: Office, tmp_path: Path) -> None:
    per_file = int(os.environ.get("IKODESK_IMPORT_CASES", "100"))
    paths = []
    for k in range(FILES):
        path = tmp_path / f"bureau{k}.jsonl"
        path.write_text("\n".join(R.lines(*_file(k, per_file))) + "\n", encoding="utf-8")
        paths.append(path)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(REPO / "src"), str(REPO))),
        "IKODESK_PASSWORD": ADMIN_PASSWORD,
    }
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ikodesk", "--db", office.url, "--user", ADMIN, "import", p],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for p in paths
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        assert proc.returncode == 0, err[-2000:]
        assert "Ingelezen in" in out
    elapsed = time.monotonic() - started
    print(f"\n{FILES} imports of {per_file} cases at once: {elapsed:.1f} s")

    with psycopg.connect(office.superuser_url) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(DISTINCT ref) FROM cases), "
            "(SELECT count(*) FROM contacts), (SELECT count(*) FROM users), "
            "(SELECT count(*) FROM audit_log WHERE action = 'import'), "
            "(SELECT count(*) FROM case_openings)"
        ).fetchone()
        pairs = conn.execute(
            "SELECT least(a.ref, b.ref), greatest(a.ref, b.ref), p.status FROM conflict_pairs p "
            "JOIN cases a ON a.id = p.case_a_id JOIN cases b ON b.id = p.case_b_id ORDER BY 1"
        ).fetchall()
        claims = conn.execute(
            "SELECT u.username, c.ref, w.both_sides FROM wall_claims w "
            "JOIN users u ON u.id = w.user_id JOIN cases c ON c.id = w.case_id ORDER BY 2"
        ).fetchall()
    cases = FILES * per_file + 2 * FILES
    users = 1 + 1 + 2 * FILES  # the administrator, the shared user, each file's two
    assert counts == (cases, cases, FILES * per_file, users, FILES, 0)
    assert pairs == [
        (_mother(j, "")["ref"], _father(j, "")["ref"], "conflict") for j in range(FILES)
    ]
    expected_claims = [(f"jurist{j}", _mother(j, "")["ref"], False) for j in range(FILES)]
    expected_claims += [
        (f"jurist{(j + 1) % FILES}", _father(j, "")["ref"], False) for j in range(FILES)
    ]
    assert claims == sorted(expected_claims, key=lambda c: c[1])
    verified = run_ikodesk(
        ["--db", office.url, "--user", ADMIN, "audit", "verify"],
        {"IKODESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert verified.code == 0, verified.err
