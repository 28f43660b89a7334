"""Conflict cases: detected and marked automatically, listed for admins and managers.

`detect` runs whenever cases are registered, edited or imported (in the same
transaction). It keeps the name index (`match_keys`) of those cases up to
date, finds candidate cases of the same family through indexed queries
(the same child birth date, the same parent birth date, or at least two
shared name keys of people without a birth date), and lets
`family_match.compare` decide. A strong match between two parents who stand
against each other becomes a conflict pair at once; a weak one waits on the
admin's review list and walls both cases provisionally until the admin
decides (confirm: a conflict pair; dismiss: the provisional wall is lifted).
Walls only go up otherwise: a later edit never lifts one.

When a conflict pair or a weak match is found, every user who handles or has opened one of
the two cases is put on a side (`WallClaim`): the side they handle; else the
one they opened first; else the older case. A user who was on both sides
before the conflict was known keeps that one side and is marked
`both_sides` in the conflict list, so that the admin can arrange a handover.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session, aliased

from ikodesk.errors import InputError, NotFoundError
from ikodesk.models import Case, ConflictPair, ConflictStatus, MatchKey, WallClaim
from ikodesk.models.enums import ParentSide, RequesterKind
from ikodesk.services import access, audit, walls
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.family_match import (
    CaseProfile,
    ChildProfile,
    Name,
    PersonProfile,
    Status,
    compare,
    contact_keys,
    match_keys,
)
from ikodesk.services.validation import CaseData, PersonData

_CHUNK = 500
# From this many cases on (an import), candidates are found in memory.
BULK_CASES = 2000


@dataclass
class DetectionResult:
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # new conflict pairs
    reviews: list[tuple[int, int]] = field(default_factory=list)  # new or updated reviews
    candidates: int = 0  # pairs scored

    def summary(self) -> str:
        return f"{len(self.conflicts)} conflicten, {len(self.reviews)} ter beoordeling"


# --- profiles from the database --------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _fill(session: Session, table: str, ids: Iterable[int]) -> None:
    """Put these ids into a temporary table (match_subject or match_load)."""
    assert table in ("match_subject", "match_load")
    session.execute(text(_TEMP_TABLES[table]))
    session.execute(text(_CLEAR[table]))
    rows = [(i,) for i in ids]
    if rows:
        session.connection().exec_driver_sql(_INSERT[table], rows)


_TEMP_TABLES = {
    "match_subject": "CREATE TEMP TABLE IF NOT EXISTS match_subject (id INTEGER PRIMARY KEY)",
    "match_load": "CREATE TEMP TABLE IF NOT EXISTS match_load (id INTEGER PRIMARY KEY)",
}
_CLEAR = {
    "match_subject": "DELETE FROM match_subject",
    "match_load": "DELETE FROM match_load",
}
_INSERT = {
    "match_subject": "INSERT INTO match_subject (id) VALUES (?)",
    "match_load": "INSERT INTO match_load (id) VALUES (?)",
}
_LOAD_PERSONS = """
SELECT p.case_id, p.role, p.kind, p.relation, p.side, p.first_name, p.last_name, p.birth_date,
  p.phone, p.email
