"""Case profiles for testing family matching: the project's fixtures, demo data, and generators.

`fixture_profiles` turns the family fixtures (tests/support/family.py and
records.py, read as the import reads them) and the cases of
tests/test_family_match.py into profiles. `related_pairs` draws two cases of
one family as two registrars might type them: spelling drift, accents lost,
typos, first and last names swapped, a birth date missing, wrong or replaced
by an age, a phone number written another way; or a stranger, or the same
parent asking again.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from ikodesk.models.enums import ParentSide
from ikodesk.services.conflicts import profile_from_data
from ikodesk.services.demo import DemoGenerator
from ikodesk.services.family_match import (
    CaseProfile,
    ChildProfile,
    Name,
    PersonProfile,
    contact_keys,
)
from ikodesk.services.validation import parse_case
from tests import test_family_match as U
from tests.support import family as F
from tests.support import records as R

# -- the fixtures -------------------------------------------------------------


def _changed(person: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A person's record with changes (a value of ... removes the field)."""
    merged = {**person, **changes}
    return {k: v for k, v in merged.items() if v is not ...}


def _mother(**changes: Any) -> dict[str, Any]:
    return _changed(R.ABDUCTION_CASE["requester"], **changes)


def _father(**changes: Any) -> dict[str, Any]:
    return _changed(F.FATHER_CASE["requester"], **changes)


FIXTURE_RECORDS: list[dict[str, Any]] = [
    R.ABDUCTION_CASE,
    F.FATHER_CASE,
    F.UNRELATED_CASE,
    # The father again, as other registrations of him might read.
    F.father_case(requester=_father(side="left_behind")),  # same side as the mother
    F.father_case(requester=_father(side=...)),
    F.father_case(other_parent=..., children=[{"age": 6}, {"age": 4}]),
    F.father_case(
        other_parent={"relation": "mother", "first_name": "Anna", "last_name": "Kowalska"},
        children=[{"first_name": "Ola", "last_name": "Kowalska", "age": 6}],
    ),
    F.father_case(requester=_father(first_name="Kowalski", last_name="Piotr")),
    F.father_case(requester=_father(birth_date="1985-07-31")),
    # The mother again: with a phone number the father's case knows, and once more.
    R.case(ref="2024-L2-00051", requester=_mother(phone="06-55501234", birth_date=...)),
    R.case(ref="2024-L2-00052", requester=_mother(side="taking"), other_parent=...),
    R.case(
        ref="2024-L2-00053",
        requester=_mother(first_name="Ánna", last_name="Kowalska-Nowak", side=...),
        children=[{"first_name": "Ola", "birth_date": "2017-09-01"}, {"age": 12}],
    ),
]


