"""The demo generator's data tables live in resources/demo/; the same seed, the same demo.

The same seed must give the very same records, byte for byte, and the tables
must load with the same values and the same Python types. The hashes were
recorded again when issue #15 made the demo look real (contact summaries, the
people of a mediation, Line 1 numbered in date order); what the figures count
stayed as it was (`test_the_demo_counts_what_it_counted`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest

from ikodesk.services import demo
from ikodesk.services.exchange import json_line

_RUNS = [
    # (seed, scale, years, until, record count, sha256 of the JSON lines)
    (
        2024,
        1.0,
        [2024],
        None,
        34988,
        "78f168e5de155bfd82c8fc93ba7cdac0767bfc393dcb171d2bcb658a187e6c5c",
    ),
    (
        2024,
        0.25,
        [2024, 2025],
        date(2025, 8, 31),
        14459,
        "122a9b8ff49d9c2bddbc394b0e8f4b69d8b16ec985223913384f9315f91d8ac5",
    ),
    (
        7,
        0.05,
        [2023],
        None,
        1750,
        "a02948c865247518a54ccd2b3ca265b89d714f152dea5cbc93de43ff6d0b9441",
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


def _content(records: Iterable[dict[str, Any]]) -> tuple[int, str]:
    """The demo's facts: every record without references, texts and mediation names."""
    lines = []
    for record in records:
        r = json.loads(json_line(record))
        for key in ("ref", "case", "summary", "x"):
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
