"""The destruction register: what each retention run removed, for the privacy officer.

Each row: when, the date the run applied, who ran it, who approved it, how many
cases and mediations per scope, how many search terms, and a SHA-256 over the
sorted references anonymised (no personal data, no references in the clear).
Reading or printing it is audited (Action.RETENTION_REGISTER).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import DestructionRun
from ikodesk.models.enums import Action
from ikodesk.services import access
from ikodesk.services.actors import Actor


@dataclass(frozen=True)
class RegisterRow:
    run_id: int
    run_at: datetime
    as_of: date
    run_by: str
    approved_by: str
    counts: dict[str, int]  # scope -> number anonymised
    cases: int
    mediations: int
    search_terms: int
    refs_hash: str
    periods: dict[str, int]  # scope -> years applied


def rows(session: Session, actor: Actor, *, purpose: str = "ingezien") -> list[RegisterRow]:
    """Every run, oldest first (administrators; audited with `purpose`)."""
    access.require(session, actor, Action.RETENTION_REGISTER, detail=purpose)
    return [
        RegisterRow(
            r.id,
            r.run_at,
            r.as_of,
            r.run_by,
            r.approved_by,
            {str(k): int(v) for k, v in (r.counts or {}).items()},
            r.cases,
            r.mediations,
            r.search_terms,
            r.refs_hash,
            {str(k): int(v) for k, v in (r.periods or {}).items()},
        )
        for r in session.scalars(select(DestructionRun).order_by(DestructionRun.id))
    ]
