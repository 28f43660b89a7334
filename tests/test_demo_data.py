"""The demo generator's data tables live in resources/demo/; the demo is unchanged by it.

The hashes below were recorded from the generator as it was before its tables
moved out of services/demo.py (issue #12): the same seed must still give the
very same records, byte for byte, and the tables must load with the same
values and the same Python types.
"""

from __future__ import annotations

import hashlib
from datetime import date

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
        "af7ef1c8401eeb8434992c1256ca8155616d6dc1ce1e228046708afa81fcba00",
    ),
    (
        2024,
        0.25,
        [2024, 2025],
        date(2025, 8, 31),
        14459,
        "8ad65e9116edf935eccddf986e9b8f45d9280ac8e03b6e010bbdd2485e3dcbe3",
    ),
    (
        7,
        0.05,
        [2023],
        None,
        1750,
        "148df56dc26ae0a927fa938a7495afc93696bd3956a3a3c0df3d4fbe60e02ce0",
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
