"""A file of new records that refers back only is imported in one pass (issue #16).

`Importer.check_in_one_pass` reads, checks and writes such a file (an export, the
demo) in one reading; anything else (a reference forward, a record already
stored, a problem with a record) makes it hand over to the two passes, which
start again from a savepoint. These tests hold the promise that makes this
safe: the one pass writes exactly what the two passes write (the same rows, with
the same ids), reports the same first problem, and hands over whenever it must.

File-only: the office server always imports in two passes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ikodesk.errors import InputError, ValidationError
from ikodesk.services import demo, exchange
from ikodesk.services.actors import Actor
from ikodesk.services.exchange import importing
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import records as R

KEY_HOLDER = Actor.key_holder()

# What differs between two databases filled alike: the moment of writing.
VOLATILE = {"created_at", "updated_at", "detected", "at", "first_at", "logged_at"}
SKIPPED_TABLES = ("audit_log", "meta", "alembic_version", "sqlite_sequence")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 20 records: the one pass has written some when it hands over."""
    monkeypatch.setattr(exchange.ImportWriter, "BATCH", 20)


@pytest.fixture
def new_db(tmp_path: Path) -> Iterator[Any]:
    made: list[Database] = []

    def make() -> Database:
        db = Database.create(tmp_path / f"{uuid.uuid4().hex}.db", passphrase=TEST_PASSPHRASE)[0]
        made.append(db)
        return db

    yield make
    for db in made:
        db.close()


def shared_child_cases() -> list[dict[str, Any]]:
    """Two cases of one family (a conflict, walls), each with a contact moment."""
    kid = {"first_name": "José", "last_name": "Öztürk", "birth_date": "2015-02-02"}
    out: list[dict[str, Any]] = []
    for i, (relation, handler) in enumerate((("mother", "jdevries"), ("father", "kvisser"))):
        ref = f"2024-L2-{i + 40:05d}"
        out.append(
            R.case(
                ref=ref,
                handler=handler,
                requester={"kind": "parent", "relation": relation, "last_name": "Öztürk"},
                other_parent=...,
                children=[kid],
            )
        )
        out.append(R.CONTACT | {"case": ref, "handler": handler})
    return out


def rich_file() -> list[dict[str, Any]]:
    """Every record type, each referring back only."""
    cases = []
    for i in range(1, 30):
        ref = f"2023-L2-{i:05d}"
        cases.append(R.case(ref=ref, summary=f"Dossier {i}"))
        cases.append(R.CONTACT | {"case": ref, "at": f"2024-03-{5 + i % 20:02d}T10:{i:02d}"})
    return [
        *R.USERS,
        R.MEDIATOR,
        R.MEDIATOR2,
        R.ABDUCTION_CASE,
        R.CONTACT,
        *cases,
        *shared_child_cases(),
        R.MEDIATION,
        R.ACTIVITY,
        R.HISTORICAL,
    ]


def run(
    db: Database, recs: list[dict[str, Any]] | list[str], *, one_pass: bool, update: bool = False
) -> exchange.ImportResult:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in recs]
    before = importing.ONE_PASS
    importing.ONE_PASS = one_pass
    try:
        with db.transaction() as s:
            return exchange.import_lines(s, KEY_HOLDER, lines, update=update)
    finally:
        importing.ONE_PASS = before


def contents(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (ids included), without the moments of writing."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.session() as s:
        tables = s.scalars(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE 'case_search%' ORDER BY name"
            )
        ).all()
        for table in tables:
            if table in SKIPPED_TABLES:
                continue
            columns = [
                r[1]
                for r in s.execute(text(f'PRAGMA table_info("{table}")'))
                if r[1] not in VOLATILE
            ]
            if not columns:
                continue
            listed = ", ".join(f'"{c}"' for c in columns)
            out[table] = [
                tuple(r) for r in s.execute(text(f'SELECT {listed} FROM "{table}" ORDER BY rowid'))
            ]
        out["case_search"] = [
            tuple(r) for r in s.execute(text("SELECT rowid FROM case_search ORDER BY rowid"))
        ]
    return out


def counts(result: exchange.ImportResult) -> tuple[Any, ...]:
    return (
        dict(result.created),
        dict(result.updated),
        dict(result.skipped),
        result.lines,
        result.conflicts,
        result.reviews,
    )


def test_a_file_of_new_records_goes_in_one_pass_and_writes_what_two_passes_write(
    new_db: Any,
) -> None:
    one, two = new_db(), new_db()
    a = run(one, rich_file(), one_pass=True)
    b = run(two, rich_file(), one_pass=False)
    assert (a.passes, b.passes) == (1, 2)
    assert counts(a) == counts(b)
    assert a.created["case"] == 32 and a.created["contact"] == 32 and a.conflicts + a.reviews == 1
    first, second = contents(one), contents(two)
    assert first["cases"] and first["wall_claims"] and first["conflict_pairs"]
    assert first == second
    with one.session() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []


