"""Import benchmark: 10 years at 2024 volumes (about 110,000 cases, 250,000 contacts).

    .venv/bin/python benchmarks/bench_import.py [--years 10] [--keep DIR]

Prints records/s of `ikodesk import` (target: at least 20,000 records/s) and
the time to open the database (passphrase mode: SQLCipher's KDF included;
keyring mode: raw key, no KDF).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.services.demo import DemoGenerator
from ikodesk.storage import Database


class _MemoryKeyring(KeyringBackend):
    """Keeps the benchmark away from the machine's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="keep the files in this directory")
    args = parser.parse_args()
    keyring.set_keyring(_MemoryKeyring())
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="ikodesk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "ten-years.jsonl"
    years = list(range(2025 - args.years, 2025))

    t = time.perf_counter()
    gen = DemoGenerator(seed=1, scale=1.0)
    n_lines = exchange.write_jsonl(gen.records(years, with_history=False), data)
    print(
        f"generated {n_lines:,} records for {years[0]}-{years[-1]} "
        f"in {time.perf_counter() - t:.1f} s ({data.stat().st_size / 1e6:.0f} MB)"
    )

    for mode in ("passphrase", "keyring"):
        path = workdir / f"bench-{mode}.db"
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        db, _ = Database.create(
            path, passphrase="bench-wachtwoordzin" if mode == "passphrase" else None
        )
        t = time.perf_counter()
        with db.transaction() as session:
            result = exchange.import_file(session, Actor.key_holder(), data)
        elapsed = time.perf_counter() - t
        db.close()
        print(
            f"[{mode}] imported {result.records:,} records "
            f"({result.created['case']:,} cases, {result.created['contact']:,} contacts) "
            f"in {elapsed:.1f} s = {result.records / elapsed:,.0f} records/s (target >= 20,000)"
        )
        t = time.perf_counter()
        db = Database.open(path, passphrase="bench-wachtwoordzin" if mode == "passphrase" else None)
        with db.session() as s:
            s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM cases")).scalar()
        print(
            f"[{mode}] open database (unlock, schema check, first query): "
            f"{(time.perf_counter() - t) * 1000:.0f} ms; file {path.stat().st_size / 1e6:.0f} MB"
        )
        db.close()
    if args.keep is None:
        for p in workdir.iterdir():
            p.unlink()
        workdir.rmdir()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
