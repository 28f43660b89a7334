"""Profiles and verdicts as JSON, for the server's copy of `compare` (`ikodesk_fm_compare`).

In server mode the comparison with every other case runs inside the database
(storage/server/sql/family_match.sql), where row-level security cannot hide the
other side from it and it never returns the other side's data. The SQL side
does no Unicode work and never sorts: every name arrives already folded and
split into tokens by `Name.of`, with the forms rapidfuzz's scorers compare
made here, so PostgreSQL only compares strings of code points.

A profile in JSON::

    {"case_id": 17,
     "requester": PERSON, "other_parent": PERSON | null,
     "children": [CHILD, ...]}

    PERSON = {"name": NAME, "birth_date": "1988-02-11" | null,
              "relation": "mother" | "father" | null,
              "side": "taking" | "left_behind" | "potential_taking"
                      | "potential_left_behind" | null,
              "side_group": "taking" | "left_behind" | null,
              "contact": ["e:a@b.nl", "t:0612345678"]}          (sorted)
    CHILD  = {"name": NAME, "birth_date": ... | null,
              "born_from": ... | null, "born_to": ... | null}
    NAME   = {"first": ["maria", "anna"], "last": ["van", "den", "berg"],
              "first_joined": "mariaanna", "last_joined": "vandenberg",
              "first_sorted": "anna maria", "last_sorted": "berg den van",
              "whole_sorted": "anna berg den maria van",
              "first_set": ["anna", "maria"], "last_set": ["berg", "den", "van"],
              "first_core_set": ["anna", "maria"], "last_core_set": ["berg"]}

`first` and `last` are the folded tokens; the other fields are what rapidfuzz
makes of them, made here so that PostgreSQL never sorts (its collation is not
Python's code point order): `_joined` the tokens without spaces (fuzz.ratio),
`_sorted` sorted and joined by spaces (token_sort_ratio; `whole_sorted` of
first and last names together), `_set` the distinct tokens sorted
(token_set_ratio), `_core_set` the same without particles, or all tokens when
nothing else is left (as `_last_sim` takes them; a swapped name compares a
first name as a surname, so first names have theirs too). Dates are ISO
strings, compared as strings on the server (the same order for 4-digit years).

A verdict in JSON is what the SQL function returns,
{"status": "conflict" | "review", "score": n, "reason": "..."}, or None when
`compare` finds nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ikodesk.services.family_match.names import PARTICLES, Name
from ikodesk.services.family_match.profiles import (
    _SIDE_GROUP,
    CaseProfile,
    ChildProfile,
    PersonProfile,
)
from ikodesk.services.family_match.scoring import Verdict

Json = dict[str, Any]


def _core(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens without particles, as `_last_sim` takes them."""
    return tuple(t for t in tokens if t not in PARTICLES) or tokens


def _set(tokens: tuple[str, ...]) -> list[str]:
    """Distinct tokens in code point order, as token_set_ratio sorts them."""
    return sorted(set(tokens))


def _sorted(tokens: tuple[str, ...]) -> str:
    """The string token_sort_ratio compares."""
    return " ".join(sorted(tokens))


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def name_to_json(name: Name) -> Json:
    return {
        "first": list(name.first),
        "last": list(name.last),
        "first_joined": "".join(name.first),
        "last_joined": "".join(name.last),
        "first_sorted": _sorted(name.first),
        "last_sorted": _sorted(name.last),
        "whole_sorted": _sorted(name.first + name.last),
        "first_set": _set(name.first),
        "last_set": _set(name.last),
        "first_core_set": _set(_core(name.first)),
        "last_core_set": _set(_core(name.last)),
    }


def person_to_json(person: PersonProfile) -> Json:
    group = _SIDE_GROUP.get(person.side) if person.side else None
    return {
        "name": name_to_json(person.name),
        "birth_date": _day(person.birth_date),
        # Scoring treats an empty relation as an unknown one.
        "relation": person.relation or None,
        "side": person.side.value if person.side else None,
        "side_group": group.value if group is not None else None,
        "contact": sorted(person.contact),
    }


def child_to_json(child: ChildProfile) -> Json:
    return {
        "name": name_to_json(child.name),
        "birth_date": _day(child.birth_date),
        "born_from": _day(child.born_from),
        "born_to": _day(child.born_to),
    }


def profile_to_json(profile: CaseProfile) -> Json:
    """A case's profile with names folded and tokenised, ready for `ikodesk_fm_compare`."""
    return {
        "case_id": profile.case_id,
        "requester": person_to_json(profile.requester),
        "other_parent": (
            person_to_json(profile.other_parent) if profile.other_parent is not None else None
        ),
        "children": [child_to_json(c) for c in profile.children],
    }


def verdict_to_json(verdict: Verdict | None) -> Json | None:
    """What `ikodesk_fm_compare` returns for the same two profiles."""
    if verdict is None:
        return None
    return {"status": verdict.status.value, "score": verdict.score, "reason": verdict.reason}
