"""Recognising mediations of the same family, for the mediator assignment warning.

Deliberately simple, until the conflict detection of the centre's cases can
offer a shared family matcher. Two mediations belong to the same family when
they share one of these keys:

- the linked case (both mediations are linked to the same centre case);
- a child: first name and birth date, from the mediation's own children or
  from the children of its linked case;
- a parent: first name, last name and birth date, from the mediation's own
  parents or from the parents (requester parent, other parent) of its
  linked case.

Names are compared without case, accents and extra spaces ("Zoë" = "zoe").
Children or parents without a birth date (or without the names a key needs)
give no key: too weak to call two families the same.

The comparison reads the linked cases' children and parents inside the
service; the caller only learns which other mediation matched, never the
case's people. On the office server the bureau's login cannot read those
people at all: the server compares (ikodesk_mediation_same_family,
storage/server/sql/functions.sql) and answers which mediations match.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Collection
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ikodesk.letters import SPECIAL_LETTERS
from ikodesk.models import Child, Mediation, MediationChild, MediationParent, Person
from ikodesk.models.enums import RequesterKind
from ikodesk.services.backend import on_server

FamilyKey = tuple[object, ...]


def normalise_name(name: str | None) -> str | None:
    """A name for comparison: no accents, no case, single spaces; None when empty."""
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name.translate(SPECIAL_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split()) or None


def child_key(first_name: str | None, birth_date: date | None) -> FamilyKey | None:
    first = normalise_name(first_name)
    if first is None or birth_date is None:
        return None
    return ("child", first, birth_date)


def parent_key(
    first_name: str | None, last_name: str | None, birth_date: date | None
) -> FamilyKey | None:
    first, last = normalise_name(first_name), normalise_name(last_name)
    if first is None or last is None or birth_date is None:
        return None
    return ("parent", first, last, birth_date)


def family_keys(session: Session, mediation_ids: Collection[int]) -> dict[int, set[FamilyKey]]:
    """The family keys of each given mediation (an empty set when it has none)."""
    ids = sorted(set(mediation_ids))
    keys: dict[int, set[FamilyKey]] = {mid: set() for mid in ids}
    if not ids:
        return keys
    mediations_of_case: dict[int, list[int]] = defaultdict(list)
    for mid, case_id in session.execute(
        select(Mediation.id, Mediation.case_id).where(Mediation.id.in_(ids))
    ):
        if case_id is not None:
            keys[mid].add(("case", case_id))
            mediations_of_case[case_id].append(mid)

    def add(mids: Collection[int], key: FamilyKey | None) -> None:
        if key is not None:
            for mid in mids:
                keys[mid].add(key)

    for mid, first, born in session.execute(
        select(
            MediationChild.mediation_id, MediationChild.first_name, MediationChild.birth_date
        ).where(MediationChild.mediation_id.in_(ids))
    ):
        add((mid,), child_key(first, born))
    for mid, first, last, born in session.execute(
        select(
            MediationParent.mediation_id,
            MediationParent.first_name,
            MediationParent.last_name,
            MediationParent.birth_date,
        ).where(MediationParent.mediation_id.in_(ids))
    ):
        add((mid,), parent_key(first, last, born))
    case_ids = sorted(mediations_of_case)
    if case_ids:
        for case_id, first, born in session.execute(
            select(Child.case_id, Child.first_name, Child.birth_date).where(
                Child.case_id.in_(case_ids)
            )
        ):
            add(mediations_of_case[case_id], child_key(first, born))
        for case_id, first, last, born in session.execute(
            select(Person.case_id, Person.first_name, Person.last_name, Person.birth_date).where(
                Person.case_id.in_(case_ids), Person.kind == RequesterKind.PARENT
            )
        ):
            add(mediations_of_case[case_id], parent_key(first, last, born))
    return keys


_SAME_FAMILY_ON_SERVER = text(
    "SELECT ikodesk_mediation_same_family(:mediation_id, CAST(:others AS integer[]))"
)


def same_family(session: Session, mediation_id: int, others: Collection[int]) -> set[int]:
    """Which of `others` belong to the same family as `mediation_id` (by their keys)."""
    others = sorted(set(others) - {mediation_id})
    if not others:
        return set()
    if on_server(session):
        found = session.scalars(
            _SAME_FAMILY_ON_SERVER, {"mediation_id": mediation_id, "others": others}
        )
        return set(found)
    keys = family_keys(session, {mediation_id, *others})
    own = keys[mediation_id]
    return {m for m in others if own and keys[m] & own}
