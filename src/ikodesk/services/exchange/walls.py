"""Conflicts, walls and who opened what, in the exchange format (version 1.2).

Moving an office's cases without its conflict pairs would lose three things
that cannot be recomputed: an administrator's review decisions (a weak match
dismissed, or confirmed), the side each user was put on (a wall is permanent
once recorded), and who has ever opened which case (so that a conflict found
later still walls off the side a user did not see first). These records carry
them: `conflict`, `wall` and `case_opening` (docs/exchange-format.md).

An import only adds to what stands: a pair already in the database must be
identical (else refused: a decision is changed in Conflicten, under the
policy and four eyes, not by a file), a wall's side is never moved, and an
opening keeps its earliest moment. New pairs are written before the family
matching runs, so an imported decision stands and a dismissed weak match
stays dismissed unless a strong match turns up (as in the database it came from).

On the office server the server decides the walls itself (its detection, in
SECURITY DEFINER functions): these records are refused there, and
`ikodesk server migrate` moves them with everything else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models import Case, CaseOpening, ConflictPair, ConflictStatus, WallClaim
from ikodesk.services.conflicts.sides import put_users_on_sides
from ikodesk.services.exchange.rows import CHUNK, table_of
from ikodesk.services.validation import FieldProblem, Fields

RECORD_TYPES = ("conflict", "wall", "case_opening")

CONFLICT_FIELDS = (
    "type",
    "cases",
    "status",
    "score",
    "reason",
    "detected",
    "decided",
    "decided_by",
)
WALL_FIELDS = ("type", "cases", "user", "side", "basis", "both_sides", "at")
OPENING_FIELDS = ("type", "user", "case", "first_at")
# How a user came to stand on a side (models.WallClaim.basis).
BASES = ("handler", "opened", "first_opened", "older_case", "assigned", "created")

ON_SERVER = QT_TRANSLATE_NOOP(
    "services",
    "{type}-records worden op de kantoorserver niet geïmporteerd: daar bepaalt de server "
    "zelf conflicten en muren bij elke nieuwe zaak. Verhuist u een kantoor met zijn muren "
    "en besluiten, gebruik dan 'ikodesk server migrate'.",
)
UNKNOWN_CASE = QT_TRANSLATE_NOOP(
    "services", 'onbekende zaak "{ref}" (niet in het bestand of de database)'
)
UNKNOWN_USER = QT_TRANSLATE_NOOP(
    "services", 'onbekende gebruiker "{name}" (niet in het bestand of de database)'
)
PAIR_DIFFERS = QT_TRANSLATE_NOOP(
    "services",
    "tussen {a} en {b} staat al een conflict met status {status}; een import verandert "
    "geen besluit (dat gebeurt onder Conflicten)",
)
SIDE_DIFFERS = QT_TRANSLATE_NOOP(
    "services",
    "{user} staat in de database al aan de kant van {side}; een muur wordt nooit verplaatst",
)
NO_PAIR = QT_TRANSLATE_NOOP(
    "services",
    "geen conflict tussen {a} en {b} in het bestand of de database (een muur hoort bij een "
    "conflict-record)",
)


@dataclass(frozen=True)
class ConflictData:
    cases: tuple[str, str]
    status: ConflictStatus
    score: int
    reason: str
    detected: datetime
    decided: datetime | None
    decided_by: str | None


@dataclass(frozen=True)
class WallData:
    cases: tuple[str, str]
    user: str
    side: str
    basis: str
    both_sides: bool
    at: datetime


@dataclass(frozen=True)
class OpeningData:
    user: str
    case: str
    first_at: datetime


# -- parsing ----------------------------------------------------------------------


def _two_cases(f: Fields) -> tuple[str, str]:
    value = f.raw("cases")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, str) and v.strip() for v in value)
        or value[0].strip() == value[1].strip()
    ):
        raise FieldProblem(
            "cases",
            QT_TRANSLATE_NOOP("services", "verwacht twee verschillende zaaknummers"),
        )
    return value[0].strip(), value[1].strip()


def parse_conflict(data: Mapping[str, Any]) -> ConflictData:
    f = Fields(data)
    f.only(CONFLICT_FIELDS)
    cases = _two_cases(f)
    status = f.required_choice("status", ConflictStatus)
    score = f.integer("score", required=True, minimum=0, maximum=1000)
    reason = f.text("reason", max_len=2000) or ""
    detected = f.moment("detected", required=True)
    decided = f.moment("decided")
    decided_by = f.text("decided_by", max_len=64)
    if (decided is None) != (decided_by is None):
        raise FieldProblem(
            "decided_by" if decided_by is None else "decided",
            QT_TRANSLATE_NOOP(
                "services", "decided en decided_by horen bij elkaar (een besluit heeft beide)"
            ),
        )
    assert score is not None and detected is not None
    return ConflictData(cases, status, score, reason, detected, decided, decided_by)


def parse_wall(data: Mapping[str, Any]) -> WallData:
    f = Fields(data)
    f.only(WALL_FIELDS)
    cases = _two_cases(f)
    user = f.required_text("user", max_len=64)
    side = f.required_text("side", max_len=40)
    if side not in cases:
        raise FieldProblem(
            "side",
            QT_TRANSLATE_NOOP("services", "moet een van de twee zaken zijn: {a} of {b}"),
            a=cases[0],
            b=cases[1],
        )
    basis = f.required_text("basis", max_len=20)
    if basis not in BASES:
        raise FieldProblem(
            "basis",
            QT_TRANSLATE_NOOP("services", "verwacht een van {choices}"),
            choices=", ".join(BASES),
        )
    at = f.moment("at", required=True)
    assert at is not None
    return WallData(cases, user, side, basis, f.boolean("both_sides", False), at)


def parse_opening(data: Mapping[str, Any]) -> OpeningData:
    f = Fields(data)
    f.only(OPENING_FIELDS)
    first_at = f.moment("first_at", required=True)
    assert first_at is not None
    return OpeningData(
        f.required_text("user", max_len=64), f.required_text("case", max_len=40), first_at
    )


def parse(kind: str, data: Mapping[str, Any]) -> ConflictData | WallData | OpeningData:
    if kind == "conflict":
        return parse_conflict(data)
    if kind == "wall":
        return parse_wall(data)
    return parse_opening(data)


# -- export -----------------------------------------------------------------------


def _t(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M" if value.second == 0 else "%Y-%m-%dT%H:%M:%S")


def conflict_json(d: ConflictData) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "conflict",
        "cases": list(d.cases),
        "status": d.status.value,
        "score": d.score,
        "reason": d.reason,
        "detected": _t(d.detected),
    }
    if d.decided is not None:
        out["decided"] = _t(d.decided)
        out["decided_by"] = d.decided_by
    return out


def wall_json(d: WallData) -> dict[str, Any]:
    return {
        "type": "wall",
        "cases": list(d.cases),
        "user": d.user,
        "side": d.side,
        "basis": d.basis,
        "both_sides": d.both_sides,
        "at": _t(d.at),
    }


def opening_json(d: OpeningData) -> dict[str, Any]:
    return {"type": "case_opening", "user": d.user, "case": d.case, "first_at": _t(d.first_at)}


def export_walls(session: Session, user_names: Mapping[int, str]) -> Iterator[dict[str, Any]]:
    """Every conflict pair with its decision, every wall and every opening (EXPORT_ALL only)."""
    s = session
    refs: dict[int, str] = {cid: ref for cid, ref in s.execute(select(Case.id, Case.ref))}
    pairs: dict[int, tuple[str, str]] = {}
    for p in s.scalars(select(ConflictPair).order_by(ConflictPair.id)):
        # In the order of their references, not of their ids: the ids follow the order
        # of the file a database was filled from, and its export lists cases by reference,
        # so a second round trip would swap the pair's cases (the order means nothing).
        ref_a, ref_b = refs[p.case_a_id], refs[p.case_b_id]
        cases = (ref_a, ref_b) if ref_a <= ref_b else (ref_b, ref_a)
        pairs[p.id] = cases
        yield conflict_json(
            ConflictData(
                cases,
                p.status,
                p.score,
                p.reason,
                p.detected,
                p.decided,
                user_names.get(p.decided_by) if p.decided_by is not None else None,
            )
        )
    for w in s.scalars(select(WallClaim).order_by(WallClaim.pair_id, WallClaim.user_id)):
        yield wall_json(
            WallData(
                pairs[w.pair_id],
                user_names[w.user_id],
                refs[w.case_id],
                w.basis,
                bool(w.both_sides),
                w.at,
            )
        )
    for o in s.scalars(select(CaseOpening).order_by(CaseOpening.case_id, CaseOpening.user_id)):
        yield opening_json(OpeningData(user_names[o.user_id], refs[o.case_id], o.first_at))


# -- import -----------------------------------------------------------------------


class WallRecords:
    """The conflict, wall and case_opening records of one import: checked, then written."""

    def __init__(self) -> None:
        self.conflicts: list[tuple[int, ConflictData]] = []
        self.walls: list[tuple[int, WallData]] = []
        self.openings: list[tuple[int, OpeningData]] = []
        self.skipped: dict[str, int] = {"conflict": 0, "wall": 0, "case_opening": 0}
        self.declared_pairs: set[frozenset[str]] = set()

    def __bool__(self) -> bool:
        return bool(self.conflicts or self.walls or self.openings)

    def check(
        self,
        line: int,
        record: ConflictData | WallData | OpeningData,
        known_cases: set[str],
        known_users: set[str],
    ) -> None:
        """Rules within the file (references); the database is compared at writing."""
        cases = (record.case,) if isinstance(record, OpeningData) else record.cases
        for ref in cases:
            if ref not in known_cases:
                raise FieldProblem(
                    "case" if isinstance(record, OpeningData) else "cases", UNKNOWN_CASE, ref=ref
                )
        user = record.decided_by if isinstance(record, ConflictData) else record.user
        if user is not None and user not in known_users:
            raise FieldProblem(
                "decided_by" if isinstance(record, ConflictData) else "user",
                UNKNOWN_USER,
                name=user,
            )
        if isinstance(record, ConflictData):
            key = frozenset(record.cases)
            if key in self.declared_pairs:
                raise FieldProblem(
                    "cases",
                    QT_TRANSLATE_NOOP(
                        "services", "het conflict tussen {a} en {b} staat al eerder in het bestand"
                    ),
                    a=record.cases[0],
                    b=record.cases[1],
                )
            self.declared_pairs.add(key)
            self.conflicts.append((line, record))
        elif isinstance(record, WallData):
            self.walls.append((line, record))
        else:
            self.openings.append((line, record))

    def write(
        self,
        session: Session,
        case_ids: Mapping[str, int],
        user_ids: Mapping[str, int],
        created: dict[str, int],
    ) -> list[int]:
        """Write what is new; return the ids of new pairs that wall (conflict or review).

        Raises (line, FieldProblem) through `LineProblem` for a record that
        contradicts the database.
        """
        s = session
        pair_t, wall_t, open_t = table_of(ConflictPair), table_of(WallClaim), table_of(CaseOpening)
        pairs = _stored_pairs(s, case_ids, self.conflicts, self.walls)
        new_walling: list[int] = []
        for line, c in self.conflicts:
            a_id, b_id = case_ids[c.cases[0]], case_ids[c.cases[1]]
            a, b = min(a_id, b_id), max(a_id, b_id)
            stored = pairs.get((a, b))
            decided_by = user_ids[c.decided_by] if c.decided_by is not None else None
            if stored is not None:
                _, status, score, reason, decided, decided_by_id = stored
                if (status, score, reason, decided, decided_by_id) != (
                    c.status,
                    c.score,
                    c.reason,
                    c.decided,
                    decided_by,
                ):
                    raise LineProblem(
                        line,
                        FieldProblem(
                            "status",
                            PAIR_DIFFERS,
                            a=c.cases[0],
                            b=c.cases[1],
                            status=str(status),
                        ),
                    )
                self.skipped["conflict"] += 1
                continue
            pair_id = s.scalar(
                pair_t.insert()
                .values(
                    case_a_id=a,
                    case_b_id=b,
                    status=c.status,
                    score=c.score,
                    reason=c.reason,
                    detected=c.detected,
                    decided=c.decided,
                    decided_by=decided_by,
                )
                .returning(pair_t.c.id)
            )
            assert pair_id is not None
            pairs[(a, b)] = (pair_id, c.status, c.score, c.reason, c.decided, decided_by)
            created["conflict"] += 1
            if c.status is not ConflictStatus.DISMISSED:
                new_walling.append(pair_id)
        claims = {
            (pid, uid): cid
            for pid, uid, cid in s.execute(
                select(WallClaim.pair_id, WallClaim.user_id, WallClaim.case_id).where(
                    WallClaim.pair_id.in_([p[0] for p in pairs.values()])
                )
            )
        }
        for line, w in self.walls:
            a_id, b_id = case_ids[w.cases[0]], case_ids[w.cases[1]]
            stored = pairs.get((min(a_id, b_id), max(a_id, b_id)))
            if stored is None:
                raise LineProblem(line, FieldProblem("cases", NO_PAIR, a=w.cases[0], b=w.cases[1]))
            pair_id, uid, side = stored[0], user_ids[w.user], case_ids[w.side]
            held = claims.get((pair_id, uid))
            if held is not None:
                if held != side:
                    other = w.cases[0] if w.side == w.cases[1] else w.cases[1]
                    raise LineProblem(
                        line, FieldProblem("side", SIDE_DIFFERS, user=w.user, side=other)
                    )
                self.skipped["wall"] += 1
                continue
            s.execute(
                wall_t.insert().values(
                    pair_id=pair_id,
                    user_id=uid,
                    case_id=side,
                    basis=w.basis,
                    both_sides=w.both_sides,
                    at=w.at,
                )
            )
            claims[(pair_id, uid)] = side
            created["wall"] += 1
        opened = {
            (uid, cid): at
            for uid, cid, at in s.execute(
                select(CaseOpening.user_id, CaseOpening.case_id, CaseOpening.first_at).where(
                    CaseOpening.case_id.in_(sorted({case_ids[o.case] for _, o in self.openings}))
                )
            )
        }
        for _, o in self.openings:
            key = (user_ids[o.user], case_ids[o.case])
            at = opened.get(key)
            if at is not None:
                if o.first_at < at:
                    s.execute(
                        open_t.update()
                        .where(open_t.c.user_id == key[0], open_t.c.case_id == key[1])
                        .values(first_at=o.first_at)
                    )
                    opened[key] = o.first_at
                self.skipped["case_opening"] += 1
                continue
            s.execute(open_t.insert().values(user_id=key[0], case_id=key[1], first_at=o.first_at))
            opened[key] = o.first_at
            created["case_opening"] += 1
        if new_walling:
            # Everyone attached to either case and not on a side by the file gets theirs.
            put_users_on_sides(s, new_walling)
        return new_walling


class LineProblem(Exception):
    """A record that contradicts the database, with its line number."""

    def __init__(self, line: int, problem: FieldProblem) -> None:
        super().__init__(str(problem))
        self.line = line
        self.problem = problem


def _stored_pairs(
    s: Session,
    case_ids: Mapping[str, int],
    conflicts: list[tuple[int, ConflictData]],
    walls: list[tuple[int, WallData]],
) -> dict[tuple[int, int], tuple[int, ConflictStatus, int, str, datetime | None, int | None]]:
    wanted = sorted(
        {
            (min(x, y), max(x, y))
            for cases in [c.cases for _, c in conflicts] + [w.cases for _, w in walls]
            for x, y in [(case_ids[cases[0]], case_ids[cases[1]])]
        }
    )
    out: dict[
        tuple[int, int], tuple[int, ConflictStatus, int, str, datetime | None, int | None]
    ] = {}
    for i in range(0, len(wanted), CHUNK):
        chunk = wanted[i : i + CHUNK]
        for p in s.execute(
            select(
                ConflictPair.id,
                ConflictPair.case_a_id,
                ConflictPair.case_b_id,
                ConflictPair.status,
                ConflictPair.score,
                ConflictPair.reason,
                ConflictPair.decided,
                ConflictPair.decided_by,
            ).where(tuple_(ConflictPair.case_a_id, ConflictPair.case_b_id).in_(chunk))
        ):
            out[(p.case_a_id, p.case_b_id)] = (
                p.id,
                p.status,
                p.score,
                p.reason,
                p.decided,
                p.decided_by,
            )
    return out
