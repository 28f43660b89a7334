"""Line 1 quick registration: a case and its first contact moment in one step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.errors import ValidationError
from ikodesk.models import Case
from ikodesk.models.enums import CaseCode, Channel, Party, RequesterKind
from ikodesk.services import access, case_queries, cases
from ikodesk.services.access import Action, CaseFacts
from ikodesk.services.actors import Actor
from ikodesk.services.case_queries import CaseRow
from ikodesk.services.validation import CaseData, PersonData, line1_rules

RECENT_LIMIT = 20

_PARTY_OF_KIND = {
    RequesterKind.PARENT: Party.PARENT,
    RequesterKind.PROFESSIONAL: Party.PROFESSIONAL,
    RequesterKind.FAMILY: Party.FAMILY,
}


def party_for(kind: RequesterKind) -> Party:
    """Who a contact moment is with, given the kind of requester of the case."""
    return _PARTY_OF_KIND[kind]


def register_line1(
    session: Session,
    actor: Actor,
    *,
    caller: PersonData,
    channel: Channel,
    at: datetime,
    country: str | None = None,
    note: str | None = None,
) -> Case:
    """Register a travel-consent question: the case (handled by `actor`) and its first contact.

    A call needs who calls and a name, a destination or a note (`validation.line1_rules`):
    an empty registration would count in the annual total.
    """
    note = (note or "").strip() or None
    # The policy first: a role that may not register learns nothing about the form's rules.
    access.require(session, actor, Action.CASE_CREATE, CaseFacts(None, 1, actor.user_id))
    problems = line1_rules(caller, country, note)
    if problems:
        raise ValidationError({p.field: p.message for p in problems})
    data = CaseData(
        ref=None,
        line=1,
        code=CaseCode.TRAVEL_CONSENT,
        opened=at.date(),
        handler=actor.username,
        requester=caller,
        country=country,
        summary=note,
    )
    case = cases.create_case(session, actor, data, form=True)
    cases.add_contact(
        session, actor, case.id, at=at, channel=channel, party=party_for(caller.kind), form=True
    )
    return case


def recent_registrations(
    session: Session, actor: Actor, limit: int = RECENT_LIMIT
) -> list[CaseRow]:
    """The Line 1 cases this user registered last, newest first (by date, then number)."""
    if actor.user_id is None:
        return []
    ids = list(
        session.scalars(
            select(Case.id)
            .where(Case.line == 1, Case.handler_id == actor.user_id)
            .order_by(Case.opened.desc(), Case.id.desc())
            .limit(limit)
        )
    )
    rows = case_queries.fetch_rows(session, actor, ids)
    return [rows[i] for i in ids if i in rows]
