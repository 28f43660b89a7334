"""What is compared of a case (its profile) and the blocking keys that find candidate pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from ikodesk.models.enums import ParentSide
from ikodesk.services.family_match.names import Name, skeleton


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
    named: list[tuple[int, str, tuple[set[str], set[str]], bool]] = []
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
            named.append((entity, prefix, (firsts, lasts), born is None))
    if len(named) < 2:
        return keys
    for entity, prefix, (firsts, lasts), undated in named:
        for f in firsts:
            for last in lasts:
                lo, hi = sorted((f, last))
                keys.add((entity, f"n{prefix}:{lo}|{hi}"[:80], undated))
    return keys
