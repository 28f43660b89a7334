"""The write phase of an import on the office server: new dossiers through the server's function.

An administrator's login may neither read nor write the personal rows of a
case or a mediation (storage/server/sql/security.sql). The import hands them
to the server's `ikodesk_import_load` (functions.sql), which writes new rows
only, with ids from the tables' sequences (imports at the same time never
collide), and the rows of a dossier only for a case or mediation inserted in
the same transaction (an import cannot add to a dossier it cannot read). The
new ids are read back by reference; the centre's activities go the same way.
Users, mediators and published figures the administrator writes itself, as
its screens do; a user or mediator that another import creates at the same
moment is waited for and then matched by name, not made twice.

While an import writes cases (mediations), desks that register one wait for it
and then take the references after the imported ones.

Then the server's detection compares every new case with every stored one,
from the profile made here from the file (`conflicts.detect` with profiles);
the server's trigger puts each handler on their case's side.

The check (`importing.Importer`) has refused what the server cannot do for an
administrator: a case or mediation whose reference is stored, a contact moment
of a stored case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, text, update
from sqlalchemy.orm import Session

from ikodesk.models import Case, Mediation, Mediator, User
from ikodesk.models.enums import PersonRole
from ikodesk.services import conflicts
from ikodesk.services.exchange.rows import (
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

if TYPE_CHECKING:
    from ikodesk.services.exchange.writing import ImportResult, ImportWriter

BATCH = 2000
_LOAD = text("SELECT ikodesk_import_load(:t, CAST(:rows AS jsonb))")
# One name at a time (users, mediators): taken in the order of their hashes, so
# that two imports never wait for each other in a circle.
_NAME_HASHES = text(
    "SELECT DISTINCT hashtext(n) FROM unnest(CAST(:names AS text[])) AS n ORDER BY 1"
)
_NAME_LOCK = text("SELECT pg_advisory_xact_lock(7312, :h)")
# The lock under which desks take the next reference (ikodesk_last_ref, security.sql:
# 1 for cases, 2 for mediations), held until the import ends: a desk registering
# meanwhile waits and then numbers after the imported references, instead of
# taking one of them and failing on it.
_REFS_LOCK = text("SELECT pg_advisory_xact_lock(7311, :kind)")


# An import this large gets the tables' statistics renewed (a second or two on ten
# years); a smaller one leaves that to autovacuum.
ANALYZE_AFTER = 5_000


def write_on_server(w: ImportWriter) -> ImportResult:
    """Write the checked records of `w` on the office server; detect conflicts of the new cases."""
    s = w.s
    _users(w)
    _mediators(w)
    _cases(w)
    _contacts(w)
    _mediations(w)
    _activities(w)
    w.write_historical()  # Core statements: the administrator writes this table itself
    s.flush()
    if w.result.case_ids:
        profiles = {cid: conflicts.profile_from_data(cid, c) for cid, c in w.written}
        matchable = [cid for cid, p in profiles.items() if p is not None]
        found = conflicts.detect(s, matchable, profiles)
        w.result.conflicts = len(found.conflicts)
        w.result.reviews = len(found.reviews)
    if w.result.records >= ANALYZE_AFTER:
        # Statistics of the tables it filled, in this transaction, before anyone
        # counts on them (storage/server/sql/functions.sql, ikodesk_analyze).
        s.execute(text("SELECT ikodesk_analyze()"))
    return w.result


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _load(
    w: ImportWriter, table: str, rows: Sequence[dict[str, Any]], *, report: bool = False
) -> None:
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        payload = json.dumps(chunk, default=_json_value, ensure_ascii=False)
        w.s.execute(_LOAD, {"t": table, "rows": payload})
        if report and w.progress:
            w.progress("schrijven", min(i + BATCH, len(rows)), len(rows))


def _new_names(
    s: Session, column: Column[Any], names: list[str]
) -> tuple[list[str], dict[Any, int]]:
    """Of these names not stored at the check: those still missing, and those made meanwhile.

    Waits (until its transaction ends) for any other import making one of them.
    """
    for (h,) in s.execute(_NAME_HASHES, {"names": names}).all():
        s.execute(_NAME_LOCK, {"h": h})
    made = existing_ids(s, column, names)
    return [n for n in names if n not in made], made


def _users(w: ImportWriter) -> None:
    s = w.s
    new: dict[str, dict[str, Any]] = {}
    for _, u in w.users:
        values = {"username": u.username, "name": u.name, "role": u.role, "extra": u.x}
        existing = w.db_users.get(u.username)
        if existing is not None:
            s.execute(update(User).where(User.id == existing).values(**values))
            w.result.updated["user"] += 1
        else:
            # A login without a password (the server's trigger makes it).
            new[u.username] = {**values, "active": True, "password_hash": None}
    if not new:
        return
    column = table_of(User).c.username
    missing, made = _new_names(s, column, sorted(new))
    w.db_users.update(made)
    w.result.skipped["user"] += len(made)
    if missing:
        s.execute(table_of(User).insert(), [new[n] for n in missing])
        w.db_users.update(existing_ids(s, column, missing))
        w.result.created["user"] += len(missing)


def _mediators(w: ImportWriter) -> None:
    s = w.s
    new: dict[str, dict[str, Any]] = {}
    for _, m in w.mediators:
        values = {
            "name": m.name,
            "cbfm": m.cbfm,
            "languages": m.languages,
            "active": m.active,
            "extra": m.x,
        }
        existing = w.db_mediators.get(m.name)
        if existing is not None:
            s.execute(update(Mediator).where(Mediator.id == existing).values(**values))
            w.result.updated["mediator"] += 1
        else:
            new[m.name] = values
    if not new:
        return
    column = table_of(Mediator).c.name
    missing, made = _new_names(s, column, sorted(new))
    w.db_mediators.update(made)
    w.result.skipped["mediator"] += len(made)
    if missing:
        s.execute(table_of(Mediator).insert(), [new[n] for n in missing])
        w.db_mediators.update(existing_ids(s, column, missing))
        w.result.created["mediator"] += len(missing)


def _cases(w: ImportWriter) -> None:
    if not w.cases:
        return
    s = w.s
    rows: list[dict[str, Any]] = []
    notes: dict[str, dict[str, Any]] = {}
    for _, c in w.cases:
        assert c.ref is not None
        values = case_row(c, w.db_users[c.handler])
        # The free text goes to its own table (models.CaseNotes).
        note = {"summary": values.pop("summary"), "extra": values.pop("extra")}
        if note["summary"] is not None or note["extra"] is not None:
            notes[c.ref] = note
        rows.append(values)
    s.execute(_REFS_LOCK, {"kind": 1})
    _load(w, "cases", rows, report=True)
    ids = existing_ids(s, table_of(Case).c.ref, [r["ref"] for r in rows])
    w.db_cases.update(ids)
    persons: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    note_rows: list[dict[str, Any]] = []
    for _, c in w.cases:
        assert c.ref is not None
        case_id = ids[c.ref]
        w.result.case_ids.append(case_id)
        w.written.append((case_id, c))
        if c.ref in notes:
            note_rows.append({"case_id": case_id, **notes[c.ref]})
        persons.append(person_row(c.requester, case_id, PersonRole.REQUESTER))
        if c.other_parent is not None:
            persons.append(person_row(c.other_parent, case_id, PersonRole.OTHER_PARENT))
        children.extend(child_row(ch, case_id, i) for i, ch in enumerate(c.children))
    _load(w, "case_notes", note_rows)
    _load(w, "persons", persons)
    _load(w, "children", children)
    w.result.created["case"] += len(rows)


def _contacts(w: ImportWriter) -> None:
    rows = [contact_row(ct, w.db_cases[ct.case], w.db_users[ct.handler]) for _, ct in w.contacts]
    _load(w, "contacts", rows)
    w.result.created["contact"] += len(rows)


def _mediations(w: ImportWriter) -> None:
    if not w.mediations:
        return
    rows = [mediation_row(m, w.db_cases.get(m.case) if m.case else None) for _, m in w.mediations]
    w.s.execute(_REFS_LOCK, {"kind": 2})
    _load(w, "mediations", rows)
    ids = existing_ids(w.s, table_of(Mediation).c.ref, [r["ref"] for r in rows])
    w.db_mediations.update(ids)
    children: list[dict[str, Any]] = []
    parents: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    interviews: list[dict[str, Any]] = []
    for _, m in w.mediations:
        mid = ids[m.ref]
        children.extend(
            {**child_values(ch, i), "mediation_id": mid} for i, ch in enumerate(m.children)
        )
        parents.extend(
            {**mediation_parent_values(p, i), "mediation_id": mid} for i, p in enumerate(m.parents)
        )
        links.extend(
            {"mediation_id": mid, "mediator_id": w.db_mediators[name], "position": i}
            for i, name in enumerate(m.mediators)
        )
        interviews.extend(
            {"mediation_id": mid, "date": iv.date, "children": iv.children}
            for iv in m.child_interviews
        )
    _load(w, "mediation_children", children)
    _load(w, "mediation_parents", parents)
    _load(w, "mediation_mediators", links)
    _load(w, "child_interviews", interviews)
    w.result.created["mediation"] += len(rows)


def _activities(w: ImportWriter) -> None:
    rows = [
        {
            "date": a.date,
            "kind": a.kind,
            "organisation": a.organisation,
            "title": a.title,
            "extra": a.x,
        }
        for _, a in w.activities
    ]
    _load(w, "activities", rows)
    w.result.created["activity"] += len(rows)