FROM match_load l CROSS JOIN persons p ON p.case_id = l.id
"""
_LOAD_CHILDREN = """
SELECT k.case_id, k.first_name, k.last_name, k.birth_date, k.age, c.opened
FROM match_load l CROSS JOIN children k ON k.case_id = l.id JOIN cases c ON c.id = k.case_id
ORDER BY k.case_id, k.position
"""


def load_profiles(session: Session, case_ids: Iterable[int]) -> dict[int, CaseProfile]:
    """Profiles of those cases whose requester is a parent (others cannot conflict)."""
    _fill(session, "match_load", sorted(set(case_ids)))
    persons: dict[int, dict[str, Any]] = defaultdict(dict)
    kids: dict[int, list[ChildProfile]] = defaultdict(list)
    for row in session.execute(text(_LOAD_PERSONS)).all():
        persons[row[0]][row[1]] = row
    for cid, first, last, born, age, opened in session.execute(text(_LOAD_CHILDREN)).all():
        kids[cid].append(ChildProfile.of(first, last, _day(born), age, _day(opened) or date.min))
    session.execute(text(_CLEAR["match_load"]))
    profiles: dict[int, CaseProfile] = {}
    for cid, p in persons.items():
        req = p.get("requester")
        if req is None or req[2] != "parent":
            continue
        other = p.get("other_parent")
        profiles[cid] = CaseProfile(
            case_id=cid,
            requester=_person(req, with_side=True),
            other_parent=_person(other, with_side=False) if other is not None else None,
            children=tuple(kids.get(cid, ())),
        )
    return profiles


def profile_from_data(case_id: int, data: CaseData) -> CaseProfile | None:
    """The profile of a case being written, from its typed record (as load_profiles reads it)."""
    req = data.requester
    if req.kind is not RequesterKind.PARENT:
        return None
    lone = req.birth_date is None and not (req.phone or req.email)
    if lone and not data.children and data.other_parent is None:
        return None  # nothing to match on (load_profiles would not be asked for it)

    def person(p: PersonData, side: ParentSide | None) -> PersonProfile:
        return PersonProfile(
            Name.of(p.first_name, p.last_name),
            p.birth_date,
            p.relation,
            side,
            contact_keys(p.phone, p.email),
        )

    return CaseProfile(
        case_id=case_id,
        requester=person(req, req.side),
        other_parent=person(data.other_parent, None) if data.other_parent else None,
        children=tuple(
            ChildProfile.of(c.first_name, c.last_name, c.birth_date, c.age, data.opened)
            for c in data.children
        ),
    )


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _person(row: Any, *, with_side: bool) -> PersonProfile:
    _, _, _, relation, side, first, last, born, phone, email = row
    return PersonProfile(
        name=Name.of(first, last),
        birth_date=_day(born),
        relation=relation,
        side=ParentSide(side) if with_side and side else None,
        contact=contact_keys(phone, email),
    )


# --- detection ----------------------------------------------------------------------


def detect(
    session: Session,
    case_ids: Sequence[int],
    profiles: Mapping[int, CaseProfile | None] | None = None,
) -> DetectionResult:
    """Index these cases and mark their conflicts and weak matches with any other case.

    Called by the case service after a registration or an edit, and once by
    the import for all the cases it wrote, in the caller's transaction.
    `profiles` may give the cases' profiles from memory (the import has them;
    None for a case that cannot match); otherwise they are read back.
    """
    result = DetectionResult()
    ids = sorted(set(case_ids))
    if not ids:
        return result
    s = session
    if s.scalar(text(_INDEX_READY)) is None:
        # A database from before conflict detection: index and check every case once.
        s.execute(text(_SET_INDEX_READY))
        return detect(s, list(s.scalars(select(Case.id))))
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
    todo = [p for p in pairs if existing.get(p, (0, None))[1] is not ConflictStatus.CONFLICT]
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
        pair_id, status = existing.get((a, b), (None, None))
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
            _set(s, pair_id, ConflictStatus.REVIEW, verdict.score, verdict.reason, now)
            result.reviews.append((a, b))
        # A dismissed pair stays dismissed unless a strong match turns up.
    s.flush()
    if new_walls:
        put_users_on_sides(s, new_walls)
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
    _fill(s, "match_subject", ids)
    s.execute(text(_KEEP_MATCHABLE))
    matchable = [r[0] for r in s.execute(text(_SUBJECT_IDS)).all()]
    s.execute(text(_CLEAR["match_subject"]))
    return load_profiles(s, matchable)


def _insert_keys(s: Session, keys: Mapping[int, set[tuple[int, str, bool]]]) -> None:
    rows = [(cid, entity, key, undated) for cid, ks in keys.items() for entity, key, undated in ks]
    if rows:
        s.connection().exec_driver_sql(
            "INSERT INTO match_keys (case_id, entity, key, undated) VALUES (?, ?, ?, ?)", rows
        )


def _delete_keys(s: Session, case_ids: Iterable[int]) -> None:
    for chunk in _chunks(sorted(set(case_ids))):
        s.execute(delete(MatchKey).where(MatchKey.case_id.in_(chunk)))


def _pairs_in_database(
    s: Session, ids: Sequence[int], keys: Mapping[int, set[tuple[int, str, bool]]]
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
    s: Session, ids: set[int], keys: Mapping[int, set[tuple[int, str, bool]]]
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
    for cid, ks in keys.items():
        for entity, key, undated in ks:
            by_key[key].append((cid, entity, undated))
    _insert_keys(s, keys)
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
_KEEP_MATCHABLE = """
DELETE FROM match_subject WHERE NOT EXISTS (
  SELECT 1 FROM persons r WHERE r.case_id = match_subject.id AND r.role = 'requester'
  AND r.kind = 'parent' AND (
    r.birth_date IS NOT NULL OR r.phone IS NOT NULL OR r.email IS NOT NULL
    OR EXISTS (SELECT 1 FROM children c WHERE c.case_id = r.case_id)
    OR EXISTS (SELECT 1 FROM persons o WHERE o.case_id = r.case_id AND o.role = 'other_parent')
  )
)
"""


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
) -> dict[tuple[int, int], tuple[int, ConflictStatus]]:
    out: dict[tuple[int, int], tuple[int, ConflictStatus]] = {}
    firsts = sorted({a for a, _ in pairs})
    wanted = set(pairs)
    for chunk in _chunks(firsts):
        for pid, a, b, status in s.execute(
            select(
                ConflictPair.id, ConflictPair.case_a_id, ConflictPair.case_b_id, ConflictPair.status
            ).where(ConflictPair.case_a_id.in_(chunk))
        ):
            if (a, b) in wanted:
                out[(a, b)] = (pid, status)
    return out


def put_users_on_sides(session: Session, pair_ids: Sequence[int]) -> None:
    """Give every user attached to either case of these new pairs their side.

    For a conflict pair and for a weak match alike: a weak match walls
    provisionally until the admin decides.
    """
    s = session
    pairs = list(
        s.execute(
            select(ConflictPair.id, ConflictPair.case_a_id, ConflictPair.case_b_id).where(
                ConflictPair.id.in_(list(pair_ids))
            )
        )
    )
    case_ids = sorted({c for _, a, b in pairs for c in (a, b)})
    info: dict[int, tuple[int, date, int]] = {}
    for chunk in _chunks(case_ids):
        for cid, handler, opened in s.execute(
            select(Case.id, Case.handler_id, Case.opened).where(Case.id.in_(chunk))
        ):
            info[cid] = (handler, opened, cid)
    opened_at = walls.openings(s, case_ids)
    already = {
        (pid, uid)
        for pid, uid in s.execute(
            select(WallClaim.pair_id, WallClaim.user_id).where(
                WallClaim.pair_id.in_(list(pair_ids))
            )
        )
    }
    now = datetime.now()
    claims: list[dict[str, Any]] = []
    for pid, a, b in pairs:
        users = {info[a][0], info[b][0]} | {u for (u, c) in opened_at if c in (a, b)}
        for uid in sorted(users):
            if (pid, uid) in already:
                continue
            side, basis, both = _side_of(uid, a, b, info, opened_at)
            claims.append(
                {
                    "pair_id": pid,
                    "user_id": uid,
                    "case_id": side,
                    "basis": basis,
                    "both_sides": both,
                    "at": now,
                }
            )
    if claims:
        s.execute(insert(WallClaim), claims)


def _side_of(
    uid: int,
    a: int,
    b: int,
    info: dict[int, tuple[int, date, int]],
    opened_at: dict[tuple[int, int], datetime],
) -> tuple[int, str, bool]:
    handles = [c for c in (a, b) if info[c][0] == uid]
    seen = [c for c in (a, b) if (uid, c) in opened_at]
    both = len(set(handles) | set(seen)) == 2
    if len(handles) == 1:
        return handles[0], "handler", both
    if len(seen) == 1 and not handles:
        return seen[0], "opened", both
    if len(seen) == 2:
        first = min(seen, key=lambda c: (opened_at[(uid, c)], c))
        return first, "first_opened", both
    older = min((a, b), key=lambda c: (info[c][1], c))
    return older, "older_case", both


def check_handler(
    session: Session,
    case_id: int,
    *,
    actor: Actor | None = None,
    action: Action = Action.CASE_UPDATE,
) -> None:
    """Refuse (HandlerWalled) when the case's own handler is walled from it.

    After a registration or an edit revealed a conflict with a case the same
    handler works on, the new or edited case needs another handler. With
    `actor`, the refusal is audited as theirs.
    """
    handler_id = session.scalar(select(Case.handler_id).where(Case.id == case_id))
    if handler_id is not None:
        access.require_assignable(session, handler_id, case_id, actor=actor, action=action)


# --- lists for the admin and the manager ---------------------------------------------


@dataclass(frozen=True)
class ConflictInfo:
    """A conflict pair as admins and managers see it: references, no dossier contents."""

    id: int
    cases: tuple[str, str]
    status: ConflictStatus
    reason: str
    detected: datetime
    score: int
    # Someone had seen both sides before the conflict was known.
    both_sides: bool = False
    # A case's own handler is walled from it: another handler must take it over.
    handover: bool = False
    decided: datetime | None = None

    @property
    def provisional_wall(self) -> bool:
        """A weak match under review walls both cases until the admin decides."""
        return self.status is ConflictStatus.REVIEW

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cases": list(self.cases),
            "status": self.status.value,
            "reason": self.reason,
            "detected": self.detected.isoformat(timespec="seconds"),
            "score": self.score,
            "both_sides": self.both_sides,
            "handover": self.handover,
            "provisional_wall": self.provisional_wall,
        }


def _infos(session: Session, status: ConflictStatus) -> list[ConflictInfo]:
    ca, cb = aliased(Case), aliased(Case)
    both = (
        select(func.count())
        .select_from(WallClaim)
        .where(WallClaim.pair_id == ConflictPair.id, WallClaim.both_sides.is_(True))
        .correlate(ConflictPair)
        .scalar_subquery()
    )
    handover = (
        select(func.count())
        .select_from(WallClaim)
        .join(Case, Case.handler_id == WallClaim.user_id)
        .where(
            WallClaim.pair_id == ConflictPair.id,
            ((Case.id == ConflictPair.case_a_id) & (WallClaim.case_id == ConflictPair.case_b_id))
            | ((Case.id == ConflictPair.case_b_id) & (WallClaim.case_id == ConflictPair.case_a_id)),
        )
        .correlate(ConflictPair)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            ConflictPair.id,
            ca.ref,
            cb.ref,
            ConflictPair.status,
            ConflictPair.reason,
            ConflictPair.detected,
            ConflictPair.score,
            both,
            handover,
            ConflictPair.decided,
        )
        .join(ca, ca.id == ConflictPair.case_a_id)
        .join(cb, cb.id == ConflictPair.case_b_id)
        .where(ConflictPair.status == status)
        .order_by(ConflictPair.detected.desc(), ConflictPair.id.desc())
    )
    return [
        ConflictInfo(pid, (ra, rb), st, reason, det, score, bool(n), bool(h), dec)
        for pid, ra, rb, st, reason, det, score, n, h, dec in rows
    ]


def list_conflicts(session: Session, actor: Actor) -> list[ConflictInfo]:
    """Every conflict pair, newest first (admin and manager: references only)."""
    access.require(session, actor, Action.CONFLICTS_VIEW)
    return _infos(session, ConflictStatus.CONFLICT)


def review_list(session: Session, actor: Actor) -> list[ConflictInfo]:
    """Weak matches waiting for the admin's decision (each walled provisionally)."""
    access.require(session, actor, Action.CONFLICTS_REVIEW, detail="beoordelingslijst")
    return _infos(session, ConflictStatus.REVIEW)


