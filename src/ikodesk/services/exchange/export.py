"""Exporting to exchange format v1: stored records as exchange-format objects and JSON lines.

One function per record type (`user_json`, `case_json`, ...) turns a stored
row into its exchange-format object; `export_records` reads the database
through the access policy and yields them, `write_jsonl` writes them
atomically. The import compares incoming records with the same functions
(`unchanged`), so an export re-imports unchanged.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ikodesk.models import (
    Activity,
    Case,
    CaseNotes,
    Child,
    Contact,
    HistoricalFigure,
    Mediation,
    Mediator,
    Person,
    User,
)
from ikodesk.services import access
from ikodesk.services.access import Action, CaseFacts
from ikodesk.services.actors import Actor
from ikodesk.services.exchange.rows import CHUNK, table_of
from ikodesk.services.exchange.walls import export_walls
from ikodesk.storage import files


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _t(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M" if value.second == 0 else "%Y-%m-%dT%H:%M:%S")


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop absent optional fields (null) so that exports stay small and readable."""
    return {k: v for k, v in obj.items() if v is not None}


def _person_json(row: Any, with_side: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if with_side:
        out["kind"] = row.kind
    if row.kind == "professional":
        out["organisation_type"] = row.organisation_type
        out["organisation"] = row.organisation
    else:
        out["relation"] = row.relation
        if with_side and row.kind == "parent":
            out["side"] = row.side
    out.update(
        first_name=row.first_name,
        last_name=row.last_name,
        birth_date=_d(row.birth_date),
        phone=row.phone,
        email=row.email,
    )
    return _compact(out)


def _child_json(row: Any) -> dict[str, Any]:
    return _compact(
        {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "birth_date": _d(row.birth_date),
            "age": row.age if row.birth_date is None else None,
        }
    )


def export_records(
    session: Session, actor: Actor, case_ids: Sequence[int] | None = None
) -> Iterator[dict[str, Any]]:
    """All records (or the given cases with their contacts) as exchange-format objects.

    The whole database needs EXPORT_ALL (the key holder); given cases pass the
    policy one by one (CASE_EXPORT): a walled case is refused, not skipped.
    """
    if case_ids is None:
        access.require(session, actor, Action.EXPORT_ALL)
    else:
        case_ids = list(case_ids)
        case_t = table_of(Case)
        facts = {
            r.id: CaseFacts(r.id, r.line, r.handler_id, r.ref)
            for r in session.execute(
                select(case_t.c.id, case_t.c.line, case_t.c.handler_id, case_t.c.ref).where(
                    case_t.c.id.in_(case_ids)
                )
            )
        }
        for cid in case_ids:
            if cid in facts:
                access.require(session, actor, Action.CASE_EXPORT, facts[cid])
    user_names = {uid: name for uid, name in session.execute(select(User.id, User.username))}
    if case_ids is None:
        for u in session.scalars(select(User).order_by(User.username)):
            yield user_json(u)
        for m in session.scalars(select(Mediator).order_by(Mediator.name)):
            yield mediator_json(m)
    yield from export_cases(session, user_names, case_ids)
    if case_ids is not None:
        return
    yield from export_mediations(session)
    yield from export_walls(session, user_names)
    for a in session.scalars(select(Activity).order_by(Activity.date, Activity.id)):
        yield activity_json(a)
    for h in session.scalars(
        select(HistoricalFigure).order_by(HistoricalFigure.year, HistoricalFigure.key)
    ):
        yield historical_json(h)


# One function per record type turns a stored row (or the row an import would
# write) into its exchange-format object: the export writes these, and the
# import compares them to recognise an unchanged record (`unchanged`).


def user_json(u: Any) -> dict[str, Any]:
    return _compact(
        {
            "type": "user",
            "username": u.username,
            "name": u.name or None,
            "role": u.role.value,
            "x": u.extra,
        }
    )


def mediator_json(m: Any) -> dict[str, Any]:
    return _compact(
        {
            "type": "mediator",
            "name": m.name,
            "cbfm": m.cbfm,
            "languages": list(m.languages),
            "active": m.active,
            "x": m.extra,
        }
    )


def activity_json(a: Any) -> dict[str, Any]:
    return _compact(
        {
            "type": "activity",
            "date": a.date.isoformat(),
            "kind": a.kind.value,
            "organisation": a.organisation,
            "title": a.title,
            "x": a.extra,
        }
    )


def historical_json(h: Any) -> dict[str, Any]:
    """A published figure; one stored by a freeze carries `frozen_at` and `frozen_by`."""
    value: float | int = int(h.value) if float(h.value).is_integer() else h.value
    out: dict[str, Any] = {
        "type": "historical_figure",
        "year": h.year,
        "key": h.key,
        "value": value,
    }
    if getattr(h, "frozen_at", None) is not None:
        out["frozen_at"] = h.frozen_at.isoformat(timespec="seconds")
        out["frozen_by"] = h.frozen_by
    return out


def export_cases(
    session: Session, user_names: dict[int, str], case_ids: Sequence[int] | None
) -> Iterator[dict[str, Any]]:
    case_t, person_t, child_t, contact_t = (
        table_of(Case),
        table_of(Person),
        table_of(Child),
        table_of(Contact),
    )
    ids = (
        list(case_ids)
        if case_ids is not None
        else list(session.scalars(select(case_t.c.id).order_by(case_t.c.ref)))
    )
    batch = 2000
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        notes_t = table_of(CaseNotes)
        cases = {
            r.id: r
            for r in session.execute(
                select(case_t, notes_t.c.summary, notes_t.c.extra)
                .outerjoin(notes_t, notes_t.c.case_id == case_t.c.id)
                .where(case_t.c.id.in_(chunk))
            )
        }
        persons: dict[int, dict[str, Any]] = defaultdict(dict)
        for r in session.execute(select(person_t).where(person_t.c.case_id.in_(chunk))):
            persons[r.case_id][r.role] = r
        kids: dict[int, list[Any]] = defaultdict(list)
        for r in session.execute(
            select(child_t).where(child_t.c.case_id.in_(chunk)).order_by(child_t.c.position)
        ):
            kids[r.case_id].append(r)
        contacts: dict[int, list[Any]] = defaultdict(list)
        for r in session.execute(
            select(contact_t)
            .where(contact_t.c.case_id.in_(chunk))
            .order_by(contact_t.c.at, contact_t.c.id)
        ):
            contacts[r.case_id].append(r)
        for cid in chunk:
            c = cases.get(cid)
            if c is None:
                continue
            yield case_json(c, persons[cid], kids[cid], user_names[c.handler_id])
            for ct in contacts[cid]:
                yield contact_json(ct, c.ref, user_names[ct.handler_id])


def case_json(c: Any, persons: dict[Any, Any], kids: Sequence[Any], handler: str) -> dict[str, Any]:
    """A case (a row or a Case) with its people and children as an exchange-format object."""
    return _compact(
        {
            "type": "case",
            "ref": c.ref,
            "line": c.line,
            "code": c.code,
            "opened": _d(c.opened),
            "closed": _d(c.closed),
            "close_reason": c.close_reason,
            "handler": handler,
            "requester": _person_json(persons["requester"], True),
            "other_parent": (
                _person_json(persons["other_parent"], False) if "other_parent" in persons else None
            ),
            "children": [_child_json(k) for k in kids] or None,
            "country": c.country,
            "direction": c.direction,
            "taker": c.taker,
            "mover": c.mover,
            "summary": c.summary,
            # Exchange format 1.1.
            "removal_date": _d(c.removal_date),
            "proceedings_started": _d(c.proceedings_started),
            "decision_first_instance": _d(c.decision_first_instance),
            "appeal_ready": _d(c.appeal_ready),
            "x": c.extra,
        }
    )


def contact_json(ct: Any, case_ref: str, handler: str) -> dict[str, Any]:
    return _compact(
        {
            "type": "contact",
            "case": case_ref,
            "at": _t(ct.at),
            "channel": ct.channel,
            "party": ct.party,
            "handler": handler,
            "minutes": ct.minutes,
            "summary": ct.summary,
            "x": ct.extra,
        }
    )


def dossier_records(case: Case) -> list[dict[str, Any]]:
    """A case already read through the policy (cases.get_case), with its contact moments."""
    persons = {p.role.value: p for p in case.persons}
    records = [case_json(case, persons, case.children, case.handler.username)]
    records += [contact_json(ct, case.ref, ct.handler.username) for ct in case.contacts]
    return records


def export_mediations(
    session: Session, refs: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """All mediations, or those with the given references."""
    case_refs = {
        cid: ref
        for cid, ref in session.execute(
            select(Case.id, Case.ref).where(
                Case.id.in_(select(Mediation.case_id).where(Mediation.case_id.is_not(None)))
            )
        )
    }
    loads = (
        selectinload(Mediation.children),
        selectinload(Mediation.parents),
        selectinload(Mediation.mediators),
        selectinload(Mediation.child_interviews),
    )
    query = select(Mediation).options(*loads).order_by(Mediation.ref)
    chunks = [None] if refs is None else [refs[i : i + CHUNK] for i in range(0, len(refs), CHUNK)]
    for chunk in chunks:
        q = query if chunk is None else query.where(Mediation.ref.in_(chunk))
        for m in session.scalars(q):
            yield mediation_json(m, case_refs.get(m.case_id) if m.case_id else None)


def mediation_json(m: Any, case_ref: str | None) -> dict[str, Any]:
    """A mediation (with its children, parents, mediators, interviews) as an object."""
    return _compact(
        {
            "type": "mediation",
            "ref": m.ref,
            "kind": m.kind.value,
            "requested": _d(m.requested),
            "case": case_ref,
            "referred_by": m.referred_by.value if m.referred_by else None,
            "children": [_child_json(k) for k in m.children] or None,
            "status": m.status.value,
            "started": _d(m.started),
            "not_started_reason": m.not_started_reason,
            "special_curator": _d(m.special_curator),
            "intake": m.intake.value if m.intake else None,
            "outcome": m.outcome.value if m.outcome else None,
            "ended": _d(m.ended),
            "failure_reasons": list(m.failure_reasons) or None,
            "mediators": [md.name for md in m.mediators] or None,
            "child_interviews": [
                {"date": iv.date.isoformat(), "children": iv.children} for iv in m.child_interviews
            ]
            or None,
            "court_hearing": _d(m.court_hearing),  # exchange format 1.1
            "x": _mediation_x(m),
        }
    )


def _mediation_x(m: Any) -> dict[str, Any] | None:
    """The mediation's free data, with its parents under `x.parents`.

    Exchange format v1 has no field for the parents of a mediation; carrying
    them here keeps them through an export and re-import (the importer adopts
    a valid `x.parents`, see validation.take_x_parents). Proposed as the
    top-level field `parents` of format v1.1.
    """
    if not m.parents:
        return cast(dict[str, Any] | None, m.extra)
    return {
        **(m.extra or {}),
        "parents": [
            _compact(
                {
                    "relation": p.relation.value,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "birth_date": _d(p.birth_date),
                    "country": p.country,
                }
            )
            for p in m.parents
        ],
    }


def json_line(record: dict[str, Any]) -> str:
    """One record as a line of the exchange format (UTF-8 text, no trailing newline)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class TextSink(Protocol):
    """Where JSON lines go: anything with a text `write` (a file, stdout, a wrapper)."""

    def write(self, text: str, /) -> int: ...


def write_records(records: Iterable[dict[str, Any]], stream: TextSink) -> int:
    """Write records as JSON lines to an open text stream; returns the count."""
    count = 0
    for rec in records:
        stream.write(json_line(rec))
        stream.write("\n")
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    """Write records to the file `path` atomically (owner-only); returns the count.

    A half-written export never appears under the final name (see
    storage.files.safe_output). A pipe or terminal named directly is written to
    directly.
    """
    path = Path(path)
    if files.is_stream(path):
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            return write_records(records, fh)
    with files.safe_output(path) as raw:
        fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        try:
            count = write_records(records, fh)
        finally:
            fh.detach()  # flushes; the binary file is closed by safe_output
    return count


def export_file(session: Session, actor: Actor, path: Path) -> int:
    """Export the whole database to `path`; returns the number of records."""
    return write_jsonl(export_records(session, actor), path)
