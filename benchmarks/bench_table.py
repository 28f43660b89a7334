"""Issue #16's table in one run: every row beside its physical limit measured now.

    .venv/bin/python benchmarks/bench_table.py [--years 10] [--only version,info,...]

Rows (each in fresh processes, so imports and first calls are what a user pays):

- version: `ikodesk --version`, beside `python -c pass`;
- info: `ikodesk info` on a passphrase database minus its key derivation (the KDF
  timed alone on the same file: SQLCipher connect, PRAGMA key, first read), beside
  `python -c pass`;
- desktop: the desktop client from start to the painted login window (warm, a
  keyring database; benchmarks/bench_ui.py's child), beside a bare Qt window;
- run: `make run` on a fresh profile to the login window (benchmarks/bench_start.py),
  and until the new demo database lets you log in;
- import: ten years at 2024 volumes (about 108,000 cases, 243,000 contacts), records/s
  and the peak resident memory as the OS reports it (ru_maxrss of the importing
  process), beside a raw SQLCipher `executemany` with a raw key into a table of the
  same width and the peak of a process that only imported ikodesk's modules;
- figures: one year's figures, the first call after opening, beside a raw full scan
  of the contacts table, also the first read after opening (same connection setup);
- pdf: the annual report PDF of that year on the ten years (figures included), in a
  fresh process after opening.

The generated exchange file is cached under /tmp (keyed by the generator's source),
so a second run skips the generation; the database is imported anew every run (the
import is a row). Targets are issue #16's; timings are not asserted anywhere. Each time is the wall
time with the CPU time beside it: on a shared machine the wall time also holds the
wait for a core, the CPU time is what the work itself costs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("IKODESK_BENCH_CACHE", "/tmp/ikodesk-bench-16"))
PASSPHRASE = "bench-wachtwoordzin"
YEAR = 2024
ROWS = ("version", "info", "desktop", "run", "import", "figures", "pdf")


def env(**extra: str) -> dict[str, str]:
    e = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(CACHE / "config"),
        "XDG_DATA_HOME": str(CACHE / "data"),
        "XDG_STATE_HOME": str(CACHE / "state"),
    }
    e.pop("IKODESK_PASSPHRASE", None)
    e.update(extra)
    return e


def run_py(code: str, *args: str, **extra: str) -> str:
    """Run `code` in a fresh interpreter; its stdout (it prints JSON for us)."""
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env(**extra),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def wall(cmd: list[str], runs: int, **extra: str) -> tuple[float, float]:
    """Median wall time and CPU time (user + system) of a command, fresh process each run.

    The CPU time is what the command itself costs; on a shared machine whose cores
    are busy with other work the wall time also holds the wait for a core.
    """
    times, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), children_cpu()
        subprocess.run(cmd, env=env(**extra), capture_output=True, check=True)
        times.append(time.perf_counter() - t)
        cpus.append(children_cpu() - c)
    return statistics.median(times), statistics.median(cpus)


def ws(pair: tuple[float, float], digits: int = 2) -> str:
    """'wall s (cpu s)'."""
    return f"{pair[0]:.{digits}f} s (cpu {pair[1]:.{digits}f})"


def source_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((SRC / "ikodesk" / "services").glob("demo*.py")):
        h.update(p.read_bytes())
    h.update((SRC / "ikodesk" / "services" / "exchange" / "export.py").read_bytes())
    return h.hexdigest()[:12]


def data_file(years: int) -> Path:
    """The exchange file of `years` years of demo data, generated once and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{years}y-{source_hash()}.jsonl"
    if path.exists():
        return path
    t = time.perf_counter()
    code = (
        "import sys; from pathlib import Path\n"
        "from ikodesk.services import exchange\n"
        "from ikodesk.services.demo import DemoGenerator\n"
        f"years = list(range({YEAR - years + 1}, {YEAR + 1}))\n"
        "n = exchange.write_jsonl(DemoGenerator(seed=2024).records(years), Path(sys.argv[1]))\n"
        "print(n)\n"
    )
    partial = path.with_suffix(".partial")
    n = int(run_py(code, str(partial)))
    partial.replace(path)
    print(f"(generated {n:,} records in {time.perf_counter() - t:.0f} s: {path})")
    return path


