"""Idempotent import: a record identical to the stored one is "ongewijzigd", not an error.

Identity is decided on the exported form, for every record type alike: the
stored record is exported with the functions `ikodesk export` uses, the
incoming one is turned into the rows the import would write and exported by
the same functions; equal objects mean importing it would change nothing. So
re-importing a file changes nothing, and an export imports into a freshly
initialised database (its administrator, made by `init`, is the same record).

Records with a reference (user, mediator, case, mediation, historical
figure by year and key) are compared with the stored record of that
reference. Records without one (contact, activity) are identical to a stored
record of the same case or date with the same exported form; as many are
recognised as the database holds, so a file's own repeats are kept.

`INCOMING` has an entry for every record type of the format (the tests check
that it covers exchange.RECORD_TYPES and that an export re-imports unchanged).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ikodesk.models import Activity, Case, HistoricalFigure, Mediator, User
from ikodesk.models.enums import PersonRole
from ikodesk.services.exchange.export import (
    activity_json,
    case_json,
    contact_json,
    export_cases,
    export_mediations,
    historical_json,
    mediation_json,
    mediator_json,
    user_json,
)
from ikodesk.services.exchange.rows import (
    CHUNK,
    case_row,
    child_row,
    child_values,
    contact_row,
    existing_ids,
    mediation_parent_values,
    mediation_row,
    person_row,
    table_of,
)
from ikodesk.services.validation import (
    ActivityData,
    CaseData,
    ContactData,
    HistoricalFigureData,
    MediationData,
    MediatorData,
    UserData,
)


def _row(values: dict[str, Any]) -> SimpleNamespace:
    return SimpleNamespace(**values)


def user_form(u: UserData) -> dict[str, Any]:
    return user_json(_row({"username": u.username, "name": u.name, "role": u.role, "extra": u.x}))


def mediator_form(m: MediatorData) -> dict[str, Any]:
    return mediator_json(
        _row(
            {
                "name": m.name,
                "cbfm": m.cbfm,
                "languages": m.languages,
                "active": m.active,
                "extra": m.x,
            }
        )
    )


def case_form(c: CaseData) -> dict[str, Any]:
    persons = {PersonRole.REQUESTER.value: _row(person_row(c.requester, 0, PersonRole.REQUESTER))}
    if c.other_parent is not None:
        persons[PersonRole.OTHER_PARENT.value] = _row(
            person_row(c.other_parent, 0, PersonRole.OTHER_PARENT)
        )
    kids = [_row(child_row(ch, 0, i)) for i, ch in enumerate(c.children)]
    return case_json(_row(case_row(c, 0)), persons, kids, c.handler)


def contact_form(ct: ContactData) -> dict[str, Any]:
    return contact_json(_row(contact_row(ct, 0, 0)), ct.case, ct.handler)


def mediation_form(m: MediationData) -> dict[str, Any]:
    row = _row(mediation_row(m, None))
    row.children = [_row(child_values(ch, i)) for i, ch in enumerate(m.children)]
    row.parents = [_row(mediation_parent_values(p, i)) for i, p in enumerate(m.parents)]
    row.mediators = [_row({"name": name}) for name in m.mediators]
    row.child_interviews = [
        _row({"date": iv.date, "children": iv.children}) for iv in m.child_interviews
    ]
    return mediation_json(row, m.case)


def activity_form(a: ActivityData) -> dict[str, Any]:
    return activity_json(
        _row(
            {
                "date": a.date,
                "kind": a.kind,
                "organisation": a.organisation,
                "title": a.title,
                "extra": a.x,
            }
        )
    )


def historical_form(h: HistoricalFigureData) -> dict[str, Any]:
    return historical_json(
        _row(
            {
                "year": h.year,
                "key": h.key,
                "value": h.value,
                "frozen_at": h.frozen_at,
                "frozen_by": h.frozen_by,
            }
        )
    )


# The exported form of an incoming (parsed) record, per record type.
INCOMING: dict[str, Callable[[Any], dict[str, Any]]] = {
    "user": user_form,
    "mediator": mediator_form,
    "case": case_form,
    "contact": contact_form,
    "mediation": mediation_form,
    "activity": activity_form,
    "historical_figure": historical_form,
}


def _text(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class Stored:
    """The exported forms of the stored records an import meets, read once per type."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._by_key: dict[str, dict[Any, dict[str, Any]]] = {}
        self._pools: dict[str, Counter[str]] = {}

    def same(self, kind: str, key: Any, record: Any, keys: Callable[[], Iterable[Any]]) -> bool:
        """Whether the incoming `record` equals the stored record of its reference `key`.

        `keys()`: every key of this type the import meets that the database holds
        (called once, on the first record of the type: they are read together).
        """
        if kind not in self._by_key:
            self._by_key[kind] = self._load(kind, list(keys()))
        stored = self._by_key[kind].get(key)
        return stored is not None and stored == INCOMING[kind](record)

    def preload(self, kind: str, keys: Iterable[Any]) -> None:
        """Read the stored records of `keys` now, before the import writes anything
        (a streaming import writes while it checks: what it wrote is not "stored")."""
        if kind not in self._by_key:
            self._by_key[kind] = self._load(kind, list(keys))

    def preload_pool(self, kind: str, scope: Iterable[Any]) -> None:
        """As `preload`, for the records without a reference (see `take`)."""
        if kind not in self._pools:
            self._pools[kind] = Counter(_text(r) for r in self._load_pool(kind, list(scope)))

    def take(self, kind: str, record: Any, scope: Iterable[Any]) -> bool:
        """For a record without a reference: True (and used up) when one like it is stored.

        `scope`: the stored case ids the import's contacts belong to (unused for activities).
        """
        self.preload_pool(kind, scope)
        pool = self._pools[kind]
        if not pool:
            return False  # nothing stored to be the same as (a new database, new cases)
        text = _text(INCOMING[kind](record))
        if pool[text] > 0:
            pool[text] -= 1
            return True
        return False

    # -- reading the stored records as the export writes them ------------------------
    def _load(self, kind: str, keys: list[Any]) -> dict[Any, dict[str, Any]]:
        s = self.s
        out: dict[Any, dict[str, Any]] = {}
        if not keys:
            return out
        if kind == "user":
            for chunk in _chunks(keys):
                for u in s.scalars(select(User).where(User.username.in_(chunk))):
                    out[u.username] = user_json(u)
        elif kind == "mediator":
            for chunk in _chunks(keys):
                for m in s.scalars(select(Mediator).where(Mediator.name.in_(chunk))):
                    out[m.name] = mediator_json(m)
        elif kind == "case":
            for rec in self._cases(keys):
                if rec["type"] == "case":
                    out[rec["ref"]] = rec
        elif kind == "mediation":
            for rec in export_mediations(s, keys):
                out[rec["ref"]] = rec
        elif kind == "historical_figure":
            for chunk in _chunks(keys):
                for h in s.scalars(
                    select(HistoricalFigure).where(
                        tuple_(HistoricalFigure.year, HistoricalFigure.key).in_(chunk)
                    )
                ):
                    out[(h.year, h.key)] = historical_json(h)
        else:
            raise ValueError(f"no stored form for {kind}")
        return out

    def _cases(self, refs: list[Any]) -> Iterable[dict[str, Any]]:
        ids = existing_ids(self.s, table_of(Case).c.ref, refs).values()
        user_names = {uid: name for uid, name in self.s.execute(select(User.id, User.username))}
        return export_cases(self.s, user_names, sorted(ids))

    def _load_pool(self, kind: str, scope: list[Any]) -> list[dict[str, Any]]:
        if kind == "contact":
            # Case ids: the export of those cases holds their contacts.
            user_names = {uid: name for uid, name in self.s.execute(select(User.id, User.username))}
            return [
                r for r in export_cases(self.s, user_names, sorted(scope)) if r["type"] == "contact"
            ]
        if kind == "activity":
            # A few hundred a year: all of them (the dates are met one line at a time).
            return [activity_json(a) for a in self.s.scalars(select(Activity))]
        raise ValueError(f"no stored pool for {kind}")
