"""A bulk import drops the plain indexes of the tables it fills, and builds them again.

Into a database that holds no more cases than the file brings, the import drops
the non-unique indexes of cases, persons, children and contacts for its writes
and creates them again, with the statements that made them, before its last
reads (issue #16, point 2). These tests hold the promise around that: the
schema after an import is the schema before; the indexes agree with their
tables; an import that fails half-way (batches already written) leaves indexes
and rows as they were; an import into a larger database keeps its indexes.

File-only: the bulk import's index drop is the embedded file's; the server imports through
its own functions (tests/pg/test_server_import.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ikodesk.errors import ValidationError
from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.services.exchange.writing import ImportWriter
from ikodesk.storage import Database
from tests.support import family
from tests.support import records as R

KEY_HOLDER = Actor.key_holder()
TABLES = ("cases", "persons", "children", "contacts")


def schema(db: Database) -> list[tuple[str, str, str | None]]:
    with db.session() as s:
        return [
            (r[0], r[1], r[2])
            for r in s.execute(
                text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            )
        ]


def plain_indexes(s: Any) -> set[str]:
    rows = s.execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('cases', 'persons', 'children', 'contacts')"
        )
    )
    return {r[0] for r in rows}


def counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}")) or 0 for t in TABLES}


def cases(first: int, n: int) -> list[dict[str, Any]]:
    """n cases (with a child each) and two contact moments per case."""
    out: list[dict[str, Any]] = []
    for i in range(first, first + n):
        ref = f"2024-L2-{i:05d}"
        case = R.case(ref=ref, summary=f"Dossier {i}")
        case["children"] = [{"first_name": f"Ola{i}", "age": i % 17}]
        out.append(case)
        for k in range(2):
            out.append({**R.CONTACT, "case": ref, "at": f"2024-03-{5 + k:02d}T10:{i % 60:02d}"})
    return out


def run_import(db: Database, recs: list[dict[str, Any]]) -> exchange.ImportResult:
    with db.transaction() as s:
        return exchange.import_lines(s, KEY_HOLDER, R.lines(*recs))


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The plain indexes present at each batch of cases the import writes."""
    seen: list[set[str]] = []
    write_cases = ImportWriter._write_cases

    def spy(self: ImportWriter) -> None:
        if self.cases:
            seen.append(plain_indexes(self.s))
        write_cases(self)

    monkeypatch.setattr(ImportWriter, "_write_cases", spy)
    monkeypatch.setattr(ImportWriter, "BATCH", 100)  # several batches from a small file
    return seen


def test_a_bulk_import_builds_the_indexes_it_dropped_again(
    db: Database, spied: list[set[str]]
) -> None:
    before = schema(db)
    with db.session() as s:
        indexes = plain_indexes(s)
    assert {"ix_contacts_at_cover", "ix_cases_opened", "ix_children_case_id"} <= indexes
    result = run_import(db, [*R.USERS, *cases(1, 400)])
    assert result.created["case"] == 400 and result.created["contact"] == 800
    assert len(spied) > 1 and all(seen == set() for seen in spied)  # written without them
    assert schema(db) == before  # the same indexes, made by the same statements
    with db.session() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
        plan = " ".join(
            str(r[-1])
            for r in s.execute(
                text("EXPLAIN QUERY PLAN SELECT count(*) FROM contacts WHERE at >= '2024-03-06'")
            )
        )
        assert "ix_contacts_at_cover" in plan


def test_an_import_failing_half_way_leaves_indexes_and_rows_as_before(
    db: Database, spied: list[set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_import(db, list(R.USERS))
    before, rows_before = schema(db), counts(db)
    recs = [*cases(1, 400), R.CONTACT | {"case": "2024-L2-00001", "at": "gisteren"}]
    with pytest.raises(ValidationError, match=r"regel 1201, veld \"at\""):
        run_import(db, recs)
    assert len(spied) > 1 and spied[-1] == set()  # batches written, without the indexes
    assert schema(db) == before
    assert counts(db) == rows_before == dict.fromkeys(TABLES, 0)
    with db.session() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]


def test_an_import_into_a_larger_database_keeps_its_indexes(
    db: Database, spied: list[set[str]]
) -> None:
    run_import(db, [*R.USERS, *cases(1, 300)])
    with db.session() as s:
        indexes = plain_indexes(s)
    spied.clear()
    before = schema(db)
    result = run_import(db, cases(301, 200))
    assert result.created["case"] == 200
    assert spied and all(seen == indexes for seen in spied)
    assert schema(db) == before
    assert counts(db)["contacts"] == 1000
    with db.session() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]


def test_a_file_import_keeps_the_schema_and_reads_back_alike(db: Database, tmp_path: Path) -> None:
    """Through `import_file` (the streaming way): the export reads back what went in."""
    recs = [*R.USERS, *cases(1, 50)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    before = schema(db)
    with db.transaction() as s:
        exchange.import_file(s, KEY_HOLDER, path)
    assert schema(db) == before
    with db.session() as s:
        out = list(exchange.export_records(s, KEY_HOLDER))
    assert sum(r["type"] == "case" for r in out) == 50
    assert sum(r["type"] == "contact" for r in out) == 100


def pairs(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [
            tuple(r)
            for r in s.execute(
                text(
                    "SELECT case_a_id, case_b_id, status, score, reason FROM conflict_pairs "
                    "ORDER BY case_a_id, case_b_id"
                )
            )
        ]


def test_the_bulk_detection_writes_its_keys_without_their_index_and_finds_the_same_pairs(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikodesk.services.conflicts import detection

    monkeypatch.setattr(detection, "BULK_CASES", 10)  # the in-memory way of an import
    seen: list[set[str]] = []
    insert_keys = detection._insert_keys

    def spy(s: Any, keys: Any) -> None:
        seen.append(
            set(
                s.execute(
                    text("SELECT name FROM sqlite_master WHERE tbl_name = 'match_keys'")
                ).scalars()
            )
        )
        insert_keys(s, keys)

    monkeypatch.setattr(detection, "_insert_keys", spy)
    # The mother's and the father's dossier of one family among them (a conflict).
    recs = [*R.USERS, *cases(100, 60), R.case(ref=family.MOTHER_REF), family.father_case()]
    before = schema(db)
    with_drop = run_import(db, recs)
    assert seen and "ix_match_keys_key_undated" not in seen[0]
    assert schema(db) == before

    other, _ = Database.create(tmp_path / "zonder.db", passphrase="een-andere-zin")
    try:
        monkeypatch.setattr(detection.bulk_indexes, "worth_dropping", lambda *a: False)
        seen.clear()
        without = run_import(other, recs)
        assert seen and "ix_match_keys_key_undated" in seen[0]
        assert (with_drop.conflicts, with_drop.reviews) == (without.conflicts, without.reviews)
        assert with_drop.conflicts + with_drop.reviews > 0  # (pairs to compare)
        assert pairs(db) == pairs(other)
    finally:
        other.close()