# --- the rows ---------------------------------------------------------------------------

Row = tuple[str, str, str, str]  # what, measured, limit (same run), target


def row_version(runs: int) -> list[Row]:
    bare = ws(wall([sys.executable, "-c", "pass"], runs))
    version = ws(wall([sys.executable, "-m", "ikodesk", "--version"], runs))
    helped = ws(wall([sys.executable, "-m", "ikodesk", "--help"], runs))
    return [
        ("ikodesk --version", version, f"python -c pass {bare}", "<= 0.15 s"),
        ("ikodesk --help", helped, f"python -c pass {bare}", "(as --version)"),
    ]


KDF_CODE = """
import sys, time, sqlcipher3
t = time.perf_counter()
c = sqlcipher3.connect(sys.argv[1])
c.execute("PRAGMA key = '" + sys.argv[2] + "'")
c.execute("SELECT count(*) FROM sqlite_master").fetchone()
print(time.perf_counter() - t, time.process_time())
"""


def small_passphrase_db() -> Path:
    path = CACHE / "info-passphrase.db"
    if not path.exists():
        code = (
            "import sys; from pathlib import Path\n"
            "from ikodesk.storage import Database\n"
            "db, _ = Database.create(Path(sys.argv[1]), passphrase=sys.argv[2]); db.close()\n"
        )
        run_py(code, str(path), PASSPHRASE)
    return path


def row_info(runs: int) -> list[Row]:
    path = small_passphrase_db()
    bare = ws(wall([sys.executable, "-c", "pass"], runs))
    kdfs = [run_py(KDF_CODE, str(path), PASSPHRASE).split() for _ in range(runs)]
    kdf = statistics.median(float(w) for w, _ in kdfs)
    kdf_cpu = statistics.median(float(c) for _, c in kdfs)  # (the interpreter's start too)
    info, info_cpu = wall(
        [sys.executable, "-m", "ikodesk", "--db", str(path), "info"],
        runs,
        IKODESK_PASSPHRASE=PASSPHRASE,
    )
    return [
        (
            "ikodesk info (passphrase) minus KDF",
            ws((info - kdf, info_cpu - kdf_cpu)),
            f"python -c pass {bare}; KDF {ws((kdf, kdf_cpu))}",
            "<= 0.4 s",
        )
    ]


BARE_QT = """
import sys, time
t = time.perf_counter()
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout
app = QApplication(sys.argv[:1])
d = QDialog(); QVBoxLayout(d).addWidget(QLabel("Inloggen"))
d.show(); d.repaint()
print("SHOWN", flush=True)
"""


def bare_qt(runs: int) -> tuple[float, float]:
    times, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), children_cpu()
        out = run_py(BARE_QT)
        assert "SHOWN" in out
        times.append(time.perf_counter() - t)
        cpus.append(children_cpu() - c)
    return statistics.median(times), statistics.median(cpus)


def row_desktop(runs: int) -> list[Row]:
    import bench_ui  # benchmarks/bench_ui.py: its child starts the client

    # Its own directory under the cache: a database that another checkout migrated
    # (a schema this one does not know) would stop the child before the login.
    d = CACHE / "ui"
    d.mkdir(parents=True, exist_ok=True)
    os.environ[bench_ui.KEYRING_ENV] = str(d / "keyring.json")
    import keyring

    keyring.set_keyring(bench_ui.FileKeyring())
    db = d / "start-keyring.db"
    bench_ui.small_database(db, None)
    e = env(
        PYTHON_KEYRING_BACKEND="bench_ui.FileKeyring",
        XDG_CONFIG_HOME=str(d / "config"),
    )
    e[bench_ui.KEYRING_ENV] = str(d / "keyring.json")
    bench_ui.cold_start(db, e, runs=1)  # warm the OS caches
    c = children_cpu()
    shown = bench_ui.cold_start(db, e, runs=runs)
    cpu = (children_cpu() - c) / runs  # (the child quits once the login is painted)
    qt = bare_qt(runs)
    return [
        (
            "desktop client to login window (warm)",
            ws((shown, cpu)),
            f"bare Qt dialog {ws(qt)}",
            "<= 1.0 s",
        )
    ]


