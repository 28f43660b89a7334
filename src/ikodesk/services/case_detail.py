"""A case as the front-ends show it: plain data, read and changed in one unit of work each.

The case window gets a `CaseDetail` (the form's record `CaseData`, its contact
moments, the conflict badge); `case show` on the command line gets a
`CaseDossier` (the same record, the country's name, the contact moments in
time order and the exchange-format records for `--json`). The policy decides
first in every call (`cases.get_case`), so a refused case yields nothing but the
error. No ORM object leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ikodesk.models import Case, Person
from ikodesk.models.enums import CloseReason
from ikodesk.services import case_facets, cases, conflicts, exchange
from ikodesk.services.actors import Actor
from ikodesk.services.case_contacts import ContactRow, contact_rows
from ikodesk.services.case_facets import HandlerChoice
from ikodesk.services.validation import CaseData, ChildData, PersonData

# Closed on, and why; (None, None): the case is open.
CaseStatus = tuple[date | None, CloseReason | None]


@dataclass(frozen=True)
class CaseDetail:
    """What the case window shows of a stored case."""

    id: int
    ref: str
    data: CaseData
    contacts: list[ContactRow]  # newest first
    conflict: bool = False  # in a conflict pair: the badge
    version: int = 0  # what a save must still find (optimistic locking)
    # Saved, and now behind a wall for the one who saved it (handed over to the other
    # side's colleague): `data` holds no personal data, the window closes.
    walled: bool = False


@dataclass(frozen=True)
class CaseDossier:
    """A case as `case show` prints it."""

    ref: str
    data: CaseData
    country_name: str | None  # Dutch
    contacts: list[ContactRow]  # oldest first
    conflict: bool
    records: list[dict[str, Any]]  # the case and its contacts in the exchange format


def _detail(session: Session, case: Case) -> CaseDetail:
    return CaseDetail(
        case.id,
        case.ref,
        case_data_of(case),
        contact_rows(session, case),
        bool(conflicts.conflict_case_ids(session, [case.id])),
        case.version,
    )


def case_detail(session: Session, actor: Actor, case_id: int) -> CaseDetail:
    """A case as the form shows it (`cases.get_case` decides first: CaseWalled,
    AccessDenied)."""
    return _detail(session, cases.get_case(session, actor, case_id))


def case_form(
    session: Session, actor: Actor, case_id: int | None
) -> tuple[CaseDetail | None, list[HandlerChoice]]:
    """What a case window opens with: its case (None for a new one) and the handlers."""
    detail = None if case_id is None else case_detail(session, actor, case_id)  # policy first
    return detail, case_facets.handler_choices(session, actor)


def store_case(
    session: Session,
    actor: Actor,
    case_id: int | None,
    data: CaseData,
    expected_version: int | None = None,
) -> CaseDetail:
    """Register or update; a registration or an edit may reveal a conflict (the badge).

    An update made on an older version than the stored one is refused
    (ConcurrentChange: who saved it, when): nothing is silently overwritten.
    """
    if case_id is None:
        case = cases.create_case(session, actor, data, form=True)
    else:
        case = cases.update_case(
            session, actor, case_id, data, expected_version=expected_version, form=True
        )
    if cases.walled_for(session, actor, case.id):
        # Saved and handed over to the other side's colleague: nothing personal goes back.
        blank = CaseData(case.ref, case.line, case.code, case.opened, "", PersonData())
        return CaseDetail(case.id, case.ref, blank, [], conflict=True, walled=True)
    return _detail(session, case)


def close_case(
    session: Session, actor: Actor, case_id: int, day: date, reason: CloseReason
) -> CaseStatus:
    case = cases.close_case(session, actor, case_id, day, reason, form=True)
    return case.closed, case.close_reason


def reopen_case(session: Session, actor: Actor, case_id: int) -> CaseStatus:
    case = cases.reopen_case(session, actor, case_id)
    return case.closed, case.close_reason


def dossier(session: Session, actor: Actor, ref: str) -> CaseDossier:
    """A case by reference for reading in full (the policy decides; the opening is audited)."""
    case = cases.get_case_by_ref(session, actor, ref)
    return CaseDossier(
        ref=case.ref,
        data=case_data_of(case),
        country_name=case.country_ref.name_nl if case.country_ref is not None else None,
        contacts=[
            ContactRow(
                c.id, c.at, c.channel, c.party, c.handler.display_name, c.minutes, c.summary or ""
            )
            for c in case.contacts
        ],
        conflict=bool(conflicts.conflict_case_ids(session, [case.id])),
        records=exchange.dossier_records(case),
    )


def _person_data(p: Person) -> PersonData:
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
    """A stored case as the form's record (reads relationships: inside the session)."""
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
        removal_date=case.removal_date,
        proceedings_started=case.proceedings_started,
        decision_first_instance=case.decision_first_instance,
        appeal_ready=case.appeal_ready,
    )
