"""Conflict detection on real databases: a year of demo data, both candidate paths.

The small-family tests run on both backends (`backend`). File only, by nature:
the full-scale year (11,000 cases: too big for a fresh server database per test;
the server's detection has its own parity tests in tests/pg/test_family_match_sql.py),
the file's two client-side candidate paths (the server finds candidates in SQL),
and the first detection after a file's upgrade (migration 0004's meta marker).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select, text

from ikodesk.errors import UsageError
from ikodesk.models import Case, ConflictPair, ConflictStatus, MatchKey
from ikodesk.services import case_queries as q
from ikodesk.services import conflicts, exchange
from ikodesk.services.actors import Actor
from ikodesk.services.conflicts import detection
from ikodesk.services.demo import DemoGenerator
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

KH = Actor.key_holder()


class _TruthfulGenerator(DemoGenerator):
    """The demo generator, noting which cases it mirrored: the ground truth."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mirrored: set[tuple[str, str]] = set()

    def _mirror_case(self, ref: str, case: dict[str, Any]) -> list[dict[str, Any]]:
        self.mirrored.add((case["ref"], ref))
        return super()._mirror_case(ref, case)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, _TruthfulGenerator, float]:
    """2024 at full scale (about 11,000 cases), imported once for this module."""
    from tests.conftest import TEST_PASSPHRASE

    path = tmp_path_factory.mktemp("year") / "year.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    gen = _TruthfulGenerator(seed=2024, scale=1.0)
    lines = [exchange.json_line(r) for r in gen.records([2024], with_history=False)]
    started = time.perf_counter()
    with db.transaction() as s:
        exchange.import_lines(s, KH, lines)
    elapsed = time.perf_counter() - started
    yield db, gen, elapsed
    db.close()


def _pairs(db: Database, status: ConflictStatus) -> set[tuple[str, str]]:
    with db.session() as s:
        refs = dict(s.execute(select(Case.id, Case.ref)).all())
        return {
            (refs[a], refs[b])
            for a, b in s.execute(
                select(ConflictPair.case_a_id, ConflictPair.case_b_id).where(
                    ConflictPair.status == status
                )
            )
        }


@pytest.mark.slow
def test_a_year_of_demo_data_marks_every_mirrored_pair(year: Any) -> None:
    db, gen, elapsed = year
    assert gen.conflict_pairs == len(gen.mirrored) >= 5
    assert _pairs(db, ConflictStatus.CONFLICT) == gen.mirrored
    assert len(_pairs(db, ConflictStatus.REVIEW)) <= gen.conflict_pairs
    assert elapsed < 30  # about 2 s on a developer machine; generous for shared CI


@pytest.mark.slow
def test_walls_leave_the_figures_alone(year: Any) -> None:
    db, gen, _ = year
    (a_ref, b_ref) = sorted(gen.mirrored)[0]
    with db.session() as s:
        handler_id = s.scalar(select(Case.handler_id).where(Case.ref == a_ref))
        user = s.scalar(text("SELECT username FROM users WHERE id = :i"), {"i": handler_id})
    walled_user = F.actor(db, user)
    with db.session() as s:
        by_code = Counter(
            dict(s.execute(text("SELECT code, count(*) FROM cases GROUP BY code")).all())
        )
        total = s.scalar(text("SELECT count(*) FROM cases WHERE line = 2"))
        listed = q.count_cases(s, walled_user, q.CaseFilter(line=2))
        b_id = s.scalar(select(Case.id).where(Case.ref == b_ref))
        assert q.fetch_rows(s, walled_user, [b_id])[b_id].masked
    # Every generated case is counted, walled or not.
    assert total == listed == sum(v for k, v in by_code.items() if k != "travel_consent")
    assert by_code["international_abduction"] == 148 + 129 + gen.conflict_pairs


