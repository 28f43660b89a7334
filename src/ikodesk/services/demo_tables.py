"""The demo generator's data tables, loaded from resources/demo/*.json.

Fictitious names by origin, the demo users and mediators, weights of
countries and requesters, the 2024 Line 2 volumes, historical figures and a
year's activities. The generator (services/demo.py) draws from them in file
order, so the same seed gives the same records (tests/test_demo_data.py).
"""

from __future__ import annotations

import json
from typing import Any

from ikodesk.resources import resource_path


def _table(name: str) -> dict[str, Any]:
    """One of the demo's data tables (resources/demo/NAME.json; key order is kept)."""
    with resource_path("demo", f"{name}.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


_PEOPLE = _table("people")
_WEIGHTS = _table("weights")

# Line 2 cases of 2024 by code: (parent-requested, third-party-requested).
LINE2_2024: dict[str, tuple[int, int]] = {
    code: (parents, third) for code, (parents, third) in _WEIGHTS["line2_2024"].items()
}
LINE1_PER_YEAR = 9008
LINE1_CONTACTS_PER_CASE = 12112 / 9008
LINE2_CONTACTS_PER_CASE = 12158 / 1821

USERS: list[tuple[str, str, str]] = [(u, name, role) for u, name, role in _PEOPLE["users"]]
JURISTS = [u for u, _, r in USERS if r == "jurist"]
STUDENTS = [u for u, _, r in USERS if r == "student"]

# Names by origin, with their diacritics: the software must show every one of them.
FIRST_F: dict[str, list[str]] = _PEOPLE["first_names_female"]
FIRST_M: dict[str, list[str]] = _PEOPLE["first_names_male"]
LAST: dict[str, list[str]] = _PEOPLE["last_names"]
ORIGIN_OF_COUNTRY: dict[str, str] = _PEOPLE["origin_of_country"]

# Countries by weight, per kind of question.
ABDUCTION_COUNTRIES: dict[str, int] = _WEIGHTS["abduction_countries"]
PREVENTION_COUNTRIES: dict[str, int] = _WEIGHTS["prevention_countries"]
RELOCATION_COUNTRIES: dict[str, int] = _WEIGHTS["relocation_countries"]
TRAVEL_COUNTRIES: dict[str, int] = _WEIGHTS["travel_countries"]
ORG_TYPES: dict[str, int] = _WEIGHTS["organisation_types"]
FAMILY_RELATIONS: dict[str, int] = _WEIGHTS["family_relations"]

MEDIATORS: list[tuple[str, bool, list[str]]] = [
    (name, cbfm, languages) for name, cbfm, languages in _table("mediators")["mediators"]
]

# Restated figures of the years before detailed records (2024 annual report: its
# text, its Line 1 / Line 2 overview table and its four-year charts).
HISTORICAL: dict[int, dict[str, float]] = {
    int(year): figures for year, figures in _table("historical")["figures"].items()
}

# What a contact moment was about, per line (fictitious, no person in them).
_SUMMARIES = _table("summaries")
LINE1_SUMMARIES: list[str] = _SUMMARIES["line1"]
LINE2_SUMMARIES: list[str] = _SUMMARIES["line2"]

ACTIVITIES: list[tuple[str, str, str, str]] = [
    (day, kind, org, title) for day, kind, org, title in _table("activities")["activities"]
]
