"""Conflicts, walls, review decisions and openings survive an export and an import (#13.7).

The office's export runs on both backends (an encrypted file, the office server, each
user their own login; the server's export is the approved bulk export) and goes into
an empty file. The walled family is made once per module and backend, copied per
test. The server itself imports no conflict, wall or opening record: its own
detection decides the walls, `ikodesk server migrate` moves an office with its
decisions; each test asserts that refusal there. The checks of a conflict or wall
record's fields are the file's alone (the server refuses the record by its type).
"""

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
from tests.support.backends import Backend, export_all
from tests.support.made_once import Made, copy_of, make
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
    """What a file holds (the test's own look, the key holder)."""
    with db.session() as s:
        return list(exchange.export_records(s, F.KH))


def _of(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["type"] == kind]


def _pairs(db: Database) -> list[tuple[ConflictStatus, int]]:
    with db.session() as s:
        return [(p.status, p.decided_by or 0) for p in s.scalars(select(ConflictPair))]


def _fill_walled(db: Backend) -> None:
    db.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    # sbakker reads the mother's case before the family is known to anyone else.
    reader = db.as_("sbakker")
    with reader.transaction() as s:
        cases.get_case_by_ref(s, reader.actor, F.MOTHER_REF)
    db.second_admin()  # who approves the export


@pytest.fixture(scope="module", params=["file", "server"])
def _walled(request: pytest.FixtureRequest) -> Made:
    """The walled family, made once per module and backend."""
    return make(request, _fill_walled)


@pytest.fixture
def walled(_walled: Made, tmp_path: Path) -> Iterator[Backend]:
    with copy_of(_walled, tmp_path) as db:
        yield db


def _refused_on_the_server(db: Backend, record: dict[str, Any]) -> None:
    """The server takes no conflict, wall or opening record: it decides walls itself."""
    with pytest.raises(ValidationError, match="server migrate") as refused:
        db.load(record)
    assert (refused.value.line, refused.value.field) == (1, "type")
    assert record["type"] in refused.value.message


def test_the_export_carries_the_pair_its_walls_and_openings(walled: Backend) -> None:
    records = export_all(walled)
    (pair,) = _of(records, "conflict")
    assert pair["cases"] == [F.MOTHER_REF, F.FATHER_REF]
    assert pair["status"] == "conflict" and "decided" not in pair
    walls = {w["user"]: w["side"] for w in _of(records, "wall")}
    assert walls == {"jdevries": F.MOTHER_REF, "kvisser": F.FATHER_REF, "sbakker": F.MOTHER_REF}
    openings = {(o["user"], o["case"]) for o in _of(records, "case_opening")}
    assert ("sbakker", F.MOTHER_REF) in openings


def test_a_round_trip_keeps_every_wall_and_reimports_unchanged(
    walled: Backend, other_db: Database
) -> None:
    records = export_all(walled)
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
    if walled.is_server:
        for kind in KINDS:
            _refused_on_the_server(walled, _of(records, kind)[0])


def test_a_dismissed_weak_match_stays_dismissed_after_the_move(
    backend: Backend, other_db: Database, tmp_path: Path, _empty_database: Path
) -> None:
    backend.load(*F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    admin = backend.as_("beheer")
    approver = backend.second_admin()
    with admin.transaction() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
        conflicts.dismiss(s, admin.actor, pending.id, approver)
    records = export_all(backend)
    (pair,) = _of(records, "conflict")
    assert pair["status"] == "dismissed" and pair["decided_by"] == "beheer"
    assert _of(records, "wall") == []

    F.load(other_db, *records)
    assert _pairs(other_db) == [(ConflictStatus.DISMISSED, F.actor(other_db, "beheer").user_id)]
    with other_db.session() as s:
        assert s.scalars(select(WallClaim)).all() == []
    if backend.is_server:  # the decision moves with `server migrate`, not an import
        _refused_on_the_server(backend, pair)
        return
    # Without the decision the move would have walled both jurists off again. (What a
    # file's import does without it: the file's own detection, once is enough.)
    fresh = _empty_copy(_empty_database, tmp_path / "fresh.db")
    try:
        F.load(fresh, *[r for r in records if r["type"] != "conflict"])
        assert _pairs(fresh) == [(ConflictStatus.REVIEW, 0)]
        with fresh.session() as s:
            assert len(s.scalars(select(WallClaim)).all()) == 2
    finally:
        fresh.close()


def test_an_import_never_changes_a_decision_or_moves_a_wall(walled: Backend) -> None:
    records = export_all(walled)
    (pair,) = _of(records, "conflict")
    lifted = {**pair, "status": "dismissed", "decided": "2024-06-01T10:00", "decided_by": "beheer"}
    (wall,) = [w for w in _of(records, "wall") if w["user"] == "jdevries"]
    moved = {**wall, "side": F.FATHER_REF}
    if walled.is_server:
        _refused_on_the_server(walled, lifted)
        _refused_on_the_server(walled, moved)
    else:
        with pytest.raises(ValidationError, match="verandert geen besluit") as refused:
            walled.load(lifted)
        assert refused.value.line == 1
        with pytest.raises(ValidationError, match="nooit verplaatst"):
            walled.load(moved)
    jdevries = walled.as_("jdevries")
    with jdevries.session() as s:
        assert cases.get_case_by_ref(s, jdevries.actor, F.MOTHER_REF)
    with jdevries.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, jdevries.actor, F.FATHER_REF)


# File-only: the server refuses a conflict or wall record by its type, before its
# fields (test_an_import_never_changes_a_decision_or_moves_a_wall asserts that).
@pytest.mark.parametrize("_walled", ["file"], indirect=True)
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
    walled: Backend, record: dict[str, Any], field: str, message: str
) -> None:
    assert walled.db is not None
    base = _of(_export(walled.db), "conflict")[0]
    with pytest.raises(ValidationError, match=message) as refused:
        walled.load({**base, **record})
    assert refused.value.field == field


# File-only: as above, the server refuses a wall record by its type.
@pytest.mark.parametrize("_walled", ["file"], indirect=True)
def test_a_wall_needs_its_conflict_and_one_of_its_two_cases(walled: Backend) -> None:
    assert walled.db is not None
    records = _export(walled.db)
    wall = _of(records, "wall")[0]
    with pytest.raises(ValidationError, match="een van de twee zaken"):
        walled.load({**wall, "side": "2024-L2-99999"})
    walled.load(R.case(ref="2024-L2-00099", handler="sbakker"))
    with pytest.raises(ValidationError, match="geen conflict tussen"):
        walled.load({**wall, "cases": [F.MOTHER_REF, "2024-L2-00099"], "side": F.MOTHER_REF})