def test_an_export_and_the_demo_are_read_in_one_pass(new_db: Any, tmp_path: Path) -> None:
    source = new_db()
    made = demo.populate(source, [2024], scale=0.05)
    assert made.passes == 1 and made.created["case"] > 100
    path = tmp_path / "export.jsonl"
    with source.session() as s, path.open("w", encoding="utf-8") as fh:
        for record in exchange.export_records(s, KEY_HOLDER):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    target = new_db()
    with target.transaction() as s:
        again = exchange.import_file(s, KEY_HOLDER, path)
    assert again.passes == 1
    assert again.created["case"] == made.created["case"]
    assert again.created["contact"] == made.created["contact"]


def large_file() -> list[dict[str, Any]]:
    """`rich_file` after 300 more cases with a contact moment each (past the 500
    records after which the one pass writes a batch)."""
    more: list[dict[str, Any]] = []
    for i in range(300):
        ref = f"2022-L2-{i:05d}"
        more += [R.case(ref=ref), R.CONTACT | {"case": ref}]
    return [*R.USERS, *more, *rich_file()[3:]]


def forward(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The users last: every case refers forward."""
    users = [r for r in recs if r["type"] == "user"]
    return [r for r in recs if r["type"] != "user"] + users


def contact_first(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A contact moment before its case, after batches were written."""
    out = list(recs)
    i = next(n for n, r in enumerate(out) if r["type"] == "case" and r["ref"] == "2023-L2-00020")
    assert i > 600
    return [*out[:i], R.CONTACT | {"case": "2023-L2-00020"}, *out[i:]]


@pytest.mark.parametrize("arrange", [forward, contact_first], ids=["users last", "contact first"])
def test_a_reference_forward_hands_over_to_the_two_passes(new_db: Any, arrange: Any) -> None:
    one, two = new_db(), new_db()
    a = run(one, arrange(large_file()), one_pass=True)
    b = run(two, arrange(large_file()), one_pass=False)
    assert a.passes == 2
    assert counts(a) == counts(b)
    assert contents(one) == contents(two)


def test_records_already_stored_hand_over_to_the_two_passes(new_db: Any) -> None:
    db = new_db()
    run(db, rich_file(), one_pass=True)
    before = contents(db)
    again = run(db, rich_file(), one_pass=True)
    assert again.passes == 2
    assert sum(again.created.values()) == 0 and again.skipped["case"] == 32
    assert contents(db) == before
    # A new case among stored ones still goes in one pass, as do its contact moments.
    more = run(
        db, [R.case(ref="2024-L2-09999"), R.CONTACT | {"case": "2024-L2-09999"}], one_pass=True
    )
    assert more.passes == 1 and more.created["case"] == 1 and more.created["contact"] == 1
    # A contact moment of a stored case may be one already stored: two passes.
    stored = run(db, [R.CONTACT | {"case": "2023-L2-00001", "minutes": 7}], one_pass=True)
    assert stored.passes == 2 and stored.created["contact"] == 1


def problem(db: Database, recs: list[Any], one_pass: bool) -> str:
    with pytest.raises((ValidationError, InputError)) as caught:
        run(db, recs, one_pass=one_pass)
    return str(caught.value)


BAD_DATE = R.CONTACT | {"case": "2023-L2-00003", "at": "gisteren"}


@pytest.mark.parametrize(
    "recs",
    [
        # A problem in a record after batches were written, and one at the start.
        [*large_file(), BAD_DATE],
        [BAD_DATE, *rich_file()],
        # A record problem, then a broken line further on: the broken line is reported.
        [*rich_file()[:10], BAD_DATE, *rich_file()[10:], "{kapot"],
        # A reference declared twice, then a broken line: the broken line again.
        [*rich_file(), R.USERS[0], "{kapot"],
        [*rich_file(), R.USERS[0]],
        ["{kapot", *rich_file()],
        [*rich_file(), '{"type": "onbekend"}'],
        [*rich_file(), R.HISTORICAL],
    ],
    ids=[
        "record at the end",
        "record first",
        "record then broken line",
        "twice then broken line",
        "declared twice",
        "broken first",
        "unknown type",
        "figure twice",
    ],
)
def test_the_one_pass_reports_the_problem_the_two_passes_report_and_writes_nothing(
    new_db: Any, recs: list[Any]
) -> None:
    one, two = new_db(), new_db()
    empty = contents(one)
    assert problem(one, recs, one_pass=True) == problem(two, recs, one_pass=False)
    assert contents(one) == empty
    with one.session() as s:
        indexes = s.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'index'"))
    with two.session() as s:
        assert s.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'index'")) == indexes


def test_a_large_file_drops_the_indexes_once_and_builds_them_again(
    new_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The estimate from the first batch decides, before anything is written."""
    monkeypatch.setattr(exchange.ImportWriter, "BATCH", 50)
    dropped: list[int] = []
    real = exchange.ImportWriter.drop_indexes

    def spy(self: Any, incoming: Any) -> None:
        written = self.s.scalar(text("SELECT count(*) FROM cases"))
        dropped.append(written)
        real(self, incoming)

    monkeypatch.setattr(exchange.ImportWriter, "drop_indexes", spy)
    db = new_db()
    with db.session() as s:
        schema = s.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name")).all()
    result = run(
        db, rich_file() * 1 + [R.case(ref=f"2025-L1-{i:05d}") for i in range(400)], one_pass=True
    )
    assert result.passes == 1 and result.created["case"] == 432
    assert dropped == [0]  # once, before the first write
    with db.session() as s:
        assert s.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name")).all() == schema
        assert s.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
