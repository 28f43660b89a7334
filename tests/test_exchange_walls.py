"""Conflicts, walls, review decisions and openings survive an export and an import (#13.7)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ikodesk.errors import CaseWalled, ValidationError
from ikodesk.models import ConflictPair, ConflictStatus, WallClaim
from ikodesk.services import cases, conflicts, exchange
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.test_walls_weak import WEAK_FATHER, WEAK_MOTHER

KINDS = ("conflict", "wall", "case_opening")


def _empty_copy(template: Path, path: Path) -> Database:
    for suffix in ("", ".keyinfo.json"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy2(source, path.with_name(path.name + suffix))
    return Database.open(path, passphrase=TEST_PASSPHRASE)


@pytest.fixture
def other_db(tmp_path: Path, _empty_database: Path) -> Iterator[Database]:
    """A second, empty database: where the office's export goes."""
    database = _empty_copy(_empty_database, tmp_path / "other.db")
    yield database
    database.close()


def _export(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return list(exchange.export_records(s, F.KH))


def _of(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["type"] == kind]


def _pairs(db: Database) -> list[tuple[ConflictStatus, int]]:
    with db.session() as s:
        return [(p.status, p.decided_by or 0) for p in s.scalars(select(ConflictPair))]


@pytest.fixture
def walled(db: Database) -> Database:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    # sbakker reads the mother's case before the family is known to anyone else.
    with db.session() as s:
        cases.get_case_by_ref(s, F.actor(db, "sbakker"), F.MOTHER_REF)
    return db


def test_the_export_carries_the_pair_its_walls_and_openings(walled: Database) -> None:
    records = _export(walled)
    (pair,) = _of(records, "conflict")
    assert pair["cases"] == [F.MOTHER_REF, F.FATHER_REF]
    assert pair["status"] == "conflict" and "decided" not in pair
    walls = {w["user"]: w["side"] for w in _of(records, "wall")}
    assert walls == {"jdevries": F.MOTHER_REF, "kvisser": F.FATHER_REF, "sbakker": F.MOTHER_REF}
    openings = {(o["user"], o["case"]) for o in _of(records, "case_opening")}
    assert ("sbakker", F.MOTHER_REF) in openings


def test_a_round_trip_keeps_every_wall_and_reimports_unchanged(
    walled: Database, other_db: Database
) -> None:
    records = _export(walled)
    result = F.load(other_db, *records)
    assert result.created["conflict"] == 1 and result.created["wall"] == 3
    assert [_of(_export(other_db), k) for k in KINDS] == [_of(records, k) for k in KINDS]
    # The wall holds in the new database, for the one who only read a side too.
    for user in ("sbakker", "jdevries"):
        reader = F.actor(other_db, user)
        with other_db.session() as s, pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, reader, F.FATHER_REF)
    again = F.load(other_db, *records)
    assert (again.created["conflict"], again.created["wall"]) == (0, 0)
    assert (again.skipped["conflict"], again.skipped["wall"]) == (1, 3)


def test_a_dismissed_weak_match_stays_dismissed_after_the_move(
    db: Database, other_db: Database, tmp_path: Path, _empty_database: Path
) -> None:
    F.load(db, *F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    admin = F.actor(db, "beheer")
    approver = F.second_admin(db)
    with db.transaction() as s:
        (pending,) = conflicts.review_list(s, admin)
        conflicts.dismiss(s, admin, pending.id, approver)
    records = _export(db)
    (pair,) = _of(records, "conflict")
    assert pair["status"] == "dismissed" and pair["decided_by"] == "beheer"
    assert _of(records, "wall") == []

    F.load(other_db, *records)
    assert _pairs(other_db) == [(ConflictStatus.DISMISSED, F.actor(other_db, "beheer").user_id)]
    with other_db.session() as s:
        assert s.scalars(select(WallClaim)).all() == []
    # Without the decision the move would have walled both jurists off again.
    fresh = _empty_copy(_empty_database, tmp_path / "fresh.db")
    try:
        F.load(fresh, *[r for r in records if r["type"] != "conflict"])
        assert _pairs(fresh) == [(ConflictStatus.REVIEW, 0)]
        with fresh.session() as s:
            assert len(s.scalars(select(WallClaim)).all()) == 2
    finally:
        fresh.close()


def test_an_import_never_changes_a_decision_or_moves_a_wall(walled: Database) -> None:
    records = _export(walled)
    (pair,) = _of(records, "conflict")
    lifted = {**pair, "status": "dismissed", "decided": "2024-06-01T10:00", "decided_by": "beheer"}
    with pytest.raises(ValidationError, match="verandert geen besluit") as refused:
        F.load(walled, lifted)
    assert refused.value.line == 1
    (wall,) = [w for w in _of(records, "wall") if w["user"] == "jdevries"]
    moved = {**wall, "side": F.FATHER_REF}
    with pytest.raises(ValidationError, match="nooit verplaatst"):
        F.load(walled, moved)
    jdevries = F.actor(walled, "jdevries")
    with walled.session() as s:
        assert cases.get_case_by_ref(s, jdevries, F.MOTHER_REF)
    with walled.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, jdevries, F.FATHER_REF)


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"cases": ["2024-L2-00017"]}, "cases", "twee verschillende"),
        ({"cases": ["2024-L2-00017", "2024-L2-99999"]}, "cases", "onbekende zaak"),
        ({"status": "gone"}, "status", "gone"),
        ({"decided": "2024-06-01T10:00"}, "decided_by", "horen bij elkaar"),
        ({"decided": "2024-06-01T10:00", "decided_by": "nobody"}, "decided_by", "onbekende"),
        ({"score": "high"}, "score", "geheel getal"),
    ],
)
def test_a_bad_conflict_record_is_refused_at_its_field(
    walled: Database, record: dict[str, Any], field: str, message: str
) -> None:
    base = _of(_export(walled), "conflict")[0]
    with pytest.raises(ValidationError, match=message) as refused:
        F.load(walled, {**base, **record})
    assert refused.value.field == field


def test_a_wall_needs_its_conflict_and_one_of_its_two_cases(walled: Database) -> None:
    records = _export(walled)
    wall = _of(records, "wall")[0]
    with pytest.raises(ValidationError, match="een van de twee zaken"):
        F.load(walled, {**wall, "side": "2024-L2-99999"})
    F.load(walled, R.case(ref="2024-L2-00099", handler="sbakker"))
    with pytest.raises(ValidationError, match="geen conflict tussen"):
        F.load(walled, {**wall, "cases": [F.MOTHER_REF, "2024-L2-00099"], "side": F.MOTHER_REF})
