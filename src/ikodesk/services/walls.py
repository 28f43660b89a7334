"""The data behind conflict walls: who stands on which side of which conflict pair.

Queries and idempotent writes only; the decisions are made in
`services.access` (the policy point) and `services.conflicts` (detection).
A user is walled from a case when they hold a claim on the other case of a
walling pair: a confirmed conflict pair, or a weak match waiting for the
admin's review (a provisional wall, `WALLING`). Claims are recorded when a
pair is found (for every user who handles or has opened either side), when
a case is assigned, and when a user opens a case of a pair; they are only
removed when an admin dismisses a weak match (the provisional wall is lifted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, or_, select, text
from sqlalchemy.orm import Session

from ikodesk.models import Case, CaseOpening, ConflictPair, ConflictStatus, WallClaim

_CHUNK = 500

# Pair statuses that wall: confirmed conflicts, and weak matches under review
# (a provisional wall until the admin decides). The one place that says so.
# The SQL statements below spell it out as "status IN ('conflict', 'review')".
WALLING = (ConflictStatus.CONFLICT, ConflictStatus.REVIEW)

# Recorded for a user who has seen a dossier; replayed after a rollback (see audit).
OPENING_SQL = text(
    "INSERT INTO case_openings (user_id, case_id, first_at) "
    "SELECT :user_id, :case_id, :at WHERE EXISTS (SELECT 1 FROM cases WHERE id = :case_id) "
    "ON CONFLICT DO NOTHING"
)
# The user now stands on this case's side of every conflict pair it is in
# (where they stood nowhere yet).
CLAIM_ON_OPEN_SQL = text(
    "INSERT INTO wall_claims (pair_id, user_id, case_id, basis, both_sides, at) "
    "SELECT p.id, :user_id, :case_id, 'opened', FALSE, :at FROM conflict_pairs p "
    "WHERE p.status IN ('conflict', 'review') "
    "AND (p.case_a_id = :case_id OR p.case_b_id = :case_id) "
    "ON CONFLICT DO NOTHING"
)
# On the office server a login claims a case through the server's own function,
# which checks the wall and records the side (storage/server/sql/security.sql).
CLAIM_ON_SERVER_SQL = text("SELECT ikodesk_claim(:case_id)")


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def walled_case_ids(session: Session, user_id: int, case_ids: Sequence[int]) -> set[int]:
    """Of these cases, the ones `user_id` is walled from."""
    walled: set[int] = set()
    wanted = set(case_ids)
    for chunk in _chunks(sorted(wanted)):
        rows = session.execute(
            select(ConflictPair.case_a_id, ConflictPair.case_b_id, WallClaim.case_id)
            .join(WallClaim, WallClaim.pair_id == ConflictPair.id)
            .where(
                WallClaim.user_id == user_id,
                ConflictPair.status.in_(WALLING),
                or_(ConflictPair.case_a_id.in_(chunk), ConflictPair.case_b_id.in_(chunk)),
            )
        )
        for a, b, claimed in rows:
            other = b if claimed == a else a
            if other in wanted:
                walled.add(other)
    return walled


def walled_cases_select(user_id: int) -> Select[tuple[int]]:
    """A SELECT of the ids of every case `user_id` is walled from (for SQL filters)."""
    other = case(
        (WallClaim.case_id == ConflictPair.case_a_id, ConflictPair.case_b_id),
        else_=ConflictPair.case_a_id,
    )
    return (
        select(other)
        .select_from(ConflictPair)
        .join(WallClaim, WallClaim.pair_id == ConflictPair.id)
        .where(WallClaim.user_id == user_id, ConflictPair.status.in_(WALLING))
    )


def is_walled_clause(user_id: int) -> ColumnElement[bool]:
    return Case.id.in_(walled_cases_select(user_id))


def conflict_case_ids(session: Session, case_ids: Sequence[int]) -> set[int]:
    """Of these cases, the ones in a walling pair, confirmed or provisional (the badge)."""
    found: set[int] = set()
    wanted = set(case_ids)
    for chunk in _chunks(sorted(wanted)):
        for a, b in session.execute(
            select(ConflictPair.case_a_id, ConflictPair.case_b_id).where(
                ConflictPair.status.in_(WALLING),
                or_(ConflictPair.case_a_id.in_(chunk), ConflictPair.case_b_id.in_(chunk)),
            )
        ):
            found.update(x for x in (a, b) if x in wanted)
    return found


def claims_of(session: Session, user_id: int, pair_ids: Sequence[int]) -> dict[int, int]:
    """pair id -> the case `user_id` stands on, for the pairs where they stand somewhere."""
    out: dict[int, int] = {}
    for chunk in _chunks(pair_ids):
        for pair_id, case_id in session.execute(
            select(WallClaim.pair_id, WallClaim.case_id).where(
                WallClaim.user_id == user_id, WallClaim.pair_id.in_(chunk)
            )
        ):
            out[pair_id] = case_id
    return out


def openings(session: Session, case_ids: Sequence[int]) -> dict[tuple[int, int], datetime]:
    """(user id, case id) -> when that user first opened that case."""
    out: dict[tuple[int, int], datetime] = {}
    for chunk in _chunks(case_ids):
        for user_id, case_id, at in session.execute(
            select(CaseOpening.user_id, CaseOpening.case_id, CaseOpening.first_at).where(
                CaseOpening.case_id.in_(chunk)
            )
        ):
            out[(user_id, case_id)] = at
    return out
