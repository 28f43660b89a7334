"""Why a case is in a search result: which person or child, which field matched.

The search finds a case when every word typed occurs somewhere in it (the
full-text index holds the reference and every name of the case, folded for
case and diacritics). A list that shows the requester only must say why a
case with another requester is there: "Öztürk" found Mehmet Aydın's case
through his child. `what_matched` answers that per case, for the cases a
list already shows (never for a masked row: the caller leaves those out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Case, Child, Person
from ikodesk.models.enums import PersonRole
from ikodesk.services.family_match import fold
from ikodesk.services.search_index import MIN_QUERY_LENGTH

# Who matched: the person's role in the case, or "child", or "ref" (the reference).
REQUESTER, OTHER_PARENT, CHILD, REFERENCE = "requester", "other_parent", "child", "ref"
# Which field: "first_name", "last_name", "organisation", "ref".
MAX_REASONS = 3


@dataclass(frozen=True)
class MatchReason:
    """One person (or the reference) in which the search words were found."""

    who: str  # REQUESTER, OTHER_PARENT, CHILD or REFERENCE
    name: str  # the person's name as registered ("" for the reference)
    fields: tuple[str, ...]  # the fields the words were found in


def _words(query: str) -> list[str]:
    return [w for w in (fold(part) for part in query.split()) if len(w) >= MIN_QUERY_LENGTH]


def _found_in(words: list[str], values: dict[str, str | None]) -> tuple[str, ...]:
    fields = []
    for field, value in values.items():
        folded = fold(value)
        if folded and any(w in folded for w in words):
            fields.append(field)
    return tuple(fields)


def what_matched(
    session: Session, case_ids: Sequence[int], query: str
) -> dict[int, tuple[MatchReason, ...]]:
    """Per case, the people (and the reference) the search words were found in.

    The people first in the order a case lists them: requester, other parent,
    children; at most MAX_REASONS per case. A case the caller may show only.
    """
    words = _words(query)
    ids = sorted(set(case_ids))
    out: dict[int, list[MatchReason]] = defaultdict(list)
    if not ids:
        return {}
    typed = query.strip()
    if typed:
        for cid, ref in session.execute(select(Case.id, Case.ref).where(Case.id.in_(ids))):
            if ref.startswith(typed):
                out[cid].append(MatchReason(REFERENCE, "", ("ref",)))
    if words:
        people = session.execute(
            select(
                Person.case_id,
                Person.role,
                Person.first_name,
                Person.last_name,
                Person.organisation,
            )
            .where(Person.case_id.in_(ids))
            .order_by(Person.case_id, Person.role.desc())
        )
        for cid, role, first, last, organisation in people:
            fields = _found_in(
                words, {"first_name": first, "last_name": last, "organisation": organisation}
            )
            if fields:
                who = REQUESTER if role is PersonRole.REQUESTER else OTHER_PARENT
                name = " ".join(p for p in (first, last) if p) or organisation or ""
                out[cid].append(MatchReason(who, name, fields))
        children = session.execute(
            select(Child.case_id, Child.first_name, Child.last_name)
            .where(Child.case_id.in_(ids))
            .order_by(Child.case_id, Child.position)
        )
        for cid, first, last in children:
            fields = _found_in(words, {"first_name": first, "last_name": last})
            if fields:
                name = " ".join(p for p in (first, last) if p)
                out[cid].append(MatchReason(CHILD, name, fields))
    return {cid: tuple(reasons[:MAX_REASONS]) for cid, reasons in out.items()}