def row_run(runs: int) -> list[Row]:
    import bench_start

    results = [bench_start.one_run() for _ in range(runs)]
    login = min(r[0] for r in results)
    ready = [r[1] for r in results if r[1] is not None]
    qt = bare_qt(3)
    return [
        (
            "make run, fresh profile, to login window",
            f"{login:.2f} s",
            f"bare Qt dialog {ws(qt)}",
            "<= 5 s",
        ),
        (
            "make run, fresh profile, demo ready to log in",
            f"{min(ready):.1f} s" if ready else "?",
            "",
            "",
        ),
    ]


RAW_INSERT = """
import os, sys, time, sqlcipher3
n = int(sys.argv[2])
c = sqlcipher3.connect(sys.argv[1])
c.isolation_level = None
c.execute("PRAGMA key = \\"x'" + os.urandom(32).hex() + "'\\"")
c.execute("PRAGMA journal_mode = WAL"); c.execute("PRAGMA synchronous = FULL")
c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, case_id INTEGER, at TEXT, channel TEXT,"
          " party TEXT, minutes INTEGER, handler_id INTEGER, note TEXT)")
rows = [(i, i // 3, "2024-03-05 10:%02d:00" % (i % 60), "phone", "requester", i % 40, i % 12,
         "contactmoment %d" % i) for i in range(n)]
t, cpu = time.perf_counter(), time.process_time()
c.execute("BEGIN")
c.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?)", rows)
c.execute("COMMIT")
print(n / (time.perf_counter() - t), n / (time.process_time() - cpu))
"""

IMPORT_CODE = """
import json, resource, sys, time
from pathlib import Path
from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
db, _ = Database.create(Path(sys.argv[1]), passphrase=sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t, c = time.perf_counter(), time.process_time()
with db.transaction() as session:
    result = exchange.import_file(session, Actor.key_holder(), Path(sys.argv[3]))
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
db.close()
print(json.dumps({"records": result.records, "seconds": elapsed, "cpu": cpu,
                  "cases": result.created["case"], "contacts": result.created["contact"],
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "before_kb": before}))
"""


def ten_year_db() -> Path:
    return CACHE / "ten-years.db"


def row_import(years: int) -> list[Row]:
    data = data_file(years)
    db = ten_year_db()
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    raw_db = CACHE / "raw-insert.db"
    for p in raw_db.parent.glob(raw_db.name + "*"):
        p.unlink()
    raw, raw_cpu = (float(x) for x in run_py(RAW_INSERT, str(raw_db), "351000").split())
    for p in raw_db.parent.glob(raw_db.name + "*"):
        p.unlink()
    r = json.loads(run_py(IMPORT_CODE, str(db), PASSPHRASE, str(data)))
    rate, rate_cpu = r["records"] / r["seconds"], r["records"] / r["cpu"]
    return [
        (
            f"import {years} years ({r['cases']:,} cases, {r['contacts']:,} contacts)",
            f"{rate:,.0f} rec/s in {r['seconds']:.1f} s (per cpu s {rate_cpu:,.0f})",
            f"raw SQLCipher executemany {raw:,.0f} rows/s (per cpu s {raw_cpu:,.0f})",
            ">= 30,000 rec/s",
        ),
        (
            "import peak memory (ru_maxrss)",
            f"{r['peak_kb'] / 1024:.0f} MB",
            f"after imports, before reading {r['before_kb'] / 1024:.0f} MB",
            "<= 300 MB",
        ),
    ]


FIGURES_CODE = """
import json, sys, time
from pathlib import Path
from ikodesk.services import figures
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
db = Database.open(Path(sys.argv[1]), passphrase=sys.argv[2])
with db.session() as s:
    t, c = time.perf_counter(), time.process_time()
    figures.compute_figures(s, Actor.key_holder(), int(sys.argv[3]))
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    figures.compute_figures(s, Actor.key_holder(), int(sys.argv[3]))
    second, second_cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"first": [first, first_cpu], "second": [second, second_cpu]}))
"""

