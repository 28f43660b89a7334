"""The import row of issue #16's table alone, optionally profiled.

    .venv/bin/python benchmarks/bench_import.py [--years 10] [--runs 1] [--profile out.prof]

Imports the cached ten-year exchange file (benchmarks/bench_table.py generates it
once, under IKODESK_BENCH_CACHE) into a new SQLCipher file in a fresh process, and
prints records/s by wall time and per CPU second, and the peak resident memory as
the OS reports it (VmHWM). With --profile the child runs under cProfile and writes
the stats there (the times are then the profiler's, not the import's). Times are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_table  # noqa: E402  (beside this file)

CODE = """
import cProfile, json, resource, sys, time
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
prof = cProfile.Profile() if sys.argv[4] else None
t, c = time.perf_counter(), time.process_time()
if prof:
    prof.enable()
with db.transaction() as session:
    result = exchange.import_file(session, Actor.key_holder(), Path(sys.argv[3]))
if prof:
    prof.disable()
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
db.close()
if prof:
    prof.dump_stats(sys.argv[4])
print(json.dumps({"records": result.records, "seconds": elapsed, "cpu": cpu,
                  "cases": result.created["case"], "contacts": result.created["contact"],
                  "conflicts": result.conflicts, "reviews": result.reviews,
                  "passes": result.passes,
                  "peak_kb": peak_kb(), "before_kb": before}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", default="", help="write cProfile stats to this file")
    args = parser.parse_args()
    data = bench_table.data_file(args.years)
    db = bench_table.CACHE / "import-only.db"
    results = []
    for _ in range(args.runs):
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        r = json.loads(
            bench_table.run_py(CODE, str(db), bench_table.PASSPHRASE, str(data), args.profile)
        )
        results.append(r)
        print(
            f"{r['records']:,} records ({r['cases']:,} cases, {r['contacts']:,} contacts; "
            f"{r['conflicts']} conflicts, {r['reviews']} reviews; read in {r['passes']} pass(es)): "
            f"{r['seconds']:.2f} s wall, {r['cpu']:.2f} s cpu = "
            f"{r['records'] / r['seconds']:,.0f} rec/s, {r['records'] / r['cpu']:,.0f} per cpu s; "
            f"peak {r['peak_kb'] / 1024:.0f} MB (before reading {r['before_kb'] / 1024:.0f} MB)",
            flush=True,
        )
    if args.runs > 1:
        wall = statistics.median(r["records"] / r["seconds"] for r in results)
        cpu = statistics.median(r["records"] / r["cpu"] for r in results)
        print(f"median: {wall:,.0f} rec/s wall, {cpu:,.0f} per cpu s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
