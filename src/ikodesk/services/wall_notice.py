"""Whether a search found something behind a conflict wall: yes or no, on whole values only.

The notice exists so that nobody registers a family a second time unaware.
It must not become an oracle: counted on fragments, it let automated
searches spell out a walled parent's new surname three letters at a time.
So it says at most that *something* matched, and only when what was typed
equals, as a whole, the reference, a person's surname or full name, an
organisation, or a child's surname or full name of a case behind the wall
for this user (after folding case, diacritics and spacing, as the search
does). Fragments, and how many cases, never show.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.letters import SPECIAL_LETTERS
from ikodesk.models import Case, Child, Person
from ikodesk.services import access
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server


def fold(value: str) -> str:
    """Case, diacritics and spacing folded: "  Öztürk " and "ozturk" compare equal."""
    decomposed = unicodedata.normalize("NFKD", value.translate(SPECIAL_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _name_values(first: str | None, last: str | None) -> Iterable[str]:
    if last:
        yield last
    full = " ".join(p for p in (first, last) if p)
    if full:
        yield full
    if first and last:
        yield f"{last} {first}"


def whole_values(session: Session, case_ids: Iterable[int]) -> set[str]:
    """The folded whole values of these cases a search may be told about."""
    ids = sorted(set(case_ids))
    values: set[str] = set()
    if not ids:
        return values
    values.update(fold(r) for r in session.scalars(select(Case.ref).where(Case.id.in_(ids))))
    people = session.execute(
        select(Person.first_name, Person.last_name, Person.organisation).where(
            Person.case_id.in_(ids)
        )
    )
    for first, last, organisation in people:
        values.update(fold(v) for v in _name_values(first, last))
        if organisation:
            values.add(fold(organisation))
    children = session.execute(
        select(Child.first_name, Child.last_name).where(Child.case_id.in_(ids))
    )
    for first, last in children:
        values.update(fold(v) for v in _name_values(first, last))
    values.discard("")
    return values


def matches_behind_wall(session: Session, actor: Actor, query: str) -> bool:
    """True when `query` as a whole names a case behind a wall for `actor`."""
    walled = access.walled_cases(actor)
    wanted = fold(query)
    if walled is None or not wanted:
        return False
    if on_server(session):
        # The names behind the wall are not the login's to read: the server answers.
        return bool(session.scalar(select(func.ikodesk_wall_notice(query))))
    ids = session.scalars(
        select(Case.id).where(Case.id.in_(walled), access.visible_cases(session, actor))
    )
    return wanted in whole_values(session, ids)