def _pending(session: Session, pair_id: int) -> ConflictPair:
    pair = session.get(ConflictPair, pair_id)
    if pair is None:
        raise NotFoundError(f"Er is geen mogelijke conflictzaak met nummer {pair_id}.")
    if pair.status is not ConflictStatus.REVIEW:
        raise InputError(f"Mogelijke conflictzaak {pair_id} is al beoordeeld.")
    return pair


def _refs(session: Session, pair: ConflictPair) -> str:
    a = session.scalar(select(Case.ref).where(Case.id == pair.case_a_id))
    b = session.scalar(select(Case.ref).where(Case.id == pair.case_b_id))
    return f"{a}/{b}"


def confirm(session: Session, actor: Actor, pair_id: int) -> ConflictInfo:
    """The admin confirms a weak match: the two cases become a conflict pair (walled).

    The provisional wall stays as it is and becomes a normal one.
    """
    pair = _pending(session, pair_id)
    access.require(
        session,
        actor,
        Action.CONFLICTS_REVIEW,
        object_ref=_refs(session, pair),
        detail="bevestigd; muur blijft staan",
    )
    pair.status = ConflictStatus.CONFLICT
    pair.decided = datetime.now()
    pair.decided_by = actor.user_id
    pair.reason = "bevestigd door beheerder; " + pair.reason
    session.flush()
    put_users_on_sides(session, [pair.id])
    return next(i for i in _infos(session, ConflictStatus.CONFLICT) if i.id == pair.id)


