"""The conflict lists for the admin and the manager, and the admin's review of weak matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError, NotFoundError, UsageError
from ikodesk.models import Case, ConflictPair, ConflictStatus, WallClaim
from ikodesk.services import access, approvals, audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.conflicts.detection import DetectionResult, detect
from ikodesk.services.conflicts.sides import put_users_on_sides


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
        raise NotFoundError(
            QT_TRANSLATE_NOOP("services", "Er is geen mogelijke conflictzaak met nummer {number}."),
            number=pair_id,
        )
    if pair.status is not ConflictStatus.REVIEW:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Mogelijke conflictzaak {number} is al beoordeeld."),
            number=pair_id,
        )
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


def dismiss(
    session: Session,
    actor: Actor,
    pair_id: int,
    approver: approvals.ApproverCredentials | None = None,
) -> None:
    """The admin decides a weak match is not one family: the provisional wall is lifted.

    Its claims go, so that a strong match found later puts everyone on a side
    afresh (and marks who has meanwhile seen both). A strong match later still counts.
    Lifting a wall needs a second administrator's approval (four eyes); on the
    office server the server takes it itself (trigger on conflict_pairs).
    """
    pair = _pending(session, pair_id)
    refs = _refs(session, pair)
    access.require(
        session,
        actor,
        Action.CONFLICTS_REVIEW,
        object_ref=refs,
        detail="afgewezen; voorlopige muur opgeheven",
    )
    approvals.approve(
        session,
        actor,
        approver,
        action=approvals.WALL_LIFT,
        detail=f"mogelijke conflictzaak {pair_id} ({refs}) afgewezen",
    )
    pair.status = ConflictStatus.DISMISSED
    pair.decided = datetime.now()
    pair.decided_by = actor.user_id
    session.execute(delete(WallClaim).where(WallClaim.pair_id == pair.id))
    session.flush()


SCAN_ON_SERVER = QT_TRANSLATE_NOOP(
    "services",
    "Op de kantoorserver is dit niet nodig: de server vergelijkt elke zaak zelf bij het "
    "registreren, wijzigen, importeren en verhuizen. Een controle van alle zaken zou de "
    "dossiers moeten lezen, en een beheerder leest geen dossiers.",
)


def scan_all(session: Session, actor: Actor) -> DetectionResult:
    """Index and check every case (after upgrading a database that had cases already).

    A file only: on the office server every write hands its case to the server's
    detection (storage/server/sql/functions.sql) and `server migrate` brings the
    profiles along; an administrator could not read the cases to scan them.
    """
    access.require(session, actor, Action.CONFLICTS_REVIEW, detail="alle zaken controleren")
    if on_server(session):
        raise UsageError(SCAN_ON_SERVER)
    ids = list(session.scalars(select(Case.id)))
    result = detect(session, ids)
    audit.log(session, actor, "conflicts.scan", "conflict", None, detail=result.summary())
    return result
