"""Recognising one family across cases: normalised names, blocking keys and a match score.

Pure functions, no database: `services.conflicts` loads the profiles, finds
candidate pairs through indexed queries (same birth dates, shared name keys)
and asks `compare` for a verdict on each pair.

The score adds up independent pieces of evidence and subtracts what speaks
against one family (a Fellegi-Sunter-like weighing, kept in small integers so
that a reason can be given for every decision):

- a child with the same birth date and first name (+3), or the same birth date
  and surname where a first name is missing (+2), or the same full name where a
  birth date is missing (+1); ages that agree when only ages are known (+1);
- the requester of one case is the other parent named in the other case, with
  the same name and birth date or the same phone number or e-mail address (+4),
  or the same full name without a birth date to compare (+2), each direction;
- children that cannot be the same (no child of one case fits any child of the
  other) (-4), or a named other parent who clearly is someone else (-3).

Two unrelated families who share a common surname differ in their children's
birth dates and the parents' first names, so they collect penalties, not
points. A conflict needs `CONFLICT_SCORE` without any contradiction; a weaker
match from `REVIEW_SCORE` goes to the admin's review list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

from rapidfuzz import fuzz

from ikodesk.models.enums import ParentSide

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

# Name particles: part of a surname, but too common to tell families apart.
PARTICLES = frozenset(
    {
        *("de", "van", "der", "den", "het", "t", "te", "ten", "ter", "op", "in"),
        *("el", "al", "la", "le", "du", "da", "das", "dos", "di", "von", "zu"),
        *("bin", "ben", "ibn", "abu"),
    }
)
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "İ": "i",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
    }
)
_NON_WORD = re.compile(r"[\W_]+")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower case, no diacritics, punctuation and hyphens as spaces, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A coarse sound key of a folded token: first letter, then consonants, no doubles.

    "mohamed" and "mohammed" give "mhmd"; "kowalska" and "kowalski" give "kwlsk".
    Only for blocking: candidates are scored with rapidfuzz afterwards.
    """
    if not token:
        return ""
    out = token[0]
    for ch in token[1:]:
        if ch not in _VOWELS and ch != out[-1]:
            out += ch
    return out


@dataclass(frozen=True, slots=True)
class Name:
    first: tuple[str, ...]
    last: tuple[str, ...]

    @classmethod
    def of(cls, first: str | None, last: str | None) -> Name:
        return cls(tuple(fold(first).split()), tuple(fold(last).split()))

    @property
    def full(self) -> bool:
        return bool(self.first) and bool(self.last)

    @property
    def empty(self) -> bool:
        return not self.first and not self.last

    @property
    def last_core(self) -> tuple[str, ...]:
        core = tuple(t for t in self.last if t not in PARTICLES)
        return core or self.last


