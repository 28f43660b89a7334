"""The table rows of typed records, and small helpers for bulk statements.

One function per stored table turns a typed record (`services.validation`)
into the values of its row: the import writes them in bulk, and the case
service (`cases`), the mediation workflow and the unchanged-record check
(`unchanged`) build their rows with the same functions, so a record is
stored alike whichever way it comes in. `table_of` and `existing_ids` serve
the bulk statements of the import, the export and the annual figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ARRAY, Table, any_, bindparam, select
from sqlalchemy.orm import Session

from ikodesk.models.enums import PersonRole
from ikodesk.services.validation import (
    CaseData,
    ChildData,
    ContactData,
    MediationData,
    MediationParentData,
    PersonData,
)

CHUNK = 500
"""How many values go into one `IN (...)` list."""


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class (for bulk statements)."""
    return cast(Table, model.__table__)


def existing_ids(session: Session, column: Any, values: Iterable[Any]) -> dict[Any, int]:
    """Map each given value of a unique column to its row id, for the values that exist."""
    found: dict[Any, int] = {}
    values = list(values)
    id_col = column.table.c.id
    if values and session.get_bind().dialect.name == "postgresql":
        # One statement with an array: 500 bound values at a time cost the office
        # server's import about a quarter of a second per list.
        wanted = bindparam("values", values, type_=ARRAY(column.type))
        rows = session.execute(select(column, id_col).where(column == any_(wanted)))
        return {value: row_id for value, row_id in rows}
    for i in range(0, len(values), CHUNK):
        chunk = values[i : i + CHUNK]
        for value, row_id in session.execute(select(column, id_col).where(column.in_(chunk))):
            found[value] = row_id
    return found


def case_row(c: CaseData, handler_id: int) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "line": c.line,
        "code": c.code,
        "opened": c.opened,
        "closed": c.closed,
        "close_reason": c.close_reason,
        "handler_id": handler_id,
        "country": c.country,
        "direction": c.direction,
        "taker": c.taker,
        "mover": c.mover,
        "summary": c.summary,
        "removal_date": c.removal_date,
        "proceedings_started": c.proceedings_started,
        "decision_first_instance": c.decision_first_instance,
        "appeal_ready": c.appeal_ready,
        "extra": c.x,
    }


def person_row(p: PersonData, case_id: int, role: PersonRole) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "role": role,
        "kind": p.kind,
        "relation": p.relation,
        "side": p.side,
        "organisation_type": p.organisation_type,
        "organisation": p.organisation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "birth_date": p.birth_date,
        "phone": p.phone,
        "email": p.email,
    }


def child_row(ch: ChildData, case_id: int, position: int) -> dict[str, Any]:
    return {"case_id": case_id, **child_values(ch, position)}


def child_values(ch: ChildData, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "first_name": ch.first_name,
        "last_name": ch.last_name,
        "birth_date": ch.birth_date,
        "age": ch.age,
    }


def mediation_parent_values(p: MediationParentData, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "relation": p.relation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "birth_date": p.birth_date,
        "country": p.country,
    }


def contact_row(ct: ContactData, case_id: int, handler_id: int) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "at": ct.at,
        "channel": ct.channel,
        "party": ct.party,
        "handler_id": handler_id,
        "minutes": ct.minutes,
        "summary": ct.summary,
        "extra": ct.x,
    }


def mediation_row(m: MediationData, case_id: int | None) -> dict[str, Any]:
    return {
        "ref": m.ref,
        "kind": m.kind,
        "requested": m.requested,
        "case_id": case_id,
        "referred_by": m.referred_by,
        "status": m.status,
        "started": m.started,
        "not_started_reason": m.not_started_reason,
        "special_curator": m.special_curator,
        "intake": m.intake,
        "outcome": m.outcome,
        "ended": m.ended,
        "failure_reasons": [r.value for r in m.failure_reasons],
        "court_hearing": m.court_hearing,
        "extra": m.x,
    }
