"""Sides and walls: which side of a conflict pair each user who handles or opened a case is on.

The side they handle; else the one they opened first; else the older case. A
user who was on both sides before the conflict was known keeps one side and
is marked `both_sides`, so that the admin can arrange a handover.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from ikodesk.models import Case, ConflictPair, WallClaim
from ikodesk.services import access, walls
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.conflicts.profiles import _chunks


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


def conflict_case_ids(session: Session, case_ids: Sequence[int]) -> set[int]:
    """Of these cases, those in a walling pair (also provisional): the badge in lists and forms."""
    return walls.conflict_case_ids(session, case_ids)


_HANDLER_CLAIMS = text(
    "INSERT INTO wall_claims (pair_id, user_id, case_id, basis, both_sides, at) "
    "SELECT p.id, c.handler_id, c.id, 'assigned', FALSE, :at FROM conflict_pairs p "
    "JOIN cases c ON c.id = p.case_a_id OR c.id = p.case_b_id "
    "WHERE p.status IN ('conflict', 'review') AND c.id IN :ids "  # walls.WALLING
    "ON CONFLICT DO NOTHING"
).bindparams(bindparam("ids", expanding=True))


def claim_for_handlers(session: Session, case_ids: Sequence[int]) -> None:
    """Put the handlers of these cases on their case's side of its conflicts.

    For handlers assigned after a conflict was found; a handler who already
    stands on the other side keeps that side (and shows as a needed handover).
    """
    if on_server(session):
        return  # the server's trigger cases_written records them (storage/server/sql)
    now = datetime.now()
    for chunk in _chunks(sorted(set(case_ids))):
        session.execute(_HANDLER_CLAIMS, {"ids": chunk, "at": now})
