"""An import's memory does not grow with the file (issue #16, point 2).

The import reads the file twice and keeps only keys between the passes; the
records are written in batches inside the one transaction. A generated file of
200,000 records is imported in a fresh process, whose peak resident memory as
the OS reports it (ru_maxrss) must stay under a ceiling. Before the streaming
import, ten years of demo data (348,000 records) peaked at 975 MB; this file
now peaks at about 350 MB, of which some 130 MB is the interpreter with its
modules and an open database. What still grows with the file is small per
case: the ids given out and the family-matching keys (benchmarks/bench_table.py).

File-only: the import's two streaming passes are measured on the embedded file; the server
import reads the same passes (tests/pg/test_server_import.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import REPO, TEST_PASSPHRASE
from tests.support import records as R

RECORDS = 200_000
CEILING_MB = 400

# The peak as the OS reports it for this process: VmHWM in /proc/self/status (Linux;
# ru_maxrss survives exec on Linux, so a child of a large pytest worker would start
# at the worker's size), else ru_maxrss.
IMPORT = """
import json, resource, sys
from pathlib import Path
from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
def peak_kb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
db, _ = Database.create(Path(sys.argv[1]), passphrase=sys.argv[2])
before = peak_kb()
with db.transaction() as session:
    result = exchange.import_file(session, Actor.key_holder(), Path(sys.argv[3]))
db.close()
print(json.dumps({"records": result.records, "cases": result.created["case"],
                  "contacts": result.created["contact"], "before_kb": before,
                  "peak_kb": peak_kb()}))
"""


def letters(i: int) -> str:
    """A name part made of letters only, different for every i."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[r]
        if i == 0:
            return out.capitalize()


def write_file(path: Path, n: int) -> int:
    """Users, then cases of three records each (the case and two contact moments)."""
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        for user in R.USERS:
            fh.write(json.dumps(user) + "\n")
            written += 1
        i = 0
        while written < n:
            ref = f"2024-L2-{i + 1:05d}"
            name = letters(i)
            case = R.case(ref=ref, summary=f"Dossier {i}")
            # Everybody different: no family matches between the cases (detection
            # compares the few candidates that share a name key, not all pairs).
            born = date(1960, 1, 1) + timedelta(days=i % 15_000)
            case["requester"] = {
                **case["requester"],
                "first_name": f"Anna{name.lower()}",
                "last_name": f"Kowal{name}",
                "birth_date": born.isoformat(),
            }
            case["other_parent"] = {
                **case["other_parent"],
                "first_name": f"Piotr{name.lower()}",
                "last_name": f"Nowak{name}",
                "birth_date": (born - timedelta(days=700)).isoformat(),
            }
            case["children"] = [{"first_name": f"Ola{name.lower()}", "age": i % 17}]
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
            for k in range(2):
                contact = {**R.CONTACT, "case": ref, "at": f"2024-03-{5 + k:02d}T10:{i % 60:02d}"}
                fh.write(json.dumps(contact, ensure_ascii=False) + "\n")
            written += 3
            i += 1
    return written


@pytest.mark.slow
def test_import_of_200k_records_stays_under_the_memory_ceiling(tmp_path: Path) -> None:
    data = tmp_path / "groot.jsonl"
    n = write_file(data, RECORDS)
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT, str(tmp_path / "db.db"), TEST_PASSPHRASE, str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["records"] == n
    assert result["contacts"] == 2 * result["cases"]
    peak_mb = result["peak_kb"] / 1024
    assert peak_mb < CEILING_MB, (
        f"peak {peak_mb:.0f} MB (before reading {result['before_kb'] / 1024:.0f} MB)"
    )
