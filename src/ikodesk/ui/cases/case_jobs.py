"""What the case window has the worker do, in one unit of work each (Qt-free).

Each job takes the worker's session and returns plain data for the window:
the stored case as the form's record (`CaseData`) with its contact moments and
conflict badge, or the case's closing status. The policy decides first in
every service call, so a refused case yields nothing but the error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.models.enums import CloseReason
from ikodesk.services import case_facets, cases, conflicts
from ikodesk.services.actors import Actor
from ikodesk.services.case_contacts import ContactRow, contact_rows
from ikodesk.services.case_facets import HandlerChoice
from ikodesk.services.validation import CaseData, ChildData, FieldProblem, PersonData

Status = tuple[date | None, CloseReason | None]  # closed on, and why (None, None: open)


@dataclass
class LoadedCase:
    id: int
    ref: str
    data: CaseData
    contacts: list[ContactRow]
    conflict: bool = False  # in a conflict pair: the badge
    # Saved, and now behind a wall for the one who saved it (handed over to the other
    # side's colleague): `data` holds no personal data, the window closes.
    walled: bool = False


def _loaded(session: Session, case: Case) -> LoadedCase:
    return LoadedCase(
        case.id,
        case.ref,
        case_data_of(case),
        contact_rows(session, case),
        bool(conflicts.conflict_case_ids(session, [case.id])),
    )


def load_case(session: Session, actor: Actor, case_id: int) -> LoadedCase:
    """A case as the form shows it (`cases.get_case` decides first: CaseWalled,
    AccessDenied)."""
    return _loaded(session, cases.get_case(session, actor, case_id))


def load_form(
    session: Session, actor: Actor, case_id: int | None
) -> tuple[LoadedCase | None, list[HandlerChoice]]:
    """What a window opens with: its case (None for a new one) and the handlers to choose."""
    loaded = None if case_id is None else load_case(session, actor, case_id)  # the policy first
    return loaded, case_facets.handler_choices(session, actor)


def check_case(session: Session, data: CaseData) -> list[FieldProblem]:
    return cases.check_case(session, data, form=True)


def store_case(session: Session, actor: Actor, case_id: int | None, data: CaseData) -> LoadedCase:
    """Register or update; a registration or an edit may reveal a conflict (the badge)."""
    if case_id is None:
        case = cases.create_case(session, actor, data, form=True)
    else:
        case = cases.update_case(session, actor, case_id, data, form=True)
    if cases.walled_for(session, actor, case.id):
        blank = CaseData(case.ref, case.line, case.code, case.opened, "", PersonData())
        return LoadedCase(case.id, case.ref, blank, [], conflict=True, walled=True)
    return _loaded(session, case)


def close_case(
    session: Session, actor: Actor, case_id: int, day: date, reason: CloseReason
) -> Status:
    case = cases.close_case(session, actor, case_id, day, reason, form=True)
    return case.closed, case.close_reason


def reopen_case(session: Session, actor: Actor, case_id: int) -> Status:
    case = cases.reopen_case(session, actor, case_id)
    return case.closed, case.close_reason


def _person_data(p: Any) -> PersonData:
    return PersonData(
        kind=p.kind,
        relation=p.relation,
        side=p.side,
        organisation_type=p.organisation_type,
        organisation=p.organisation,
        first_name=p.first_name,
        last_name=p.last_name,
        birth_date=p.birth_date,
        phone=p.phone,
        email=p.email,
    )


def case_data_of(case: Case) -> CaseData:
    """A stored case as the form's record (on the worker: reads relationships)."""
    other = case.other_parent
    return CaseData(
        ref=case.ref,
        line=case.line,
        code=case.code,
        opened=case.opened,
        handler=case.handler.username,
        requester=_person_data(case.requester),
        closed=case.closed,
        close_reason=case.close_reason,
        other_parent=_person_data(other) if other is not None else None,
        children=[ChildData(c.first_name, c.last_name, c.birth_date, c.age) for c in case.children],
        country=case.country,
        direction=case.direction,
        taker=case.taker,
        mover=case.mover,
        summary=case.summary,
    )