def _unit_test_cases() -> list[CaseProfile]:
    """The cases that tests/test_family_match.py compares."""
    p, c, case = U.person, U.child, U.case
    side = ParentSide
    ola = c("Ola", "Kowalska", "2017-09-01")
    kids = (c("Zeynep", "Öztürk", "2016-04-04"), c("Emre", "Öztürk", "2019-10-10"))
    said = PersonProfile(
        Name.of("Said", "El Amrani"),
        None,
        "father",
        side.LEFT_BEHIND,
        contact_keys("06-41393185", None),
    )
    return [
        U.mother_case(ola, c(None, None, age=4)),
        U.father_case(
            c("ola", "kowalska", "2017-09-01"),
            c(None, None, age=4),
            other=p("anna", "Kowalska-Nowak", "1988-02-11", "mother"),
        ),
        case(1, p("Elif", "Öztürk", None, "mother", side.LEFT_BEHIND), None, *kids),
        case(
            2,
            p("Mehmet", "Ozturk", None, "father", side.TAKING),
            None,
            c("zeynep", "OZTURK", "2016-04-04"),
            c("Emre", None, "2019-10-10"),
        ),
        U.father_case(
            c("Ola", "Kowalska", None, age=6), other=p("Anna", "Kowalska", None, "mother")
        ),
        case(
            1,
            p("Anna Maria", "de Vries", "1990-01-01", "mother", side.POTENTIAL_LEFT_BEHIND),
            p("Jan", "Bakker", "1989-05-05", "father"),
            c("Lotte", "Bakker", "2020-02-02"),
        ),
        case(
            2,
            p("Bakker", "Jan", "1989-05-05", "father", side.POTENTIAL_TAKING),
            p("Maria Anna", "de Vries", "1990-01-01", "mother"),
            c("Lotte", "Bakker", "2020-02-02"),
        ),
        case(
            1,
            p("Anna", "de Vries", "1985-03-03", "mother", side.LEFT_BEHIND),
            p("Jan", "de Vries", "1984-04-04", "father"),
            c("Sanne", "de Vries", "2015-05-05"),
            c("Daan", "de Vries", "2018-06-06"),
        ),
        case(
            2,
            p("Pieter", "de Vries", "1979-07-07", "father", side.TAKING),
            p("Eva", "de Vries", "1981-08-08", "mother"),
            c("Noor", "de Vries", "2012-09-09"),
        ),
        case(
            3,
            p("Jan", "de Vries", None, "father", side.TAKING),
            p("Eva", "de Vries", None, "mother"),
            c("Sanne", "de Vries", None, age=2),
        ),
        case(3, p("anna", "kowalska", "1988-02-11", "mother", side.TAKING), None),
        case(
            1,
            p("Anna", "Kowalska", None, "mother", side.LEFT_BEHIND),
            None,
            c("Ola", "Kowalska", None, age=6),
        ),
        case(
            2,
            p("Piotr", "Kowalski", None, "father", side.TAKING),
            p("Anna", "Kowalska", None, "mother"),
            c("Ola", "Kowalska", None, age=6),
        ),
        case(
            2,
            p("Piotr", "Kowalski", "1985-07-30", "father", side.LEFT_BEHIND),
            p("Anna", "Kowalska", "1988-02-11", "mother"),
            ola,
        ),
        case(1, p("Anna", "Kowalska", "1988-02-11", "mother"), None, ola),
        case(2, p("Piotr", "Kowalski", "1985-07-30", "father"), p("Anna", "Kowalska", None), ola),
        U.mother_case(c(None, None, age=2)),
        U.father_case(c(None, None, age=12)),
        case(1, U.MOTHER, None, c(None, None, age=2)),
        case(2, U.FATHER, None, c(None, None, age=12)),
        case(1, said, None, c(None, None, age=10)),
        case(
            2,
            p("Sophie", "van Dijk", "1983-11-10", "mother", side.TAKING),
            PersonProfile(
                Name.of("Said", "El Amrani"), None, "father", None, contact_keys("0641393185", None)
            ),
            c(None, None, age=10),
        ),
        case(
            1, p("Said", "El Amrani", None, "father", side.LEFT_BEHIND), None, c(None, None, age=10)
        ),
    ]


def fixture_profiles() -> list[CaseProfile]:
    """Every profile of the family fixtures and of the family-matching unit tests."""
    from_records = [
        profile_from_data(n, parse_case(rec)) for n, rec in enumerate(FIXTURE_RECORDS, start=100)
    ]
    return [p for p in from_records if p is not None] + _unit_test_cases()


def demo_profiles(scale: float, seed: int = 2024) -> tuple[list[CaseProfile], set[tuple[int, int]]]:
    """The demo generator's profiles of 2024, and its mirrored pairs (as indexes)."""
    mirrored: list[tuple[str, str]] = []

    class Truthful(DemoGenerator):
        def _mirror_case(self, ref: str, case: dict[str, Any]) -> list[dict[str, Any]]:
            mirrored.append((case["ref"], ref))
            return super()._mirror_case(ref, case)

    gen = Truthful(seed=seed, scale=scale)
    profiles: list[CaseProfile] = []
    index: dict[str, int] = {}
    for rec in gen.records([2024], with_history=False):
        if rec["type"] != "case":
            continue
        profile = profile_from_data(len(profiles) + 1, parse_case(rec))
        if profile is not None:
            index[rec["ref"]] = len(profiles)
            profiles.append(profile)
    pairs = {(index[a], index[b]) for a, b in mirrored if a in index and b in index}
    return profiles, pairs


# -- generated families ---------------------------------------------------------
# Plain functions of `draw` with strategies made once: a strategy made per draw
# costs hypothesis more than the whole comparison.

