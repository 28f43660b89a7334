"""The profiles conflict detection compares: read from the database, or from a record being written.

Cases are loaded in bulk through a temporary table of ids (`match_load`) in a file,
an array of ids on the office server; only cases whose requester is a parent can
conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ARRAY, Integer, bindparam, text
from sqlalchemy.orm import Session

from ikodesk.models.enums import ParentSide, RequesterKind
from ikodesk.services.backend import on_server
from ikodesk.services.family_match import (
    CaseProfile,
    ChildProfile,
    Name,
    PersonProfile,
    contact_keys,
)
from ikodesk.services.validation import CaseData, PersonData

_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _fill(session: Session, table: str, ids: Iterable[int]) -> None:
    """Put these ids into a temporary table (match_subject or match_load)."""
    assert table in ("match_subject", "match_load")
    session.execute(text(_TEMP_TABLES[table]))
    session.execute(text(_CLEAR[table]))
    rows = [{"id": i} for i in ids]
    if rows:
        session.execute(text(_INSERT[table]), rows)


_TEMP_TABLES = {
    "match_subject": "CREATE TEMP TABLE IF NOT EXISTS match_subject (id INTEGER PRIMARY KEY)",
    "match_load": "CREATE TEMP TABLE IF NOT EXISTS match_load (id INTEGER PRIMARY KEY)",
}
_CLEAR = {
    "match_subject": "DELETE FROM match_subject",
    "match_load": "DELETE FROM match_load",
}
_INSERT = {
    "match_subject": "INSERT INTO match_subject (id) VALUES (:id)",
    "match_load": "INSERT INTO match_load (id) VALUES (:id)",
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


# On the office server the ids travel as one array. A temporary table has no
# statistics there: PostgreSQL guessed 2,550 rows for it and read every person of
# every case (under the login's row policy) to profile the one case a Line 1 call
# had just saved (15 ms on ten years; by the array's index look-ups, 1 ms).
_LOAD_PERSONS_SERVER = text(
    "SELECT p.case_id, p.role, p.kind, p.relation, p.side, p.first_name, p.last_name,"
    " p.birth_date, p.phone, p.email FROM persons p WHERE p.case_id = ANY(:ids)"
).bindparams(bindparam("ids", type_=ARRAY(Integer)))
_LOAD_CHILDREN_SERVER = text(
    "SELECT k.case_id, k.first_name, k.last_name, k.birth_date, k.age, c.opened"
    " FROM children k JOIN cases c ON c.id = k.case_id WHERE k.case_id = ANY(:ids)"
    " ORDER BY k.case_id, k.position"
).bindparams(bindparam("ids", type_=ARRAY(Integer)))


def load_profiles(session: Session, case_ids: Iterable[int]) -> dict[int, CaseProfile]:
    """Profiles of those cases whose requester is a parent (others cannot conflict)."""
    ids = sorted(set(case_ids))
    persons: dict[int, dict[str, Any]] = defaultdict(dict)
    kids: dict[int, list[ChildProfile]] = defaultdict(list)
    if on_server(session):
        person_rows = session.execute(_LOAD_PERSONS_SERVER, {"ids": ids}).all()
        child_rows = session.execute(_LOAD_CHILDREN_SERVER, {"ids": ids}).all()
    else:
        # CROSS JOIN ... ON keeps SQLite's join order.
        _fill(session, "match_load", ids)
        person_rows = session.execute(text(_LOAD_PERSONS)).all()
        child_rows = session.execute(text(_LOAD_CHILDREN)).all()
        session.execute(text(_CLEAR["match_load"]))
    for row in person_rows:
        persons[row[0]][row[1]] = row
    for cid, first, last, born, age, opened in child_rows:
        kids[cid].append(ChildProfile.of(first, last, _day(born), age, _day(opened) or date.min))
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
