"""While a case is typed: is this a family the centre already knows? Said without revealing it.

The form asks (on the worker) as the typed record changes. The answer follows
the rules of the automatic detection exactly (`family_match.compare` on the
candidates the match keys find), on the typed record as it stands, and only
once that record could match at all: a requesting parent with a full name and
a child with a first name and a birth date, or the parent's own birth date.
A first name, a surname or a few letters never get an answer, so the check
cannot be used to spell out a colleague's families.

What it says, and nothing more (no names, no dates, no reference of a case
behind a wall):

- `OTHER_SIDE`: what was typed matches a case as a conflict or a weak match
  would. Saving would wall the two cases, so whoever handles or has opened
  that case may not handle this one: their usernames come back as
  `excluded_handlers` (the form leaves them out of the handler choice), with
  whether the typist is one of them;
- `SAME_PERSON`: the requesting parent already has a case (same full name
  and birth date, or same full name and a child with the same first name and
  birth date); its id and reference only when the typist may open it;
- `NONE`.

Every check that gets this far is audited (`case.family_check`) with its
answer and the reference of the case it found, so that the administrator can
see who asked about which family.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models import Case, CaseOpening, ConflictPair, MatchKey, User, WallClaim
from ikodesk.models.enums import RequesterKind
from ikodesk.services import access, audit
from ikodesk.services.access import Action, CaseFacts
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.conflicts.profiles import load_profiles, profile_from_data
from ikodesk.services.family_match import (
    CaseProfile,
    ChildMatch,
    PersonMatch,
    compare,
    compare_persons,
    match_keys,
    pair_children,
)
from ikodesk.services.family_match.profile_json import profile_to_json
from ikodesk.services.validation import CaseData

OTHER_SIDE_COLLEAGUE = QT_TRANSLATE_NOOP(
    "services",
    "Mogelijk dezelfde familie als een zaak van een collega: deze zaak moet door een "
    "andere behandelaar worden behandeld.",
)
OTHER_SIDE_YOURS = QT_TRANSLATE_NOOP(
    "services",
    "Mogelijk dezelfde familie als een zaak die u behandelt of heeft ingezien: deze zaak "
    "moet door een andere behandelaar worden behandeld. Typ het dossier niet verder uit; "
    "draag het over.",
)
SAME_PERSON_OPEN = QT_TRANSLATE_NOOP("services", "Deze persoon heeft al een zaak: openen?")
SAME_PERSON_CLOSED = QT_TRANSLATE_NOOP(
    "services", "Deze persoon heeft al een zaak, die u niet kunt openen."
)
_CHUNK = 500


class FamilyMatch(Enum):
    NONE = "none"
    OTHER_SIDE = "other_side"
    SAME_PERSON = "same_person"


@dataclass(frozen=True)
class FamilyNotice:
    """What the form may say about the family being typed (nothing behind a wall)."""

    match: FamilyMatch = FamilyMatch.NONE
    # Usernames that may not handle this case: they stand on the other side.
    excluded_handlers: frozenset[str] = field(default_factory=frozenset)
    typist_excluded: bool = False
    # SAME_PERSON, when the typist may open that case.
    case_id: int | None = None
    ref: str | None = None

    @property
    def message(self) -> str:
        """The notice (a template of context "services"); "" for NONE."""
        if self.match is FamilyMatch.OTHER_SIDE:
            return OTHER_SIDE_YOURS if self.typist_excluded else OTHER_SIDE_COLLEAGUE
        if self.match is FamilyMatch.SAME_PERSON:
            return SAME_PERSON_OPEN if self.case_id is not None else SAME_PERSON_CLOSED
        return ""


NOTHING = FamilyNotice()


def complete_enough(data: CaseData) -> bool:
    """Whether the typed record may be checked at all: never on fragments.

    A requesting parent with a first and a last name (not initials), and a child
    with a first name and a birth date or the parent's own birth date.
    """
    r = data.requester
    if r.kind is not RequesterKind.PARENT:
        return False
    if not (_whole(r.first_name) and _whole(r.last_name)):
        return False
    dated_child = any(_whole(c.first_name) and c.birth_date for c in data.children)
    return dated_child or r.birth_date is not None


def _whole(name: str | None) -> bool:
    """A name, not an initial or a letter: two letters at least ("Li", "Ng" are names)."""
    return sum(ch.isalpha() for ch in name or "") >= 2


def check_family(
    session: Session, actor: Actor, data: CaseData, case_id: int | None = None
) -> FamilyNotice:
    """What the form may say about the family in `data` (see the module). Audited."""
    access.require(session, actor, Action.FAMILY_CHECK)
    if not complete_enough(data):
        return NOTHING
    profile = profile_from_data(case_id or 0, data)
    if profile is None:
        return NOTHING
    if on_server(session):
        return _check_on_server(session, profile, case_id, data)
    candidates = _candidates(session, profile, case_id)
    profiles = load_profiles(session, candidates)
    walling: list[int] = []
    same: list[int] = []
    for cid in sorted(profiles):
        other = profiles[cid]
        if compare(profile, other) is not None:
            walling.append(cid)
        elif _same_person(profile, other):
            same.append(cid)
    if walling:
        notice = _other_side(session, actor, walling)
        _audit(session, actor, data, walling[0], "mogelijk dezelfde familie")
        return notice
    if same:
        notice = _same(session, actor, same)
        _audit(session, actor, data, same[0], "zelfde persoon heeft al een zaak")
        return notice
    _audit(session, actor, data, None, "geen overeenkomst")
    return NOTHING


_FAMILY_CHECK_ON_SERVER = text(
    "SELECT ikodesk_family_check(CAST(:profile AS jsonb), CAST(:keys AS jsonb), :case_id, :at)"
)


def _check_on_server(
    session: Session, profile: CaseProfile, case_id: int | None, data: CaseData
) -> FamilyNotice:
    """On the office server: the server compares with the cases this login cannot read.

    It answers what the form may say and nothing more, and audits the check
    itself with the reference it found (storage/server/sql/functions.sql).
    """
    answer = session.scalar(
        _FAMILY_CHECK_ON_SERVER,
        {
            "profile": json.dumps(profile_to_json(profile)),
            "keys": json.dumps(sorted(match_keys(profile))),
            "case_id": case_id,
            "at": _where(data),
        },
    )
    match = FamilyMatch((answer or {}).get("match", "none"))
    if match is FamilyMatch.OTHER_SIDE:
        return FamilyNotice(
            match,
            excluded_handlers=frozenset(answer.get("excluded") or ()),
            typist_excluded=bool(answer.get("typist_excluded")),
        )
    if match is FamilyMatch.SAME_PERSON:
        return FamilyNotice(match, case_id=answer.get("case_id"), ref=answer.get("ref"))
    return NOTHING


def _where(data: CaseData) -> str:
    return f" (bij zaak {data.ref})" if data.ref else ""


def _same_person(typed: CaseProfile, other: CaseProfile) -> bool:
    """The requesting parent asks again: same full name and birth date, or the same name
    (or phone or e-mail) and a child with the same first name and birth date."""
    person = compare_persons(typed.requester, other.requester)
    if person is PersonMatch.STRONG:
        return True
    if person not in (PersonMatch.NAME, PersonMatch.CONTACT):
        return False
    return ChildMatch.DATE_FIRST in pair_children(typed.children, other.children).matches


def _candidates(session: Session, profile: CaseProfile, case_id: int | None) -> list[int]:
    """Cases sharing a birth-date key, or name keys of two people, with the typed record.

    The rules of `detection._candidate_pairs`, read-only: nothing is written to
    the index for a record that is only being typed. Cases already paired with
    the case being edited are known walls, not news.
    """
    keys = match_keys(profile)
    by_key: dict[str, set[int]] = defaultdict(set)
    for entity, key, _undated in keys:
        by_key[key].add(entity)
    dated: set[int] = set()
    named: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    wanted = sorted(by_key)
    for i in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(MatchKey.case_id, MatchKey.entity, MatchKey.key).where(
                MatchKey.key.in_(wanted[i : i + _CHUNK])
            )
        )
        for cid, entity, key in rows:
            if cid == case_id:
                continue
            if key.startswith("d"):
                dated.add(cid)
            else:
                mine, theirs = named[cid]
                mine.update(by_key[key])
                theirs.add(entity)
    found = dated | {cid for cid, (a, b) in named.items() if len(a) >= 2 and len(b) >= 2}
    if case_id is not None and found:
        found -= _paired_with(session, case_id)
    return sorted(found)


def _paired_with(session: Session, case_id: int) -> set[int]:
    rows = session.execute(
        select(ConflictPair.case_a_id, ConflictPair.case_b_id).where(
            or_(ConflictPair.case_a_id == case_id, ConflictPair.case_b_id == case_id)
        )
    )
    return {b if a == case_id else a for a, b in rows}


def _other_side(session: Session, actor: Actor, case_ids: Iterable[int]) -> FamilyNotice:
    """Who would stand on the other side once saved: handlers, openers and claimants."""
    ids = sorted(set(case_ids))
    handlers = select(Case.handler_id).where(Case.id.in_(ids))
    openers = select(CaseOpening.user_id).where(CaseOpening.case_id.in_(ids))
    claimants = select(WallClaim.user_id).where(WallClaim.case_id.in_(ids))
    users = set(session.scalars(handlers)) | set(session.scalars(openers))
    users |= set(session.scalars(claimants))
    names = frozenset(
        session.scalars(select(User.username).where(User.id.in_(sorted(users)))) if users else ()
    )
    return FamilyNotice(
        FamilyMatch.OTHER_SIDE,
        excluded_handlers=names,
        typist_excluded=actor.user_id in users,
    )


def _same(session: Session, actor: Actor, case_ids: list[int]) -> FamilyNotice:
    """The person's case the typist may open (open cases first, newest first), if any."""
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.id.in_(case_ids))
            .order_by(Case.closed.is_not(None), Case.opened.desc(), Case.id.desc())
        )
    )
    for case in cases:
        if access.allowed(session, actor, Action.CASE_READ, CaseFacts.of(case)):
            return FamilyNotice(FamilyMatch.SAME_PERSON, case_id=case.id, ref=case.ref)
    return FamilyNotice(FamilyMatch.SAME_PERSON)


def _audit(session: Session, actor: Actor, data: CaseData, found: int | None, answer: str) -> None:
    ref = session.scalar(select(Case.ref).where(Case.id == found)) if found else None
    audit.log(
        session,
        actor,
        Action.FAMILY_CHECK.value,
        "case",
        ref,
        detail=f"tijdens het typen{_where(data)}: {answer}",
    )