FIRST = ["Anna", "Ánna", "Anna Maria", "Maria", "Piotr", "Mohamed", "Mohammed", "Zoë", "Łucja"]
LAST = [
    *("Kowalska", "Kowalski", "Kowalska-Nowak", "van den Berg", "Vandenberg", "van der Berg"),
    *("de Vries", "El Amrani", "el-Amrani", "Öztürk", "Ozturk", "Jansen", "van", "Anna"),
]
KIDS = ["Ola", "Lotte", "Çağan", "Emre", "Sanne", "Youssef", "Yusuf", "Noor", "Daan"]
PARENT_DATES = [date(1985, 7, 30), date(1988, 2, 11), date(1990, 1, 1)]
CHILD_DATES = [date(2015, 5, 1), date(2015, 5, 2), date(2017, 9, 1), date(2020, 2, 29)]
OPENED = [date(2024, 3, 1), date(2023, 2, 28), date(2024, 2, 29)]
PHONES = ["06-12345678", "+31 6 12345678", "0031612345678", "06 8765 4321", "0612"]
EMAILS = ["A.Kowalska@example.org", "a.kowalska@example.org ", "p@example.nl", "geen-adres"]
SIDES: list[ParentSide | None] = [None, *ParentSide]

_FIRST = st.sampled_from(FIRST)
_LAST = st.sampled_from(LAST)
_KID = st.sampled_from(KIDS)
_PARENT_DATE = st.none() | st.sampled_from(PARENT_DATES)
_CHILD_DATE = st.sampled_from(CHILD_DATES)
_OPENED = st.sampled_from(OPENED)
_PHONE = st.none() | st.sampled_from(PHONES)
_EMAIL = st.none() | st.sampled_from(EMAILS)
_SIDE = st.sampled_from(SIDES)
_SPELLING = st.sampled_from(["same", "same", "lower", "upper", "plain", "typo"])
_TYPO = st.sampled_from(["drop", "insert", "replace", "double"])
_TYPO_LETTER = st.sampled_from("aeiklmnorsyzé")
_CHILD_DATING = st.sampled_from(["date", "date", "date", "age", "age", "none", "off"])
_DAYS_OFF = st.sampled_from([-1, 1, 400])
_ASKS = st.sampled_from(["father", "father", "father", "mother", "stranger"])
_BOOL = st.booleans()
_PERCENT = st.integers(0, 99)
_INDEX = st.integers(0, 1000)
_HOW_MANY = st.integers(0, 3)


def _chance(draw: st.DrawFn, percent: int) -> bool:
    return draw(_PERCENT) < percent


def _pick(draw: st.DrawFn, items: list[Any]) -> Any:
    return items[draw(_INDEX) % len(items)]


