"""The demo generator's data tables live in resources/demo/; the same seed, the same demo.

The same seed must give the very same records, byte for byte, and the tables
must load with the same values and the same Python types. The hashes were
recorded again when issue #15 made the demo look real (contact summaries, the
people of a mediation, Line 1 numbered in date order) and when issue #17 gave
abduction cases their clock dates and court-referred mediations their hearing;
what the figures count stayed as it was (`test_the_demo_counts_what_it_counted`,
which leaves the clock dates out: they come from a generator of their own).

File-only: the demo is an embedded file by definition (`ikodesk --demo`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from ikodesk.models import Case, ConflictPair, Mediation, WallClaim
from ikodesk.models.enums import ReferredBy
from ikodesk.services import demo
from ikodesk.services.actors import Actor
from ikodesk.services.deadlines import Urgency, list_deadlines, urgency
from ikodesk.services.exchange import json_line
from ikodesk.services.figures import compute_figures
from ikodesk.storage import Database
from tests.support import family as F

KEY_HOLDER = Actor.key_holder()

_RUNS = [
    # (seed, scale, years, until, record count, sha256 of the JSON lines)
    (
        2024,
        1.0,
        [2024],
        None,
        34988,
        "29740370221fa47e71e721dc76ced70435c1e5c848863aa1319290f891919da5",
    ),
    (
        2024,
        0.25,
        [2024, 2025],
        date(2025, 8, 31),
        14459,
        "dea419641440b1cdb73b1f76d8d261f18dbcb7b684c685602853b53b17cd2bc4",
    ),
    (
        7,
        0.05,
        [2023],
        None,
        1750,
        "769e96babea552e6b100d9f20fb19ee031bc450ba50b4e2ff61de5b90b794b4f",
    ),
]

_TABLES = [
    "LINE2_2024",
    "LINE1_PER_YEAR",
    "LINE1_CONTACTS_PER_CASE",
    "LINE2_CONTACTS_PER_CASE",
    "USERS",
    "JURISTS",
    "STUDENTS",
    "FIRST_F",
    "FIRST_M",
    "LAST",
    "ORIGIN_OF_COUNTRY",
    "ABDUCTION_COUNTRIES",
    "PREVENTION_COUNTRIES",
    "RELOCATION_COUNTRIES",
    "TRAVEL_COUNTRIES",
    "ORG_TYPES",
    "FAMILY_RELATIONS",
    "MEDIATORS",
    "HISTORICAL",
    "ACTIVITIES",
]
# repr() of the tables above, in this order: values, key order and types (tuples, int keys).
_TABLES_SHA256 = "e543e5fc6c0698eef5f17518e8cfb2ed1209d22785385c30aa87ac1964e80136"


@pytest.mark.parametrize(("seed", "scale", "years", "until", "count", "sha256"), _RUNS)
def test_demo_records_are_unchanged(
    seed: int, scale: float, years: list[int], until: date | None, count: int, sha256: str
) -> None:
    digest = hashlib.sha256()
    n = 0
    for record in demo.DemoGenerator(seed=seed, scale=scale, until=until).records(years):
        digest.update(json_line(record).encode())
        digest.update(b"\n")
        n += 1
    assert n == count
    assert digest.hexdigest() == sha256


def test_demo_tables_are_unchanged() -> None:
    tables = [getattr(demo, name) for name in _TABLES]
    assert hashlib.sha256(repr(tables).encode()).hexdigest() == _TABLES_SHA256


# Issue #17 added the dates that start the clocks, drawn from a generator of their own.
CLOCK_KEYS = (
    "removal_date",
    "proceedings_started",
    "decision_first_instance",
    "appeal_ready",
    "court_hearing",
)


def _content(records: Iterable[dict[str, Any]]) -> tuple[int, str]:
    """The demo's facts: every record without references, texts, mediation names and
    clock dates."""
    lines = []
    for record in records:
        r = json.loads(json_line(record))
        for key in ("ref", "case", "summary", "x", *CLOCK_KEYS):
            r.pop(key, None)
        if r["type"] == "mediation":
            for child in r.get("children", []):
                child.pop("first_name", None)
                child.pop("last_name", None)
        lines.append(json.dumps(r, sort_keys=True, ensure_ascii=False))
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode())
    return len(lines), digest.hexdigest()


@pytest.mark.parametrize(
    ("seed", "scale", "years", "until", "content"),
    [
        (
            2024,
            0.25,
            [2024, 2025],
            date(2025, 8, 31),
            (14459, "44374cb35aeb85cf4c8eef9c46952172869aed92d51c506f8fc1ac2dabd7a6a2"),
        ),
        (
            7,
            0.05,
            [2023],
            None,
            (1750, "866975d3b4c77ec230519a4667af827506f33cc885ed2445b197ae8cc9740d93"),
        ),
    ],
)
def test_the_demo_counts_what_it_counted(
    seed: int, scale: float, years: list[int], until: date | None, content: tuple[int, str]
) -> None:
    """Recorded from the generator before issue #15: the same cases, dates and outcomes,
    so the same figures; only references, summaries and names were added or moved."""
    generator = demo.DemoGenerator(seed=seed, scale=scale, until=until)
    assert _content(generator.records(years)) == content


def test_the_demo_looks_real() -> None:
    """Issue #15, point 11: contact moments say what they were about, mediations have
    their parents and named children, Line 1 is numbered in date order."""
    records = list(demo.DemoGenerator(seed=3, scale=0.05, until=date(2024, 12, 31)).records([2024]))
    line1 = [r for r in records if r["type"] == "case" and r["line"] == 1]
    assert [r["ref"] for r in line1] == sorted(r["ref"] for r in line1)
    assert [r["opened"] for r in line1] == sorted(r["opened"] for r in line1)
    contacts = [r for r in records if r["type"] == "contact"]
    with_summary = [c for c in contacts if c.get("summary")]
    assert len(with_summary) > 0.75 * len(contacts)
    refs = {r["ref"] for r in records if r["type"] == "case"}
    assert {c["case"] for c in contacts} <= refs
    mediations = [r for r in records if r["type"] == "mediation"]
    assert mediations
    for m in mediations:
        parents = m["x"]["parents"]
        assert [p["relation"] for p in parents] == ["mother", "father"]
        assert all(p["first_name"] and p["last_name"] for p in parents)
        assert all(c["first_name"] and c["last_name"] for c in m["children"])


@pytest.mark.slow
def test_a_demo_made_on_a_day_has_clocks_overdue_soon_and_ahead(db: Database) -> None:
    """Issue #17: the Termijnen page and the case window show something on the demo. The
    clock dates pass the import's checks (in order, none after the demo's day), and on the
    demo's day its open cases have clocks overdue, red, amber and green."""
    day = date(2025, 10, 15)
    demo.populate(db, [2025], until=day)
    with db.transaction() as s:
        rows = list_deadlines(s, F.actor(db, "beheer"), as_of=day, everything=True)
    assert {r.clock for r in rows} >= {"art12_one_year", "art4_age16", "art11_six_weeks"}
    by_urgency = Counter(urgency(r.days_left) for r in rows)
    overdue = sum(r.days_left < 0 for r in rows)
    assert overdue >= 2
    assert by_urgency[Urgency.URGENT] > overdue  # red but not yet overdue too
    assert by_urgency[Urgency.SOON] >= 2
    assert by_urgency[Urgency.CALM] > len(rows) / 2  # most are well ahead
    # Jurists have some on their page (within 60 days, overdue included).
    with db.transaction() as s:
        assert list_deadlines(s, F.actor(db, "jdevries"), as_of=day)
    with db.session() as s:
        hearings = s.execute(
            select(Mediation.referred_by, Mediation.court_hearing, Mediation.requested)
        ).all()
    court = [(h, r) for by, h, r in hearings if by is ReferredBy.COURT]
    assert court and all(h is not None and h >= r for h, r in court)
    assert all(h is None for by, h, _r in hearings if by is not ReferredBy.COURT)


