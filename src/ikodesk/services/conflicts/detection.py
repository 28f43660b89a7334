"""Conflict detection: index match keys, find candidate pairs, mark conflicts and reviews.

Candidates are found through indexed queries for a few cases (an edit) and in
memory for many (an import); `family_match.compare` decides each pair.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import ARRAY, Integer, Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from ikodesk.models import Case, ConflictPair, ConflictStatus, MatchKey
from ikodesk.services import bulk_indexes
from ikodesk.services.backend import on_server
from ikodesk.services.bulk_insert import insert_rows
from ikodesk.services.conflicts.profiles import _CLEAR, _chunks, _fill, load_profiles
from ikodesk.services.conflicts.sides import put_users_on_sides
from ikodesk.services.family_match import (
    CaseProfile,
    Status,
    compare,
    match_keys,
)
from ikodesk.services.family_match.profile_json import profile_to_json
from ikodesk.services.nlformat import counted, number

# From this many cases on (an import), candidates are found in memory.
BULK_CASES = 2000


@dataclass
class DetectionResult:
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # new conflict pairs
    reviews: list[tuple[int, int]] = field(default_factory=list)  # new or updated reviews
    candidates: int = 0  # pairs scored

    def summary(self) -> str:
        conflicts = counted(len(self.conflicts), "conflict", "conflicten")
        return f"{conflicts}, {number(len(self.reviews))} ter beoordeling"


def detect(
    session: Session,
    case_ids: Sequence[int],
    profiles: Mapping[int, CaseProfile | None] | None = None,
    *,
    keys: Mapping[int, Collection[tuple[int, str, bool]]] | None = None,
) -> DetectionResult:
    """Index these cases and mark their conflicts and weak matches with any other case.

    Called by the case service after a registration or an edit, and once by
    the import for all the cases it wrote, in the caller's transaction.
    `profiles` may give the cases' profiles from memory (None for a case that
    cannot match); otherwise they are read back. `keys` instead: only their match
    keys (a large import keeps no more: issue #16), the profiles of the candidate
    pairs are read back.
    """
    result = DetectionResult()
    ids = sorted(set(case_ids))
    if not ids:
        return result
    s = session
    if on_server(s):
        return _detect_on_server(s, ids, profiles)
    if s.scalar(text(_INDEX_READY)) is None:
        # A database from before conflict detection: index and check every case once.
        s.execute(text(_SET_INDEX_READY))
        return detect(s, list(s.scalars(select(Case.id))))
    if keys is not None:
        subject: dict[int, CaseProfile] = {}
    else:
        if profiles is None:
            subject = _load_matchable(s, ids)
        else:
            subject = {i: p for i in ids if (p := profiles.get(i)) is not None}
        keys = {cid: match_keys(p) for cid, p in subject.items()}
    if len(ids) > BULK_CASES:
        pairs = _pairs_in_memory(s, set(ids), keys)
    else:
        pairs = _pairs_in_database(s, ids, keys)
    if not pairs:
        return result
    profiles_ = dict(subject)
    existing = _existing_pairs(s, pairs)
    todo = [p for p in pairs if p not in existing or existing[p][1] is not ConflictStatus.CONFLICT]
    missing = {x for p in todo for x in p} - set(profiles_)
    profiles_.update(load_profiles(s, missing))
    now = datetime.now()
    new_walls: list[int] = []  # conflicts, and weak matches (provisional walls)
    for a, b in todo:
        pa, pb = profiles_.get(a), profiles_.get(b)
        if pa is None or pb is None:
            continue
        result.candidates += 1
        verdict = compare(pa, pb)
        if verdict is None:
            continue
        pair_id, status, score, reason = existing.get((a, b), (None, None, None, None))
        if verdict.status is Status.CONFLICT:
            if pair_id is None:
                pair = ConflictPair(
                    case_a_id=a,
                    case_b_id=b,
                    status=ConflictStatus.CONFLICT,
                    score=verdict.score,
                    reason=verdict.reason,
                    detected=now,
                )
                s.add(pair)
                s.flush()
                pair_id = pair.id
            else:
                _set(s, pair_id, ConflictStatus.CONFLICT, verdict.score, verdict.reason, now)
            new_walls.append(pair_id)
            result.conflicts.append((a, b))
        elif status is None:
            review = ConflictPair(
                case_a_id=a,
                case_b_id=b,
                status=ConflictStatus.REVIEW,
                score=verdict.score,
                reason=verdict.reason,
                detected=now,
            )
            s.add(review)
            s.flush()
            new_walls.append(review.id)
            result.reviews.append((a, b))
        elif status is ConflictStatus.REVIEW and pair_id is not None:
            # The same weak match found again keeps the moment it was first found (an
            # import of a file with the pair in it: the pair came back as it went out).
            if (score, reason) != (verdict.score, verdict.reason):
                _set(s, pair_id, ConflictStatus.REVIEW, verdict.score, verdict.reason, now)
            result.reviews.append((a, b))
        # A dismissed pair stays dismissed unless a strong match turns up.
    s.flush()
    if new_walls:
        put_users_on_sides(s, new_walls)
    return result


# Cases per call: one round trip for many (an import), each checked by the server.
_SERVER_BATCH = 200
_DETECT_MANY_ON_SERVER = text("SELECT ikodesk_detect_many(CAST(:cases AS jsonb))")


def _detect_on_server(
    s: Session, ids: Sequence[int], profiles: Mapping[int, CaseProfile | None] | None
) -> DetectionResult:
    """On the office server: hand each case's profile to the server, which compares it.

    The login reads only the cases it works on; the server's function finds the
    candidates among all cases, compares, records pairs and walls, and returns
    only case ids and statuses (storage/server/sql/functions.sql). An import
    hands in the profiles it made from the file (its administrator cannot read
    the cases back; the server accepts that only for cases of its own transaction).
    """
    result = DetectionResult()
    if profiles is None:
        subject = _load_matchable(s, ids)
    else:
        subject = {i: p for i in ids if (p := profiles.get(i)) is not None}
    batch: list[Any] = []
    for case_id in ids:
        profile = subject.get(case_id)
        batch.append(
            [
                case_id,
                profile_to_json(profile) if profile is not None else None,
                sorted(match_keys(profile)) if profile is not None else [],
            ]
        )
    for i in range(0, len(batch), _SERVER_BATCH):
        found = s.scalar(
            _DETECT_MANY_ON_SERVER, {"cases": json.dumps(batch[i : i + _SERVER_BATCH])}
        )
        for a, b, status in found or []:
            (result.conflicts if status == "conflict" else result.reviews).append((a, b))
    return result


def _set(
    s: Session, pair_id: int, status: ConflictStatus, score: int, reason: str, now: datetime
) -> None:
    s.execute(
        update(ConflictPair)
        .where(ConflictPair.id == pair_id)
        .values(status=status, score=score, reason=reason, detected=now)
    )


def _load_matchable(s: Session, ids: Sequence[int]) -> dict[int, CaseProfile]:
    """Profiles of those of these cases that can match anything at all.

    That is a case whose requester is a parent with a birth date, or with
    children, or with a named other parent.
    """
    if on_server(s):  # (an array there: see profiles._LOAD_PERSONS_SERVER)
        matchable = list(s.scalars(_MATCHABLE_ON_SERVER, {"ids": sorted(set(ids))}))
        return load_profiles(s, matchable)
    _fill(s, "match_subject", ids)
    s.execute(text(_KEEP_MATCHABLE))
    matchable = [r[0] for r in s.execute(text(_SUBJECT_IDS)).all()]
    s.execute(text(_CLEAR["match_subject"]))
    return load_profiles(s, matchable)


def _insert_keys(s: Session, keys: Mapping[int, Collection[tuple[int, str, bool]]]) -> None:
    # (undated as 0 or 1: the driver binds a bool through its slow adapter look-up)
    rows = [
        (cid, entity, key, 1 if undated else 0)
        for cid, ks in keys.items()
        for entity, key, undated in ks
    ]
    table = MatchKey.__table__
    assert isinstance(table, Table)
    insert_rows(s, table, ("case_id", "entity", "key", "undated"), rows)


def _delete_keys(s: Session, case_ids: Iterable[int]) -> None:
    for chunk in _chunks(sorted(set(case_ids))):
        s.execute(delete(MatchKey).where(MatchKey.case_id.in_(chunk)))


def _pairs_in_database(
    s: Session, ids: Sequence[int], keys: Mapping[int, Collection[tuple[int, str, bool]]]
) -> list[tuple[int, int]]:
    """Candidates of a few cases: their keys looked up in the index (one edit, one case)."""
    _delete_keys(s, ids)
    _insert_keys(s, keys)
    _fill(s, "match_subject", sorted(keys))
    try:
        return _candidate_pairs(s)
    finally:
        s.execute(text(_CLEAR["match_subject"]))


def _pairs_in_memory(
    s: Session, ids: set[int], keys: Mapping[int, Collection[tuple[int, str, bool]]]
) -> list[tuple[int, int]]:
    """Candidates of many cases (an import): all keys grouped in memory.

    Probing the index once per key of a whole import costs more than reading
    the index once. Same rules as the queries of `_candidate_pairs`.
    """
    by_key: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)
    stale: set[int] = set()
    for cid, entity, key, undated in s.execute(
        text("SELECT case_id, entity, key, undated FROM match_keys")
    ).all():
        if cid in ids:
            stale.add(cid)
        else:
            by_key[key].append((cid, entity, bool(undated)))
    _delete_keys(s, stale)
    incoming = 0
    for cid, ks in keys.items():
        incoming += len(ks)
        for entity, key, undated in ks:
            by_key[key].append((cid, entity, undated))
    # (the keys are read above, not looked up: the index may go for the writes)
    table = MatchKey.__table__
    assert isinstance(table, Table)
    dropped = (
        bulk_indexes.drop_plain_indexes(s, table)
        if bulk_indexes.worth_dropping(s, table, incoming)
        else []
    )
    _insert_keys(s, keys)
    bulk_indexes.create_indexes(s, dropped)
    pairs: set[tuple[int, int]] = set()
    # Pairs linked by names without birth dates, as a << 32 | b (a < b): bit masks of
    # the linked people of a and of b (a pair needs two people on each side).
    mask_a: dict[int, int] = {}
    mask_b: dict[int, int] = {}
    for key, entries in by_key.items():
        if len(entries) < 2:
            continue
        if key[0] == "d":
            cases = sorted({e[0] for e in entries})
            for n, ca in enumerate(cases):
                for cb in cases[n + 1 :]:
                    if ca in ids or cb in ids:
                        pairs.add((ca, cb))
            continue
        undated = [e for e in entries if e[2]]
        if not undated:
            continue
        dated = [e for e in entries if not e[2]]
        for n, (cu, eu, _) in enumerate(undated):
            u_in = cu in ids
            bit_u = 1 << eu
            # Each undated entry against every dated one, and the undated ones after it.
            for co, eo, _ in chain(dated, undated[n + 1 :]):
                if co == cu or not (u_in or co in ids):
                    continue
                if cu < co:
                    k = (cu << 32) | co
                    mask_a[k] = mask_a.get(k, 0) | bit_u
                    mask_b[k] = mask_b.get(k, 0) | (1 << eo)
                else:
                    k = (co << 32) | cu
                    mask_a[k] = mask_a.get(k, 0) | (1 << eo)
                    mask_b[k] = mask_b.get(k, 0) | bit_u
    for k, ma in mask_a.items():
        mb = mask_b[k]
        if ma & (ma - 1) and mb & (mb - 1):  # at least two bits each
            pairs.add((k >> 32, k & 0xFFFFFFFF))
    return sorted(pairs)


# Set by migration 0003 on a database without cases, and by the first full indexing.
_INDEX_READY = "SELECT value FROM meta WHERE key = 'match_index'"
_SET_INDEX_READY = (
    "INSERT INTO meta (key, value) VALUES ('match_index', 'ready') "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)
_SUBJECT_IDS = "SELECT id FROM match_subject"
_MATCHABLE = """
  r.role = 'requester' AND r.kind = 'parent' AND (
    r.birth_date IS NOT NULL OR r.phone IS NOT NULL OR r.email IS NOT NULL
    OR EXISTS (SELECT 1 FROM children c WHERE c.case_id = r.case_id)
    OR EXISTS (SELECT 1 FROM persons o WHERE o.case_id = r.case_id AND o.role = 'other_parent')
  )
"""
# (constant texts joined, nothing from outside)
_KEEP_MATCHABLE = (
    "DELETE FROM match_subject WHERE NOT EXISTS ("  # noqa: S608
    " SELECT 1 FROM persons r WHERE r.case_id = match_subject.id AND " + _MATCHABLE + ")"
)
_MATCHABLE_ON_SERVER = text(
    f"SELECT r.case_id FROM persons r WHERE r.case_id = ANY(:ids) AND {_MATCHABLE}"  # noqa: S608
    " ORDER BY r.case_id"
).bindparams(bindparam("ids", type_=ARRAY(Integer)))


# Candidate pairs: (subject case, other case). CROSS JOIN keeps SQLite's join
# order (subject first, then its keys by primary key, then the same keys
# elsewhere by index), so one edited case looks at its own keys only. Date keys: one shared key is
# enough. Name keys of people without a birth date: at least two shared keys
# (one name alone can never reach the review threshold).
_DATE_PAIRS = """
SELECT DISTINCT k1.case_id, k2.case_id FROM match_subject sub
CROSS JOIN match_keys k1 ON k1.case_id = sub.id AND +k1.key >= 'd' AND +k1.key < 'e'
JOIN match_keys k2 INDEXED BY ix_match_keys_key_undated
  ON k2.key = k1.key AND k2.case_id <> k1.case_id
"""
_NAME_PAIRS = """
SELECT a, b FROM (
  SELECT k1.case_id AS a, k2.case_id AS b, k1.entity AS ea, k2.entity AS eb
  FROM match_subject sub
  CROSS JOIN match_keys k1 ON k1.case_id = sub.id AND +k1.key >= 'n' AND +k1.key < 'o'
    AND k1.undated = 1
  JOIN match_keys k2 INDEXED BY ix_match_keys_key_undated
    ON k2.key = k1.key AND k2.case_id <> k1.case_id
  UNION ALL
  SELECT k1.case_id, k2.case_id, k1.entity, k2.entity FROM match_subject sub
  CROSS JOIN match_keys k1 ON k1.case_id = sub.id AND +k1.key >= 'n' AND +k1.key < 'o'
    AND k1.undated = 0
  JOIN match_keys k2 INDEXED BY ix_match_keys_key_undated
    ON k2.key = k1.key AND k2.undated = 1 AND k2.case_id <> k1.case_id
) GROUP BY a, b HAVING count(DISTINCT ea) >= 2 AND count(DISTINCT eb) >= 2
"""


def _candidate_pairs(s: Session) -> list[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for sql in (_DATE_PAIRS, _NAME_PAIRS):
        for a, b in s.execute(text(sql)).all():
            pairs.add((a, b) if a < b else (b, a))
    return sorted(pairs)


def _existing_pairs(
    s: Session, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, ConflictStatus, int, str]]:
    """(id, status, score, reason) of the stored pairs among these."""
    out: dict[tuple[int, int], tuple[int, ConflictStatus, int, str]] = {}
    firsts = sorted({a for a, _ in pairs})
    wanted = set(pairs)
    for chunk in _chunks(firsts):
        for pid, a, b, status, score, reason in s.execute(
            select(
                ConflictPair.id,
                ConflictPair.case_a_id,
                ConflictPair.case_b_id,
                ConflictPair.status,
                ConflictPair.score,
                ConflictPair.reason,
            ).where(ConflictPair.case_a_id.in_(chunk))
        ):
            if (a, b) in wanted:
                out[(a, b)] = (pid, status, score, reason)
    return out