def _plain(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def spelled(draw: st.DrawFn, text: str | None) -> str | None:
    """The name as another registrar might type it (or leave out)."""
    if text is None or _chance(draw, 5):
        return None
    how = draw(_SPELLING)
    if how == "lower":
        return text.lower()
    if how == "upper":
        return text.upper()
    if how == "plain":
        return _plain(text)
    if how == "typo":
        at = draw(_INDEX) % len(text)
        letter = draw(_TYPO_LETTER)
        edit = draw(_TYPO)
        if edit == "drop":
            return text[:at] + text[at + 1 :]
        if edit == "insert":
            return text[:at] + letter + text[at:]
        if edit == "replace":
            return text[:at] + letter + text[at + 1 :]
        return text[:at] + text[at] + text[at:]
    return text


def someone(draw: st.DrawFn) -> dict[str, Any]:
    """A parent as the family knows them."""
    return {
        "first": draw(_FIRST),
        "last": draw(_LAST),
        "born": draw(_PARENT_DATE),
        "phone": draw(_PHONE),
        "email": draw(_EMAIL),
    }


def registered(
    draw: st.DrawFn, who: dict[str, Any], relation: str, side: ParentSide | None
) -> PersonProfile:
    """A parent as one case records them: drift, swapped names, another date or phone."""
    first, last = spelled(draw, who["first"]), spelled(draw, who["last"])
    if _chance(draw, 12):
        first, last = last, first
    born = draw(_PARENT_DATE) if _chance(draw, 20) else who["born"]
    phone = who["phone"] if draw(_BOOL) else draw(_PHONE)
    email = who["email"] if draw(_BOOL) else None
    return PersonProfile(
        Name.of(first, last),
        born,
        _pick(draw, [relation, relation, relation, None, ""]),
        side,
        contact_keys(phone, email),
    )


def kid(draw: st.DrawFn, surname: str) -> dict[str, Any]:
    return {
        "first": draw(_KID),
        "last": surname if _chance(draw, 70) else draw(_LAST),
        "born": draw(_CHILD_DATE),
    }


def registered_child(draw: st.DrawFn, k: dict[str, Any], opened: date) -> ChildProfile:
    """A child as one case records them: spelling drift, a date missing, wrong or an age."""
    first, last = spelled(draw, k["first"]), spelled(draw, k["last"])
    born: date | None = k["born"]
    age: int | None = None
    how = draw(_CHILD_DATING)
    if how == "age":
        age = max(0, (opened - k["born"]).days // 365 + draw(_INDEX) % 3 - 1)
        born = None
    elif how == "none":
        born = None
    elif how == "off":
        born = k["born"] + timedelta(days=draw(_DAYS_OFF))
    return ChildProfile.of(first, last, born, age, opened)


def one_case(
    draw: st.DrawFn,
    case_id: int,
    requester: PersonProfile,
    other: tuple[dict[str, Any], str],
    kids: list[dict[str, Any]],
) -> CaseProfile:
    """A case of a parent: the other parent named or not, some of the children."""
    opened = draw(_OPENED)
    named = registered(draw, *other, None) if _chance(draw, 75) else None
    chosen = [_pick(draw, kids) for _ in range(draw(_HOW_MANY))] if kids else []
    return CaseProfile(
        case_id, requester, named, tuple(registered_child(draw, k, opened) for k in chosen)
    )


@st.composite
def related_pairs(draw: st.DrawFn) -> tuple[CaseProfile, CaseProfile]:
    """Two cases: mostly the two parents of one family, sometimes a stranger or the same parent."""
    mother, father, stranger = someone(draw), someone(draw), someone(draw)
    kids = [kid(draw, mother["last"]) for _ in range(draw(_HOW_MANY))]
    a = one_case(draw, 1, registered(draw, mother, "mother", draw(_SIDE)), (father, "father"), kids)
    asks = draw(_ASKS)
    if asks == "stranger":
        kids = [kid(draw, stranger["last"]) for _ in range(draw(_HOW_MANY))] + kids[:1]
    who, relation, other = {
        "father": (father, "father", (mother, "mother")),
        "mother": (mother, "mother", (father, "father")),
        "stranger": (stranger, "father", (mother, "mother")),
    }[asks]
    b = one_case(draw, 2, registered(draw, who, relation, draw(_SIDE)), other, kids)
    return a, b


# -- names near the thresholds ------------------------------------------------------------


def misspelled(rnd: random.Random, text: str, edits: int) -> str:
    """The text with a few random edits (dropped, added, changed or doubled letters)."""
    for _ in range(edits):
        at = rnd.randrange(len(text)) if text else 0
        letter = rnd.choice("aeiklmnorsyzé ")
        edit = rnd.choice(["drop", "insert", "replace", "double"])
        if edit == "drop" and len(text) > 2:
            text = text[:at] + text[at + 1 :]
        elif edit == "insert":
            text = text[:at] + letter + text[at:]
        elif edit == "replace" and text:
            text = text[:at] + letter + text[at + 1 :]
        elif text:
            text = text[:at] + text[at] + text[at:]
    return text


def near_pairs(seed: int, count: int) -> list[tuple[Name, Name]]:
    """Two spellings of one name, a few edits apart: similarities spread over every threshold."""
    rnd = random.Random(seed)
    edits = [0, 1, 1, 2, 2, 3, 4]

    def spelling(first: str, last: str) -> Name:
        first, last = (
            misspelled(rnd, first, rnd.choice(edits)),
            misspelled(rnd, last, rnd.choice(edits)),
        )
        return Name.of(*((last, first) if rnd.random() < 0.1 else (first, last)))

    pairs: list[tuple[Name, Name]] = []
    for _ in range(count):
        first, last = rnd.choice(FIRST + KIDS), rnd.choice(LAST)
        other_last = last if rnd.random() < 0.8 else rnd.choice(LAST)
        pairs.append((spelling(first, last), spelling(first, other_last)))
    return pairs