@pytest.mark.slow
def test_demo_conflicts_count_in_the_years_their_cases_came_in(db: Database) -> None:
    """The demo is made today, but its conflict pairs are dated to the registration of
    their later case, so the Conflictzaken table of each demo year shows them (dated
    today, the reports of the demo's years showed only zeros)."""
    demo.populate(db, [2024], until=date(2024, 12, 31))
    with db.transaction() as s:
        pairs = s.execute(
            select(
                ConflictPair.id,
                ConflictPair.detected,
                ConflictPair.case_a_id,
                ConflictPair.case_b_id,
            )
        ).all()
        opened = dict(s.execute(select(Case.id, Case.opened)).all())
        claims = s.execute(select(WallClaim.pair_id, WallClaim.at)).all()
        per_year = {
            year: compute_figures(s, KEY_HOLDER, year)["conflicts"]["detected"]
            for year in (2024, date.today().year)
        }
    assert pairs and claims
    for _, detected, a, b in pairs:
        assert detected.date() == max(opened[a], opened[b])
        assert 9 <= detected.hour < 17
    found = {pair_id: detected for pair_id, detected, _, _ in pairs}
    assert all(at == found[pair_id] for pair_id, at in claims)
    assert per_year[2024] == len(pairs)  # (found today, it counted none of them)
    assert per_year[date.today().year] == 0
