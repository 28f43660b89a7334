"""Benchmark: annual figures and the annual report PDF on ten years at 2024 volumes.

    .venv/bin/python benchmarks/bench_figures.py [--db PATH] [--years 10] [--runs 7]

Fills a temporary passphrase database with demo data (about 108,000 cases and
240,000 contact moments; or reuses --db PATH when it exists), then prints:

- the time for one year's figures (target <= 0.2 s), cold and warm;
- the time for the annual report PDF, figures included (target <= 5 s);
- the ratio of the figures time to one full scan of the contacts table
  (`SELECT count(*), sum(minutes) FROM contacts`): well below 1 means the
  figures read only the year's rows, through the indexes.

Measured when the figures were written (2 shared cores, SQLCipher): figures
0.035 s, PDF 0.5 s, ratio 1.1. A covering index on contacts (at, case_id,
channel, party) plus cases (opened, line, closed) brought the figures to
0.027 s; not worth two more indexes to maintain on every registration, so
the schema's existing indexes (ix_contacts_at, ix_cases_opened, ...) stay.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from ikodesk.reports.annual import build_annual_report
from ikodesk.services import exchange, figures
from ikodesk.services.actors import Actor
from ikodesk.services.demo import DemoGenerator
from ikodesk.storage import Database

PASSPHRASE = "bench-figures"
YEAR = 2024
KEY_HOLDER = Actor.key_holder()


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(first run, median of the following runs) in seconds."""
    started = time.perf_counter()
    fn()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return first, statistics.median(times)


def fill(path: Path, years: int) -> None:
    started = time.perf_counter()
    db, _ = Database.create(path, passphrase=PASSPHRASE)
    try:
        generator = DemoGenerator(seed=2024)
        lines = (
            exchange.json_line(r)
            for r in generator.records(list(range(YEAR - years + 1, YEAR + 1)))
        )
        with db.transaction() as session:
            result = exchange.import_lines(session, KEY_HOLDER, lines)
    finally:
        db.close()
    print(
        f"filled {path.name}: {result.created['case']:,} cases, "
        f"{result.created['contact']:,} contacts, {result.created['mediation']:,} mediations "
        f"in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or create) this database")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            fill(path, args.years)
        db = Database.open(path, passphrase=PASSPHRASE)
        try:
            with db.session() as session:
                cold, warm = timed(
                    lambda: figures.compute_figures(session, KEY_HOLDER, YEAR), args.runs
                )
                _, scan = timed(
                    lambda: session.execute(
                        text("SELECT count(*), sum(minutes) FROM contacts")
                    ).one(),
                    args.runs,
                )
                contacts = session.execute(text("SELECT count(*) FROM contacts")).scalar_one()
                _, compare = timed(
                    lambda: figures.compare_figures(session, KEY_HOLDER, YEAR, YEAR - 1), args.runs
                )

            def report() -> None:
                with db.session() as session:
                    data = figures.report_figures(session, KEY_HOLDER, YEAR)
                build_annual_report(data, Path(tmp) / "jaarverslag.pdf")

            pdf_first, pdf = timed(report, max(args.runs // 2, 1))
        finally:
            db.close()
    print(f"contacts in the database:       {contacts:,}")
    print(f"figures of {YEAR}, first run:     {cold:.3f} s")
    print(f"figures of {YEAR}, median:        {warm:.3f} s   (target <= 0.2 s)")
    print(f"figures {YEAR} vs {YEAR - 1}, median:  {compare:.3f} s")
    print(f"full scan of contacts, median:  {scan:.3f} s")
    print(f"ratio figures / contacts scan:  {warm / scan:.2f}")
    print(f"annual report PDF, first run:   {pdf_first:.2f} s")
    print(f"annual report PDF, median:      {pdf:.2f} s   (target <= 5 s)")


if __name__ == "__main__":
    main()
