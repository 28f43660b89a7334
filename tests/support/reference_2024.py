"""A reference dataset consistent with the 2024 annual report of the centre (the seed).

Every number the seed states for 2024 is reproduced by records built here, so
`ikodesk figures --year 2024` must print the seed's figures. Where the seed
contradicts itself, the counting rules of spec/annual-figures.md decide:

- "Overig advies": the overview table prints "69 61 149". 69 + 61 is not 149,
  but 149 is what makes the Line 2 totals add up to 1.821, so parents are
  149 - 61 = 88 (total = parent + third_party).
- Prevention mothers/fathers: the text says once that 168 mothers and 173
  fathers were concerned (and the chart's legend agrees), but the breakdown by
  side gives mothers 165 + 8 = 173 and fathers 164 + 4 = 168. The rule counts
  the requester's relation and side, so mothers 173 (165/8), fathers 168 (164/4).
- Abduction taker vs requester side: the seed gives the taker as 74% mother /
  26% father of 148 (chart: 109 / 39) and the requesters as 102 left-behind
  fathers, 32 left-behind mothers, 3 taking fathers and 11 taking mothers.
  A left-behind father implies a taking mother, which would make 113 mothers
  (76%). Taker and requester side are separate fields with separate rules, so
  both stated figures are reproduced: 4 left-behind fathers' cases carry
  taker "father" as the seed's own numbers imply.

Years other than 2024 hold no complete records (so comparisons with 2023 use
the historical figures below, from the same report, as published figures):
the database still holds 40 Line 2 cases opened in late 2023 and carried
over into 2024 (issue #14: they must not make a "2023: 40 zaken"), and a few
records in January 2025 that must not count in 2024.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

YEAR = 2024

# Line 2 cases of 2024 by code: (parent-requested, third-party-requested).
LINE2: dict[str, tuple[int, int]] = {
    "international_abduction": (148, 129),
    "international_contact": (44, 13),
    "international_child_protection": (7, 31),
    "prevention": (341, 168),
    "relocation_consent": (146, 54),
    "domestic_contact_noncompliance": (33, 6),
    "holiday_consent_refused": (394, 68),
    "lawful_relocation": (40, 29),
    "family_abduction": (3, 0),
    "missing_child_hotline": (0, 7),
    "other_advice": (88, 61),
    "no_substantive_advice": (10, 1),
}
LINE1_CASES = 9008
LINE2_CLOSED_IN_YEAR = 1573
LINE2_CLOSED_NEXT_YEAR = 100  # of the 248 carried over; the rest is still open
CARRIED_FROM_2023 = 40  # Line 2 cases opened in late 2023, before the records are complete

CONTACT_CELLS: dict[tuple[str, str], int] = {
    ("phone", "parent"): 12779,
    ("phone", "family"): 1179,
    ("phone", "professional"): 2486,
    ("email", "parent"): 5746,
    ("email", "family"): 340,
    ("email", "professional"): 1002,
    ("form", "parent"): 551,
    ("form", "family"): 63,
    ("form", "professional"): 124,
}
LINE1_CONTACTS = 12112

PREVENTION_COUNTRIES = [
    ("TR", 112),
    ("MA", 97),
    ("PL", 41),
    ("US", 36),
    ("CN", 30),
    ("EG", 27),
    ("DZ", 22),
    ("IQ", 20),
    ("SY", 18),
    ("TN", 17),
    ("AF", 15),
    ("PK", 14),
    ("NG", 12),
    ("IN", 12),
    ("GH", 10),
    ("SR", 10),
    ("DE", 9),
    ("GB", 7),
]
# Parents' abduction cases by direction: (country, cases); Hague parties first.
ABDUCTION_OUTGOING = [
    ("PL", 20),
    ("DE", 10),
    ("BE", 9),
    ("GB", 8),
    ("ES", 7),
    ("FR", 6),
    ("IT", 5),
    ("US", 5),
    ("EG", 5),
    ("IN", 4),
    ("CN", 3),
    ("GH", 3),
    ("NG", 3),
]
ABDUCTION_INCOMING = [
    ("PL", 12),
    ("DE", 7),
    ("BE", 6),
    ("GB", 4),
    ("ES", 3),
    ("TR", 3),
    ("SR", 4),
    ("CW", 3),
]
ABDUCTION_ABROAD = [("ES", 6), ("FR", 5), ("US", 4), ("AU", 3)]
RELOCATION_OUTGOING = [
    ("DE", 18),
    ("BE", 17),
    ("ES", 15),
    ("GB", 13),
    ("US", 11),
    ("FR", 9),
    ("PT", 8),
    ("AU", 7),
    ("IT", 6),
    ("CA", 6),
]
RELOCATION_INCOMING = [("BE", 9), ("DE", 8), ("GB", 7), ("PL", 6), ("US", 6)]
CONTACT_CHILD_ABROAD = [("GB", 7), ("DE", 6), ("BE", 5), ("ES", 4), ("US", 4)]
CONTACT_PARENT_ABROAD = [("BE", 5), ("DE", 5), ("FR", 3), ("PL", 3), ("CA", 2)]

ACTIVITIES = [
    ("2024-02-09", "work_visit", "KMar", "Werkbezoek aan de KMar op Schiphol"),
    (
        "2024-02-27",
        "training_given",
        "SSR",
        "Opleiding Familierecht: Internationale Kinderontvoering",
    ),
    (
        "2024-04-18",
        "lawyer_meeting",
        "D.I.A.L.",
        "Lezing over intieme terreur en dwingende controle",
    ),
    ("2024-06-12", "other", "Centrum IKO", "Lancering bewustwordingscampagne (mr. Coşkun Çörüz)"),
    ("2024-07-23", "work_visit", "Ministerie van Buitenlandse Zaken", "Werkbezoek aan Centrum IKO"),
    ("2024-10-10", "working_group", "SIS-werkgroep", "Preventieve signalering Schengen"),
    ("2024-11-12", "expertise", "EduLaw", "Studiemiddag met Łucja Öztürk"),
]

# The restated 2021-2023 figures printed in the seed (text, overview table, charts).
HISTORICAL: dict[int, dict[str, float]] = {
    2021: {
        "cases.line1": 4016,
        "cases.line2": 1013,
        "contacts.by_channel.phone": 5961,
        "contacts.by_channel.email": 3635,
        "abduction.children": 229,
        "abduction.taker.father": 48,
        "abduction.taker.mother": 110,
        "mediation.success_rate.all": 37.5,
        "mediation.success_rate.iko": 29,
    },
    2022: {
        "cases.line1": 4851,
        "cases.line2": 1312,
        "contacts.by_channel.phone": 7397,
        "contacts.by_channel.email": 4386,
        "abduction.children": 292,
        "mediation.success_rate.all": 38,
        "mediation.success_rate.iko": 43,
    },
    2023: {
        "cases.total": 6683,
        "cases.line1": 5199,
        "cases.line2": 1484,
        "contacts.total": 12733,
        "contacts.by_channel.phone": 8409,
        "contacts.by_channel.email": 4324,
        "abduction.children": 260,
        "line2.international_abduction.parent": 173,
        "line2.international_abduction.third_party": 132,
        "line2.international_abduction.total": 305,
        "line2.domestic_contact_noncompliance.total": 19,
        "line2.family_abduction.total": 5,
        "line2.prevention.parent": 276,
        "line2.prevention.third_party": 116,
        "line2.prevention.total": 392,
        "line2.international_contact.total": 72,
        "line2.relocation_consent.total": 156,
        "line2.holiday_consent_refused.total": 306,
        "line2.lawful_relocation.total": 61,
        "line2.missing_child_hotline.total": 8,
        "line2.other_advice.total": 168,
        "prevention.children": 422,
        "relocation_consent.parent_cases": 93,
        "relocation_consent.children": 126,
        "international_contact.parent_cases": 61,
        "mediation.success_rate.all": 51,
        "mediation.success_rate.iko": 47,
    },
}

# What the seed states for 2024, as dotted keys (see the module docstring).
EXPECTED_2024: dict[str, Any] = {
    "cases.total": 10829,
    "cases.line1": 9008,
    "cases.line2": 1821,
    "cases.line2_closed_in_year": 1573,
    "cases.line2_carried_over": 248,
    "contacts.total": 24270,
    "contacts.by_channel.phone": 16444,
    "contacts.by_channel.email": 7088,
    "contacts.by_channel.form": 738,
    "contacts.by_line.line1": 12112,
    "contacts.by_line.line2": 12158,
    **{
        f"contacts.by_channel_party.{channel}.{party}": n
        for (channel, party), n in CONTACT_CELLS.items()
    },
    **{f"line2.{code}.parent": p for code, (p, _) in LINE2.items()},
    **{f"line2.{code}.third_party": t for code, (_, t) in LINE2.items()},
    **{f"line2.{code}.total": p + t for code, (p, t) in LINE2.items()},
    "prevention.children": 490,
    "prevention.parents.mother.potential_left_behind": 165,
    "prevention.parents.mother.potential_taking": 8,
    "prevention.parents.father.potential_left_behind": 164,
    "prevention.parents.father.potential_taking": 4,
    "prevention.requester.mother": 173,
    "prevention.requester.father": 168,
    "relocation_consent.parent_cases": 146,
    "relocation_consent.children": 217,
    "relocation_consent.mover.mother": 118,
    "relocation_consent.mover.father": 28,
    "relocation_consent.requester.mother.self": 94,
    "relocation_consent.requester.mother.other_parent": 12,
    "relocation_consent.requester.father.self": 16,
    "relocation_consent.requester.father.other_parent": 24,
    "abduction.parent_cases": 148,
    "abduction.children": 200,
    "abduction.taker.mother": 109,
    "abduction.taker.father": 39,
    "abduction.requester.left_behind.father": 102,
    "abduction.requester.left_behind.mother": 32,
    "abduction.requester.taking.father": 3,
    "abduction.requester.taking.mother": 11,
    "abduction.direction.outgoing.cases": 88,
    "abduction.direction.outgoing.children": 121,
    "abduction.direction.incoming.cases": 42,
    "abduction.direction.incoming.children": 50,
    "abduction.direction.abroad.cases": 18,
    "abduction.direction.abroad.children": 29,
    "abduction.direction.outgoing.hague": 70,
    "abduction.direction.outgoing.non_hague": 18,
    "abduction.direction.incoming.hague": 35,
    "abduction.direction.incoming.non_hague": 7,
    "family_abduction.cases": 3,
    "family_abduction.children": 4,
    "international_contact.parent_cases": 44,
    "international_contact.requester.mother": 17,
    "international_contact.requester.father": 27,
    "mediation.requests.total": 38,
    "mediation.requests.iko": 21,
    "mediation.requests.niko": 17,
    "mediation.started.iko": 11,
    "mediation.started.niko": 15,
    "mediation.not_started.iko": 10,
    "mediation.not_started.niko": 2,
    "mediation.not_suitable.iko": 0,
    "mediation.not_suitable.niko": 2,
    "mediation.special_curator": 12,
    "mediation.outcomes.iko.full_agreement": 0,
    "mediation.outcomes.iko.mirror_agreement": 2,
    "mediation.outcomes.iko.no_agreement": 8,
    "mediation.outcomes.niko.no_agreement": 4,
    "mediation.success_rate.all": 48,
    "mediation.success_rate.iko": 20,
    "mediation.success_rate.niko": 69,
    "mediation.child_interviews.total": 16,
    "mediation.child_interviews.iko": 9,
    "mediation.child_interviews.niko": 7,
    "mediation.child_interviews.children": 21,
}
# The seed only says "9 agreements (full + mirror)" for NIKO; the dataset has 6 + 3.
NIKO_FULL, NIKO_MIRROR = 6, 3

# Year-over-year changes the seed prints for 2024 against 2023.
EXPECTED_CHANGE: dict[str, int] = {
    "cases.total": 62,
    "cases.line1": 73,
    "cases.line2": 23,
    "contacts.total": 91,
    "line2.international_abduction.total": -9,
    "line2.domestic_contact_noncompliance.total": 105,
    "line2.family_abduction.total": -40,
    "line2.prevention.total": 30,
    "line2.prevention.parent": 24,
    "line2.international_contact.total": -21,
    "line2.relocation_consent.total": 28,
    "line2.holiday_consent_refused.total": 51,
    "line2.lawful_relocation.total": 13,
    "line2.missing_child_hotline.total": -13,
    "line2.other_advice.total": -11,
    "prevention.children": 16,
    "relocation_consent.parent_cases": 57,
    "relocation_consent.children": 72,
    "international_contact.parent_cases": -28,
}


@dataclass
class ReferenceData:
    records: list[dict[str, Any]] = field(default_factory=list)
    # Children of parents' outgoing/incoming abduction cases by age, by construction.
    ages: dict[str, Counter[int]] = field(
        default_factory=lambda: {"outgoing": Counter(), "incoming": Counter()}
    )


def _day(i: int) -> date:
    """Spread records over 2024 (skipping 29 February, which has no birthday peers)."""
    day = date(YEAR, 1, 1) + timedelta(days=i % 365)
    return day if (day.month, day.day) != (2, 29) else date(YEAR, 3, 1)


def _expand(pairs: list[tuple[str, int]]) -> list[str]:
    return [iso for iso, n in pairs for _ in range(n)]


def build() -> ReferenceData:
    data = ReferenceData()
    recs = data.records
    recs += [
        {"type": "user", "username": "jdevries", "name": "J. de Vries", "role": "jurist"},
        {"type": "user", "username": "tmeijer", "name": "T. Meijer", "role": "student"},
        {"type": "user", "username": "directie", "name": "M. van Leeuwen", "role": "manager"},
    ]
    line1 = [_line1_case(i) for i in range(LINE1_CASES)]
    line2 = list(_line2_cases(data))
    recs += line1 + line2
    recs += _contacts(line1, line2)
    recs += _mediations()
    recs += [
        {"type": "activity", "date": d, "kind": k, "organisation": o, "title": t}
        for d, k, o, t in ACTIVITIES
    ]
    for year, figures in HISTORICAL.items():
        recs += [
            {"type": "historical_figure", "year": year, "key": key, "value": value}
            for key, value in figures.items()
        ]
    # Records of 2025 that must not count in 2024: a case opened on 1 January and
    # contact moments on cases carried over from 2024.
    recs.append(
        {
            "type": "case",
            "ref": "2025-L1-00001",
            "line": 1,
            "code": "travel_consent",
            "opened": "2025-01-01",
            "handler": "tmeijer",
            "requester": {"kind": "parent", "relation": "mother"},
        }
    )
    # Line 2 cases opened in November and December 2023, carried over into 2024, with
    # contact moments in 2023 only: 2023's records are not complete (no Line 1).
    for i in range(CARRIED_FROM_2023):
        ref = f"2023-L2-{i + 1:05d}"
        opened = date(2023, 11, 1) + timedelta(days=i)
        recs.append(
            {
                "type": "case",
                "ref": ref,
                "line": 2,
                "code": "prevention" if i % 2 else "other_advice",
                "opened": opened.isoformat(),
                "handler": "jdevries",
                "requester": _parent("mother", "potential_left_behind" if i % 2 else None),
                **({"country": "TR"} if i % 2 else {}),
                **({"closed": "2024-02-01", "close_reason": "resolved"} if i % 3 else {}),
            }
        )
        recs.append(
            {
                "type": "contact",
                "case": ref,
                "at": f"{opened.isoformat()}T10:00",
                "channel": "phone",
                "party": "parent",
                "handler": "jdevries",
            }
        )
    carried = [c for c in line2 if "closed" not in c][:25]
    recs += [
        {
            "type": "contact",
            "case": c["ref"],
            "at": "2025-01-02T09:30",
            "channel": "phone",
            "party": "parent",
            "handler": "jdevries",
        }
        for c in carried
    ]
    return data


def _line1_case(i: int) -> dict[str, Any]:
    opened = _day(i)
    kind = ("parent", "parent", "parent", "family", "professional")[i % 5]
    requester: dict[str, Any] = {"kind": kind}
    if kind == "parent":
        requester["relation"] = "mother" if i % 2 else "father"
    elif kind == "family":
        requester["relation"] = "grandparent"
    else:
        requester["organisation_type"] = "youth_care"
    return {
        "type": "case",
        "ref": f"2024-L1-{i + 1:05d}",
        "line": 1,
        "code": "travel_consent",
        "opened": opened.isoformat(),
        "closed": opened.isoformat(),
        "close_reason": "informed",
        "handler": "tmeijer",
        "requester": requester,
    }


class _Line2:
    """Numbers the Line 2 cases and spreads their opening dates over the year."""

    def __init__(self) -> None:
        self.n = 0

    def case(self, code: str, requester: dict[str, Any], **fields: Any) -> dict[str, Any]:
        self.n += 1
        # Days 0..331 only, so that a child born on the same day N years earlier exists.
        opened = _day(self.n * 7 % 332)
        rec: dict[str, Any] = {
            "type": "case",
            "ref": f"2024-L2-{self.n:05d}",
            "line": 2,
            "code": code,
            "opened": opened.isoformat(),
            "handler": "jdevries",
            "requester": requester,
        }
        rec.update(fields)
        return rec


def _parent(relation: str, side: str | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {"kind": "parent", "relation": relation}
    if side:
        p["side"] = side
    return p


def _third(i: int) -> dict[str, Any]:
    if i % 3 == 2:
        return {"kind": "family", "relation": "family", "first_name": "Ayşe", "last_name": "Çelik"}
    return {"kind": "professional", "organisation_type": "police", "organisation": "Politie"}


def _kids(n: int) -> list[dict[str, Any]]:
    return [{"first_name": "Kind", "age": 5} for _ in range(n)]


def _line2_cases(data: ReferenceData) -> Iterator[dict[str, Any]]:
    seq = _Line2()
    cases: list[dict[str, Any]] = []

    # Prevention: parents by relation and side, 490 children; third parties with children
    # too (they must not count in prevention.children).
    sides = (
        [("mother", "potential_left_behind")] * 165
        + [("mother", "potential_taking")] * 8
        + [("father", "potential_left_behind")] * 164
        + [("father", "potential_taking")] * 4
    )
    countries = _expand(PREVENTION_COUNTRIES)
    for i, (relation, side) in enumerate(sides):
        rec = seq.case("prevention", _parent(relation, side), country=countries[i])
        rec["children"] = _kids(2 if i < 149 else 1)
        cases.append(rec)
    for i in range(168):
        rec = seq.case("prevention", _third(i), country=countries[341 + i])
        rec["children"] = _kids(1)
        cases.append(rec)

    # Relocation consent: requester relation vs mover, 217 children.
    movers = (
        [("mother", "mother")] * 94  # mother wants to move herself
        + [("mother", "father")] * 12
        + [("father", "father")] * 16
        + [("father", "mother")] * 24
    )
    out_countries = _expand(RELOCATION_OUTGOING)
    in_countries = _expand(RELOCATION_INCOMING)
    for i, (relation, mover) in enumerate(movers):
        outgoing = i < len(out_countries)
        side = "potential_taking" if relation == mover else "potential_left_behind"
        rec = seq.case(
            "relocation_consent",
            _parent(relation, side),
            country=out_countries[i] if outgoing else in_countries[i - len(out_countries)],
            direction="outgoing" if outgoing else "incoming",
            mover=mover,
        )
        rec["children"] = _kids(2 if i % 2 == 0 and i < 142 else 1)
        cases.append(rec)
    for i in range(54):
        rec = seq.case(
            "relocation_consent", _third(i), country="TR", direction="outgoing", mover="mother"
        )
        rec["children"] = _kids(3)
        cases.append(rec)

    # International abduction by parents: requester side/relation and taker (see the
    # module docstring for the 4 left-behind fathers whose case says taker "father").
    requesters = (
        [("father", "left_behind", "mother")] * 98
        + [("father", "left_behind", "father")] * 4
        + [("mother", "left_behind", "father")] * 32
        + [("father", "taking", "father")] * 3
        + [("mother", "taking", "mother")] * 11
    )
    directions = (
        [("outgoing", iso) for iso in _expand(ABDUCTION_OUTGOING)]
        + [("incoming", iso) for iso in _expand(ABDUCTION_INCOMING)]
        + [("abroad", iso) for iso in _expand(ABDUCTION_ABROAD)]
    )
    extra_children = {"outgoing": 33, "incoming": 8, "abroad": 11}
    seen = Counter[str]()
    for i, ((relation, side, taker), (direction, iso)) in enumerate(
        zip(requesters, directions, strict=True)
    ):
        rec = seq.case(
            "international_abduction",
            _parent(relation, side),
            country=iso,
            direction=direction,
            taker=taker,
        )
        opened = date.fromisoformat(rec["opened"])
        n = 2 if seen[direction] < extra_children[direction] else 1
        seen[direction] += 1
        kids = []
        for k in range(n):
            age = (i + 5 * k) % 18
            if k == 1 and i % 4 == 0:
                kids.append({"age": age})  # only the age was registered
            elif i % 3 == 0:
                # Born the day after the opening date, `age + 1` years earlier: the
                # birthday is tomorrow, so the child is still `age`.
                born = opened.replace(year=opened.year - age - 1) + timedelta(days=1)
                kids.append({"first_name": "Ola", "birth_date": born.isoformat()})
            else:
                # The birthday is on the opening day itself: `age` years exactly.
                born = opened.replace(year=opened.year - age)
                kids.append({"first_name": "Ola", "birth_date": born.isoformat()})
            if direction in data.ages:
                data.ages[direction][age] += 1
        rec["children"] = kids
        cases.append(rec)
    for i in range(129):
        rec = seq.case(
            "international_abduction",
            _third(i),
            country=("TR", "EG", "PL")[i % 3],
            direction=("outgoing", "incoming")[i % 2],
            taker="mother",
        )
        rec["children"] = _kids(1)
        cases.append(rec)

    # Family abduction: 3 cases, 4 children.
    for n in (2, 1, 1):
        rec = seq.case(
            "family_abduction",
            _parent("mother", "left_behind"),
            country="MA",
            direction="outgoing",
            taker="family_member",
        )
        rec["children"] = _kids(n)
        cases.append(rec)

    # International contact: 17 mothers and 27 fathers.
    contact_countries = [("child_abroad", iso) for iso in _expand(CONTACT_CHILD_ABROAD)] + [
        ("parent_abroad", iso) for iso in _expand(CONTACT_PARENT_ABROAD)
    ]
    relations = ["mother"] * 17 + ["father"] * 27
    for relation, (direction, iso) in zip(relations, contact_countries, strict=True):
        cases.append(
            seq.case("international_contact", _parent(relation), country=iso, direction=direction)
        )
    for i in range(13):
        cases.append(
            seq.case("international_contact", _third(i), country="SR", direction="child_abroad")
        )

    # The other codes: parents and third parties as in the overview table.
    for code, (parents, third) in LINE2.items():
        if code in (
            "prevention",
            "relocation_consent",
            "international_abduction",
            "family_abduction",
            "international_contact",
        ):
            continue
        cases += [seq.case(code, _parent(("mother", "father")[i % 2])) for i in range(parents)]
        cases += [seq.case(code, _third(i)) for i in range(third)]

    # 1.573 closed in 2024 (some on 31 December), 100 closed in 2025, 148 still open.
    for i, rec in enumerate(cases):
        opened = date.fromisoformat(rec["opened"])
        if i < LINE2_CLOSED_IN_YEAR:
            closed = (
                date(YEAR, 12, 31)
                if i % 50 == 0
                else min(opened + timedelta(days=20), date(YEAR, 12, 31))
            )
            rec["closed"], rec["close_reason"] = closed.isoformat(), "resolved"
        elif i < LINE2_CLOSED_IN_YEAR + LINE2_CLOSED_NEXT_YEAR:
            rec["closed"], rec["close_reason"] = "2025-01-15", "informed"
        yield rec


def _contacts(line1: list[dict[str, Any]], line2: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cells = [cell for cell, n in CONTACT_CELLS.items() for _ in range(n)]
    # Interleave the cells so both lines get every channel and party.
    cells = cells[0::2] + cells[1::2]
    out: list[dict[str, Any]] = []
    for i, (channel, party) in enumerate(cells):
        if i < LINE1_CONTACTS:
            case = line1[i % len(line1)]
            handler = "tmeijer"
        else:
            case = line2[(i - LINE1_CONTACTS) % len(line2)]
            handler = "jdevries"
        opened = date.fromisoformat(case["opened"])
        at = datetime(opened.year, opened.month, opened.day, 9 + i % 8, i % 60)
        if i % 997 == 0:
            at = datetime(YEAR, 12, 31, 23, 59)  # the last minute of the year still counts
        out.append(
            {
                "type": "contact",
                "case": case["ref"],
                "at": at.strftime("%Y-%m-%dT%H:%M"),
                "channel": channel,
                "party": party,
                "handler": handler,
            }
        )
    return out


def _mediations() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    n = 0

    def med(kind: str, **fields: Any) -> dict[str, Any]:
        nonlocal n
        n += 1
        rec: dict[str, Any] = {
            "type": "mediation",
            "ref": f"M2024-{n:03d}",
            "kind": kind,
            "requested": f"2024-{1 + n % 10:02d}-05",
            "children": [{"birth_date": "2016-05-01"}],
        }
        rec.update(fields)
        out.append(rec)
        return rec

    def started(rec: dict[str, Any]) -> tuple[str, str]:
        month = int(rec["requested"][5:7])
        return f"2024-{month:02d}-10", f"2024-{month + 1:02d}-20"

    # Not continued: 10 IKO, 2 NIKO, each with a special curator in 2024.
    for kind, count in (("iko", 10), ("niko", 2)):
        for _ in range(count):
            rec = med(kind, status="not_started", not_started_reason="Ouders haken af.")
            rec["special_curator"] = rec["requested"][:8] + "25"
    iko_reasons = [
        ["emotions"],
        ["emotions", "opposed_positions"],
        ["opposed_positions"],
        ["third_party_influence"],
        ["emotions", "third_party_influence"],
        ["opposed_positions", "third_party_influence"],
        ["emotions"],
        ["emotions", "opposed_positions"],
    ]
    niko_reasons = [
        ["emotions"],
        ["opposed_positions"],
        ["emotions", "opposed_positions"],
        ["third_party_influence"],
    ]
    ended: list[dict[str, Any]] = []
    for outcome, reasons in [("mirror_agreement", [])] * 2 + [
        ("no_agreement", r) for r in iko_reasons
    ]:
        rec = med("iko")
        s, e = started(rec)
        rec.update(status="ended", started=s, ended=e, intake="suitable", outcome=outcome)
        if reasons:
            rec["failure_reasons"] = reasons
        ended.append(rec)
    rec = med("iko")  # still running at the end of the year
    rec.update(status="running", started=started(rec)[0], intake="suitable")
    iko_running = rec
    niko_outcomes = (
        [("full_agreement", [])] * NIKO_FULL
        + [("mirror_agreement", [])] * NIKO_MIRROR
        + [("no_agreement", r) for r in niko_reasons]
    )
    for outcome, reasons in niko_outcomes:
        rec = med("niko")
        s, e = started(rec)
        rec.update(status="ended", started=s, ended=e, intake="suitable", outcome=outcome)
        if reasons:
            rec["failure_reasons"] = reasons
        ended.append(rec)
    for _ in range(2):  # not suitable after the intake: ended without outcome
        rec = med("niko")
        s, e = started(rec)
        rec.update(status="ended", started=s, ended=e, intake="not_suitable")
    # Child interviews: 9 in IKO mediations, 7 in NIKO ones, 21 children heard.
    iko = [r for r in ended if r["kind"] == "iko"] + [iko_running]
    niko = [r for r in ended if r["kind"] == "niko"]
    # A mediation cannot hear more children (aged 3 or more) than it has.
    for rec, children in zip(iko[:9], (1, 1, 2, 1, 1, 2, 1, 1, 1), strict=True):
        rec["child_interviews"] = [{"date": rec["started"], "children": children}]
        rec["children"] = [{"birth_date": "2016-05-01"}] * children
    for rec, children in zip(niko[:7], (2, 1, 1, 2, 1, 1, 2), strict=True):
        rec["child_interviews"] = [{"date": rec["started"], "children": children}]
        rec["children"] = [{"birth_date": "2016-05-01"}] * children
    return out


EXPECTED_FAILURE_REASONS = {
    "iko": {"emotions": 5, "opposed_positions": 4, "third_party_influence": 3, "other": 0},
    "niko": {"emotions": 2, "opposed_positions": 2, "third_party_influence": 1, "other": 0},
}