SCAN_CODE = """
import json, sys, time
from pathlib import Path
from sqlalchemy import text
from ikodesk.storage import Database
db = Database.open(Path(sys.argv[1]), passphrase=sys.argv[2])
q = text("SELECT count(*), sum(minutes), max(summary) FROM contacts NOT INDEXED")
with db.session() as s:
    t, c = time.perf_counter(), time.process_time()
    n = s.execute(q).one()[0]
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    s.execute(q).one()
    warm, warm_cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"first": [first, first_cpu], "warm": [warm, warm_cpu], "n": n}))
"""


def need_db() -> Path:
    db = ten_year_db()
    if not db.exists():
        raise SystemExit("run the import row first (it makes the ten-year database)")
    return db


def median_pair(pairs: list[list[float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def row_figures(runs: int) -> list[Row]:
    db = need_db()
    firsts, seconds, scans, warms = [], [], [], []
    for _ in range(runs):
        f = json.loads(run_py(FIGURES_CODE, str(db), PASSPHRASE, str(YEAR)))
        s = json.loads(run_py(SCAN_CODE, str(db), PASSPHRASE))
        firsts.append(f["first"])
        seconds.append(f["second"])
        scans.append(s["first"])
        warms.append(s["warm"])
    first, scan = median_pair(firsts), median_pair(scans)
    return [
        (
            f"figures of {YEAR}, first call after opening",
            f"{ws(first, 3)} = {first[0] / scan[0]:.2f}x scan (cpu {first[1] / scan[1]:.2f}x)",
            f"raw scan of {s['n']:,} contacts, first after opening, {ws(scan, 3)}; "
            f"warm {ws(median_pair(warms), 3)}",
            "<= 0.2 s and <= 0.75x",
        ),
        (f"figures of {YEAR}, second call", ws(median_pair(seconds), 3), "", ""),
    ]


PDF_CODE = """
import json, sys, time
from pathlib import Path
from ikodesk.services import figures
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
db = Database.open(Path(sys.argv[1]), passphrase=sys.argv[2])
t, c = time.perf_counter(), time.process_time()
from ikodesk.reports.annual import build_annual_report
imported = time.perf_counter() - t
with db.session() as s:
    data = figures.report_figures(s, Actor.key_holder(), int(sys.argv[3]))
fig = time.perf_counter() - t - imported
build_annual_report(data, Path(sys.argv[4]))
total, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"total": total, "cpu": cpu, "figures": fig, "imports": imported}))
"""


def row_pdf(runs: int) -> list[Row]:
    db = need_db()
    out = CACHE / "jaarverslag.pdf"
    rs = [
        json.loads(run_py(PDF_CODE, str(db), PASSPHRASE, str(YEAR), str(out))) for _ in range(runs)
    ]
    r = sorted(rs, key=lambda x: x["total"])[len(rs) // 2]
    return [
        (
            f"annual report PDF {YEAR} (figures, imports included)",
            ws((r["total"], r["cpu"])),
            f"of which figures {r['figures']:.2f} s, imports {r['imports']:.2f} s",
            "<= 2 s",
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated rows: " + ",".join(ROWS))
    args = parser.parse_args()
    wanted = args.only.split(",") if args.only else list(ROWS)
    CACHE.mkdir(parents=True, exist_ok=True)
    measures: dict[str, Callable[[], list[Row]]] = {
        "version": lambda: row_version(5),
        "info": lambda: row_info(args.runs),
        "desktop": lambda: row_desktop(args.runs),
        "run": lambda: row_run(args.runs),
        "import": lambda: row_import(args.years),
        "figures": lambda: row_figures(args.runs),
        "pdf": lambda: row_pdf(args.runs),
    }
    table: list[Row] = []
    for name in wanted:
        rows = measures[name]()
        for r in rows:
            print(f"  {r[0]}: {r[1]}  [{r[2]}]  target {r[3]}", flush=True)
        table.extend(rows)
    print()
    print("| what | measured | limit, same run | target |")
    print("|---|---|---|---|")
    for r in table:
        print("| " + " | ".join(r) + " |")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(SRC))
    raise SystemExit(main())