def _first_sim(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """First names: reordered ("Anna Maria"/"Maria Anna") and partial ("Anna") agree."""
    sa, sb = " ".join(a), " ".join(b)
    return max(
        fuzz.token_sort_ratio(sa, sb),
        fuzz.token_set_ratio(sa, sb),
        fuzz.ratio("".join(a), "".join(b)),
    )


def _last_sim(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Surnames: spacing ("van den Berg"/"vandenberg") and double names agree."""
    ca = [t for t in a if t not in PARTICLES] or list(a)
    cb = [t for t in b if t not in PARTICLES] or list(b)
    return max(
        fuzz.ratio("".join(a), "".join(b)),
        fuzz.token_set_ratio(" ".join(ca), " ".join(cb)),
    )


def name_similarity(a: Name, b: Name) -> float | None:
    """How alike two full names are (0-100), allowing first and last swapped.

    None when either name lacks a first or a last name: then a name alone
    cannot say whether two people are the same.
    """
    if not (a.full and b.full):
        return None
    direct = min(_first_sim(a.first, b.first), _last_sim(a.last, b.last))
    swapped = min(_first_sim(a.first, b.last), _last_sim(a.last, b.first))
    whole = fuzz.token_sort_ratio(" ".join(a.first + a.last), " ".join(b.first + b.last))
    return max(direct, swapped, whole)


# --- profiles -------------------------------------------------------------------


class SideGroup(Enum):
    TAKING = "taking"
    LEFT_BEHIND = "left_behind"


_SIDE_GROUP = {
    ParentSide.TAKING: SideGroup.TAKING,
    ParentSide.POTENTIAL_TAKING: SideGroup.TAKING,
    ParentSide.LEFT_BEHIND: SideGroup.LEFT_BEHIND,
    ParentSide.POTENTIAL_LEFT_BEHIND: SideGroup.LEFT_BEHIND,
}


@dataclass(frozen=True, slots=True)
class PersonProfile:
    name: Name
    birth_date: date | None
    relation: str | None  # mother | father (None when unknown)
    side: ParentSide | None = None
    # Normalised phone numbers and e-mail addresses ("t:0612345678", "e:a@b.nl").
    contact: frozenset[str] = frozenset()


_NOT_DIGIT = re.compile(r"\D+")


def contact_keys(phone: str | None, email: str | None) -> frozenset[str]:
    """A person's phone number (digits, Dutch national form) and e-mail, normalised."""
    keys: set[str] = set()
    if phone:
        digits = _NOT_DIGIT.sub("", phone)
        if digits.startswith("0031"):
            digits = "0" + digits[4:]
        elif digits.startswith("31") and phone.lstrip().startswith("+"):
            digits = "0" + digits[2:]
        if len(digits) >= 8:
            keys.add("t:" + digits)
    if email and "@" in email:
        keys.add("e:" + email.strip().casefold())
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class ChildProfile:
    name: Name
    birth_date: date | None
    # Earliest and latest possible birth date (a range when only an age is known).
    born_from: date | None
    born_to: date | None

    @classmethod
    def of(
        cls,
        first: str | None,
        last: str | None,
        birth_date: date | None,
        age: int | None,
        opened: date,
    ) -> ChildProfile:
        name = Name.of(first, last)
        if birth_date is not None:
            return cls(name, birth_date, birth_date, birth_date)
        if age is None:
            return cls(name, None, None, None)
        latest = _years_before(opened, age)
        earliest = _years_before(opened, age + 1) + timedelta(days=1)
        return cls(name, None, earliest, latest)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class CaseProfile:
    """What matching knows of a case whose requester is a parent."""

    case_id: int
    requester: PersonProfile
    other_parent: PersonProfile | None
    children: tuple[ChildProfile, ...]


def _sounds(name: Name) -> tuple[set[str], set[str]]:
    firsts = {skeleton(t) for t in name.first}
    lasts = {skeleton(t) for t in name.last_core}
    if name.last:
        lasts.add(skeleton("".join(name.last)))
    return firsts, lasts


def match_keys(profile: CaseProfile) -> set[tuple[int, str, bool]]:
    """Blocking keys of the people of a case: (person, key, has no birth date).

    The person is 0 for the requester, 1 for the other parent, 2... for the children.

    Date keys ("d..."): a birth date with the sound key of one name token, so
    two people born the same day become candidates when a first name or a
    surname sounds alike (not every child born that day in the country).
    Name keys ("n..."): an unordered pair of sound keys (a first-name token, a
    surname token), so reordered and swapped names share keys, and a double
    surname shares a key with either half; they find people without a birth
    date. Name keys come only from a case with at least two named people:
    one name alone can never reach the review threshold.
    """
    keys: set[tuple[int, str, bool]] = set()
    named: list[tuple[int, str, Name, bool]] = []
    parents = [(i, p) for i, p in enumerate((profile.requester, profile.other_parent)) if p]
    for entity, parent in parents:
        # A shared phone number or e-mail address is enough to compare two cases.
        keys.update((entity, f"dt:{c}"[:80], False) for c in parent.contact)
    people: list[tuple[int, str, Name, date | None]] = [
        (i, "p", p.name, p.birth_date) for i, p in parents
    ]
    people += [(i + 2, "c", c.name, c.birth_date) for i, c in enumerate(profile.children)]
    for entity, prefix, name, born in people:
        firsts, lasts = _sounds(name)
        if born is not None:
            day = born.isoformat()
            keys.update(
                (entity, f"d{prefix}:{day}|{sound}"[:80], False) for sound in firsts | lasts
            )
        if name.full:
            named.append((entity, prefix, name, born is None))
    if len(named) < 2:
        return keys
    for entity, prefix, name, undated in named:
        firsts, lasts = _sounds(name)
        for f in firsts:
            for last in lasts:
                lo, hi = sorted((f, last))
                keys.add((entity, f"n{prefix}:{lo}|{hi}"[:80], undated))
    return keys


# --- comparing two cases -----------------------------------------------------------


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