def test_both_candidate_paths_find_the_same_pairs(year: Any) -> None:
    db, gen, _ = year
    with db.transaction() as s:
        refs = {r for pair in gen.mirrored for r in pair}
        ids = list(s.scalars(select(Case.id).where(Case.ref.in_(refs))))
        ids += list(s.scalars(select(Case.id).where(Case.line == 2).limit(400)))
        subject = set(ids)
        profiles = conflicts.load_profiles(s, subject)
        keys = {cid: conflicts.match_keys(p) for cid, p in profiles.items()}
        in_db = detection._pairs_in_database(s, sorted(subject), keys)
        in_memory = detection._pairs_in_memory(s, subject, keys)
        s.rollback()
    assert in_db == in_memory
    assert {tuple(sorted((_ref(db, a), _ref(db, b)))) for a, b in in_db} >= gen.mirrored


def test_profiles_from_memory_equal_profiles_read_back(backend: Backend) -> None:
    backend.load(*F.STAFF, R.ABDUCTION_CASE, F.FATHER_CASE, F.UNRELATED_CASE)
    records = [R.ABDUCTION_CASE, F.FATHER_CASE, F.UNRELATED_CASE]
    for rec in records:
        cid = backend.case_id(rec["ref"])
        # Each case read back by its own handler (on the server: their own login).
        handler = backend.as_(rec["handler"])
        with handler.session() as s:
            read = conflicts.load_profiles(s, [cid])
        assert conflicts.profile_from_data(cid, parse_case(rec)) == read[cid]


def _ref(db: Database, case_id: int) -> str:
    with db.session() as s:
        return str(s.scalar(select(Case.ref).where(Case.id == case_id)))


def test_match_keys_follow_edits_and_scan_rebuilds_them(backend: Backend) -> None:
    backend.load(*F.STAFF, R.ABDUCTION_CASE, F.FATHER_CASE)
    mother = backend.case_id(F.MOTHER_REF)
    admin = backend.as_("beheer")
    with backend.inspect() as s:
        before = s.scalar(select(func.count()).select_from(MatchKey))
        assert before
        assert "dc:2017-09-01|ol" in set(
            s.scalars(select(MatchKey.key).where(MatchKey.case_id == mother))
        )
    if backend.is_server:
        # The server compares every case itself when it is written (and `server
        # migrate` brings the profiles along); the administrator, who reads no
        # dossier, cannot scan them all. Said so, not "Geen toegang".
        with admin.transaction() as s, pytest.raises(UsageError, match="niet nodig"):
            conflicts.scan_all(s, admin.actor)
        return
    with backend.inspect() as s:
        s.execute(text("DELETE FROM match_keys"))
        s.execute(text("DELETE FROM conflict_pairs"))
        s.commit()
    with admin.transaction() as s:
        result = conflicts.scan_all(s, admin.actor)
    assert len(result.conflicts) == 1
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(MatchKey)) == before
        keys = set(s.scalars(select(MatchKey.key).where(MatchKey.case_id == mother)))
    assert "dc:2017-09-01|ol" in keys


def test_third_party_requests_never_conflict(backend: Backend) -> None:
    police = R.case(
        ref="2024-L2-00050",
        requester={"kind": "professional", "organisation_type": "police"},
    )
    result = backend.load(*F.STAFF, police, F.FATHER_CASE)
    assert (result.conflicts, result.reviews) == (0, 0)
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(ConflictPair)) == 0


def test_the_first_detection_after_an_upgrade_indexes_the_old_cases(db: Database) -> None:
    """File only: the marker of a file upgraded past migration 0004 (the server has none)."""
    F.load(db, *F.STAFF, R.ABDUCTION_CASE)
    with db.transaction() as s:  # as migration 0003 leaves a database that had cases
        s.execute(text("DELETE FROM match_keys"))
        s.execute(text("DELETE FROM meta WHERE key = 'match_index'"))
    result = F.load(db, F.FATHER_CASE)
    assert result.conflicts == 1
    with db.session() as s:
        assert s.scalar(text("SELECT value FROM meta WHERE key = 'match_index'")) == "ready"
        indexed = s.scalar(text("SELECT count(DISTINCT case_id) FROM match_keys"))
    assert indexed == 2