def dismiss(session: Session, actor: Actor, pair_id: int) -> None:
    """The admin decides a weak match is not one family: the provisional wall is lifted.

    Its claims go, so that a strong match found later puts everyone on a side
    afresh (and marks who has meanwhile seen both). A strong match later still counts.
    """
    pair = _pending(session, pair_id)
    access.require(
        session,
        actor,
        Action.CONFLICTS_REVIEW,
        object_ref=_refs(session, pair),
        detail="afgewezen; voorlopige muur opgeheven",
    )
    pair.status = ConflictStatus.DISMISSED
    pair.decided = datetime.now()
    pair.decided_by = actor.user_id
    session.execute(delete(WallClaim).where(WallClaim.pair_id == pair.id))
    session.flush()


def scan_all(session: Session, actor: Actor) -> DetectionResult:
    """Index and check every case (after upgrading a database that had cases already)."""
    access.require(session, actor, Action.CONFLICTS_REVIEW, detail="alle zaken controleren")
    ids = list(session.scalars(select(Case.id)))
    result = detect(session, ids)
    audit.log(session, actor, "conflicts.scan", "conflict", None, detail=result.summary())
    return result


def conflict_case_ids(session: Session, case_ids: Sequence[int]) -> set[int]:
    """Of these cases, those in a walling pair (also provisional): the badge in lists and forms."""
    return walls.conflict_case_ids(session, case_ids)


_HANDLER_CLAIMS = text(
    "INSERT OR IGNORE INTO wall_claims (pair_id, user_id, case_id, basis, both_sides, at) "
    "SELECT p.id, c.handler_id, c.id, 'assigned', 0, :at FROM conflict_pairs p "
    "JOIN cases c ON c.id = p.case_a_id OR c.id = p.case_b_id "
    "WHERE p.status IN ('conflict', 'review') AND c.id IN :ids"  # walls.WALLING
).bindparams(bindparam("ids", expanding=True))


def claim_for_handlers(session: Session, case_ids: Sequence[int]) -> None:
    """Put the handlers of these cases on their case's side of its conflicts.

    For handlers assigned after a conflict was found; a handler who already
    stands on the other side keeps that side (and shows as a needed handover).
    """
    now = datetime.now()
    for chunk in _chunks(sorted(set(case_ids))):
        session.execute(_HANDLER_CLAIMS, {"ids": chunk, "at": now})
