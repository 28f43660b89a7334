"""The verdict on two cases: evidence weighed into a score, with a reason for every decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from ikodesk.services.family_match.names import _first_sim, _last_sim, name_similarity
from ikodesk.services.family_match.profiles import (
    _SIDE_GROUP,
    CaseProfile,
    ChildProfile,
    PersonProfile,
    SideGroup,
)

CONFLICT_SCORE = 5
# Without recorded opposite sides (only "mother and father both ask") the family
# evidence must be stronger: opposite sides are themselves evidence of a conflict.
CONFLICT_SCORE_WITHOUT_SIDES = 7
REVIEW_SCORE = 3

# Similarity thresholds (rapidfuzz scores, 0-100).
FIRST_NAME_MATCH = 85.0
SURNAME_MATCH = 85.0
NAME_ONLY_MATCH = 88.0  # full names must agree closely when no birth date backs them
PERSON_WITH_DATE_MATCH = 80.0
DIFFERENT_NAME = 60.0  # below this two full names belong to different people

W_CHILD_DATE_FIRST = 3
W_CHILD_DATE_SURNAME = 2
W_CHILD_NAMES = 1
W_AGES = 1
W_PERSON_STRONG = 4
W_PERSON_NAME = 2
W_CHILDREN_DIFFER = -4
W_PERSON_DIFFERS = -3


class PersonMatch(Enum):
    STRONG = "strong"  # same name and birth date
    CONTACT = "contact"  # same phone number or e-mail address, names not against it
    NAME = "name"  # same full name, no birth dates to compare
    DIFFERENT = "different"  # clearly someone else
    UNKNOWN = "unknown"  # not enough data either way


def compare_persons(a: PersonProfile, b: PersonProfile) -> PersonMatch:
    """Whether two people named in two cases are one person."""
    if a.relation and b.relation and a.relation != b.relation:
        return PersonMatch.DIFFERENT
    sim = name_similarity(a.name, b.name)
    dated = a.birth_date is not None and b.birth_date is not None
    if dated and a.birth_date != b.birth_date:
        return PersonMatch.DIFFERENT
    if dated and sim is not None and sim >= PERSON_WITH_DATE_MATCH:
        return PersonMatch.STRONG
    if a.contact & b.contact and (sim is None or sim >= DIFFERENT_NAME):
        return PersonMatch.CONTACT
    if not dated and sim is not None and sim >= NAME_ONLY_MATCH:
        return PersonMatch.NAME
    if sim is not None and sim < DIFFERENT_NAME:
        return PersonMatch.DIFFERENT
    return PersonMatch.UNKNOWN


class ChildMatch(Enum):
    DATE_FIRST = "date_first"
    DATE_SURNAME = "date_surname"
    NAMES = "names"
    COMPATIBLE = "compatible"  # nothing against it, nothing for it (ages only)


_CHILD_WEIGHT = {
    ChildMatch.DATE_FIRST: W_CHILD_DATE_FIRST,
    ChildMatch.DATE_SURNAME: W_CHILD_DATE_SURNAME,
    ChildMatch.NAMES: W_CHILD_NAMES,
    ChildMatch.COMPATIBLE: 0,
}


def compare_children(a: ChildProfile, b: ChildProfile) -> ChildMatch | None:
    """How two children of two cases agree; None when they cannot be the same child."""
    if (a.born_from and b.born_from and a.born_to and b.born_to) and (
        a.born_to < b.born_from or b.born_to < a.born_from
    ):
        return None
    first = _first_sim(a.name.first, b.name.first) if a.name.first and b.name.first else None
    last = _last_sim(a.name.last, b.name.last) if a.name.last and b.name.last else None
    if a.birth_date is not None and b.birth_date is not None:
        # Equal (the ranges above are single days).
        if first is not None:
            if first >= FIRST_NAME_MATCH:
                return ChildMatch.DATE_FIRST
            if first < DIFFERENT_NAME:
                return None  # a twin, or another child born that day
            return ChildMatch.COMPATIBLE
        if last is not None and last >= SURNAME_MATCH:
            return ChildMatch.DATE_SURNAME
        return ChildMatch.COMPATIBLE
    if first is not None and last is not None:
        if first >= NAME_ONLY_MATCH and last >= SURNAME_MATCH:
            return ChildMatch.NAMES
        if first < DIFFERENT_NAME:
            return None
    return ChildMatch.COMPATIBLE


@dataclass(frozen=True, slots=True)
class ChildrenEvidence:
    matches: tuple[ChildMatch, ...]  # the pairs of a one-to-one pairing
    total: int  # children in the larger of the two cases

    @property
    def score(self) -> int:
        return sum(_CHILD_WEIGHT[m] for m in self.matches)


def pair_children(a: Iterable[ChildProfile], b: Iterable[ChildProfile]) -> ChildrenEvidence:
    """Pair the children of two cases one to one, best evidence first (greedy)."""
    la, lb = list(a), list(b)
    options: list[tuple[int, int, int, ChildMatch]] = []
    for i, ca in enumerate(la):
        for j, cb in enumerate(lb):
            m = compare_children(ca, cb)
            if m is not None:
                options.append((_CHILD_WEIGHT[m], i, j, m))
    options.sort(key=lambda o: -o[0])
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches: list[ChildMatch] = []
    for _, i, j, m in options:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append(m)
    return ChildrenEvidence(tuple(matches), max(len(la), len(lb)))


class Opposition(Enum):
    OPPOSITE_SIDES = "opposite_sides"  # taking vs left behind (or potential)
    BOTH_PARENTS = "both_parents"  # mother and father both ask, sides unknown
    SAME_SIDE = "same_side"  # two parents on the same side: an admin decides


class Status(Enum):
    CONFLICT = "conflict"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    score: int
    reason: str


_CHILD_BASIS = {
    ChildMatch.DATE_FIRST: "geboortedatum en voornaam",
    ChildMatch.DATE_SURNAME: "geboortedatum en achternaam",
    ChildMatch.NAMES: "naam; geboortedatum ontbreekt",
}
_SIDE_TEXT = {SideGroup.TAKING: "meenemend", SideGroup.LEFT_BEHIND: "achterblijvend"}
# In this order in reasons.
_PERSON_BASIS = {
    PersonMatch.STRONG: "naam en geboortedatum",
    PersonMatch.CONTACT: "telefoon of e-mail",
    PersonMatch.NAME: "naam",
}
_PERSON_WEIGHT = {
    PersonMatch.STRONG: W_PERSON_STRONG,
    PersonMatch.CONTACT: W_PERSON_STRONG,
    PersonMatch.NAME: W_PERSON_NAME,
}


def opposition(a: PersonProfile, b: PersonProfile) -> Opposition | None:
    """Whether two requesting parents stand against each other; None: the same parent."""
    same = compare_persons(a, b)
    if same in (PersonMatch.STRONG, PersonMatch.NAME):
        return None
    ga = _SIDE_GROUP.get(a.side) if a.side else None
    gb = _SIDE_GROUP.get(b.side) if b.side else None
    if ga is not None and gb is not None:
        return Opposition.OPPOSITE_SIDES if ga is not gb else Opposition.SAME_SIDE
    if a.relation and b.relation and a.relation != b.relation:
        return Opposition.BOTH_PARENTS
    if same is PersonMatch.DIFFERENT:
        return Opposition.BOTH_PARENTS
    return Opposition.SAME_SIDE


def compare(a: CaseProfile, b: CaseProfile) -> Verdict | None:
    """The verdict on two cases: a conflict, a weak match for review, or nothing."""
    opposed = opposition(a.requester, b.requester)
    if opposed is None:
        return None  # the same parent asking again: not a conflict
    score = 0
    contradiction = False
    parts: list[str] = []

    kids = pair_children(a.children, b.children)
    if a.children and b.children:
        if not kids.matches:
            score += W_CHILDREN_DIFFER
            contradiction = True
            parts.append("kinderen komen niet overeen")
        else:
            score += kids.score
            evidential = [m for m in kids.matches if m is not ChildMatch.COMPATIBLE]
            if evidential:
                bases = {_CHILD_BASIS[m] for m in evidential}
                basis = bases.pop() if len(bases) == 1 else "geboortedatum en naam"
                parts.append(f"zelfde kinderen ({len(evidential)} van {kids.total}, {basis})")
            elif len(a.children) == len(b.children) == len(kids.matches):
                score += W_AGES
                parts.append("leeftijden van de kinderen komen overeen")

    cross: list[PersonMatch] = []
    for requester, other in ((a.requester, b.other_parent), (b.requester, a.other_parent)):
        if other is not None:
            cross.append(compare_persons(requester, other))
    found = [m for m in cross if m in _PERSON_BASIS]
    differ = cross.count(PersonMatch.DIFFERENT)
    score += sum(_PERSON_WEIGHT[m] for m in found) + differ * W_PERSON_DIFFERS
    if found:
        basis = " / ".join(_PERSON_BASIS[m] for m in _PERSON_BASIS if m in found)
        if len(found) == 2:
            parts.append(f"beide ouders over en weer genoemd ({basis})")
        else:
            parts.append(f"aanvrager is de andere ouder in de andere zaak ({basis})")
    if differ:
        contradiction = True
        parts.append("andere ouder wijkt af")

    if opposed is Opposition.OPPOSITE_SIDES:
        ga = _SIDE_GROUP[a.requester.side] if a.requester.side else None
        gb = _SIDE_GROUP[b.requester.side] if b.requester.side else None
        assert ga is not None and gb is not None
        parts.append(f"tegengestelde kanten ({_SIDE_TEXT[ga]} en {_SIDE_TEXT[gb]})")
    elif opposed is Opposition.BOTH_PARENTS:
        parts.append("beide ouders vragen advies")
    else:
        parts.append("beide aanvragers staan aan dezelfde kant")

    reason = "; ".join(parts)
    needed = {
        Opposition.OPPOSITE_SIDES: CONFLICT_SCORE,
        Opposition.BOTH_PARENTS: CONFLICT_SCORE_WITHOUT_SIDES,
    }.get(opposed)
    if needed is not None and score >= needed and not contradiction:
        return Verdict(Status.CONFLICT, score, reason)
    if score >= REVIEW_SCORE:
        return Verdict(Status.REVIEW, score, "zwakke overeenkomst: " + reason)
    return None
