"""The contact moments of a case as plain rows (the timeline of the case window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Case, Contact
from ikodesk.models.enums import Channel, Party
from ikodesk.services import cases
from ikodesk.services.actors import Actor


@dataclass(frozen=True)
class ContactRow:
    id: int
    at: datetime
    channel: Channel
    party: Party
    handler: str
    minutes: int | None
    summary: str


def load_contacts(session: Session, actor: Actor, case_id: int) -> list[ContactRow]:
    """The contact moments of a case, newest first (the policy decides before any read)."""
    return contact_rows(session, cases.get_case(session, actor, case_id))


def contact_rows(session: Session, case: Case) -> list[ContactRow]:
    """The contact moments of a case the policy has given (`cases.get_case`), newest first.

    For a job that has read the case in the same session already: one audited
    read per opening, not two.
    """
    rows = session.scalars(
        select(Contact)
        .where(Contact.case_id == case.id)
        .order_by(Contact.at.desc(), Contact.id.desc())
    )
    return [
        ContactRow(c.id, c.at, c.channel, c.party, c.handler.display_name, c.minutes, c.summary or "")
        for c in rows
    ]


def add_contact(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    at: datetime,
    channel: Channel,
    party: Party,
    minutes: int | None = None,
    summary: str | None = None,
) -> int:
    """Add a contact moment typed in a form (services.cases decides the policy and the
    form's rules: not in the future); returns the case id."""
    cases.add_contact(
        session,
        actor,
        case_id,
        at=at,
        channel=channel,
        party=party,
        minutes=minutes,
        summary=summary,
        form=True,
    )
    return case_id
