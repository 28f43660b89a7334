"""Valid exchange-format records to start tests from."""

from __future__ import annotations

import copy
import json
from typing import Any

USERS = [
    {"type": "user", "username": "jdevries", "name": "J. de Vries", "role": "jurist"},
    {"type": "user", "username": "kvisser", "name": "K. Visser", "role": "jurist"},
    {"type": "user", "username": "tmeijer", "name": "T. Meijer", "role": "student"},
]

ABDUCTION_CASE: dict[str, Any] = {
    "type": "case",
    "ref": "2024-L2-00017",
    "line": 2,
    "code": "international_abduction",
    "opened": "2024-03-05",
    "closed": "2024-05-20",
    "close_reason": "resolved",
    "handler": "jdevries",
    "requester": {
        "kind": "parent",
        "relation": "mother",
        "side": "left_behind",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "birth_date": "1988-02-11",
    },
    "other_parent": {
        "relation": "father",
        "first_name": "Piotr",
        "last_name": "Kowalski",
        "birth_date": "1985-07-30",
    },
    "children": [
        {"first_name": "Ola", "last_name": "Kowalska", "birth_date": "2017-09-01"},
        {"age": 4},
    ],
    "country": "PL",
    "direction": "outgoing",
    "taker": "father",
    "summary": "Vader heeft de kinderen meegenomen naar Polen.",
}

CONTACT: dict[str, Any] = {
    "type": "contact",
    "case": "2024-L2-00017",
    "at": "2024-03-05T10:12",
    "channel": "phone",
    "party": "parent",
    "handler": "jdevries",
    "minutes": 15,
    "summary": "Eerste gesprek.",
}

MEDIATOR: dict[str, Any] = {
    "type": "mediator",
    "name": "M. Jansen",
    "cbfm": True,
    "languages": ["nl", "pl"],
    "active": True,
}
MEDIATOR2: dict[str, Any] = {
    "type": "mediator",
    "name": "K. Nowak",
    "cbfm": False,
    "languages": ["pl"],
    "active": True,
}

MEDIATION: dict[str, Any] = {
    "type": "mediation",
    "ref": "M2024-007",
    "kind": "iko",
    "requested": "2024-02-01",
    "case": "2024-L2-00017",
    "referred_by": "court",
    "children": [{"birth_date": "2017-09-01"}],
    "status": "ended",
    "started": "2024-02-20",
    "not_started_reason": None,
    "special_curator": None,
    "intake": "suitable",
    "outcome": "mirror_agreement",
    "ended": "2024-04-02",
    "failure_reasons": [],
    "mediators": ["M. Jansen", "K. Nowak"],
    "child_interviews": [{"date": "2024-03-01", "children": 1}],
}

ACTIVITY: dict[str, Any] = {
    "type": "activity",
    "date": "2024-02-09",
    "kind": "work_visit",
    "organisation": "KMar",
    "title": "Werkbezoek Schiphol",
}

HISTORICAL: dict[str, Any] = {
    "type": "historical_figure",
    "year": 2023,
    "key": "cases.line1",
    "value": 5199,
}


def case(**changes: Any) -> dict[str, Any]:
    """The abduction case with top-level changes (a value of ... removes the field)."""
    rec = copy.deepcopy(ABDUCTION_CASE)
    for key, value in changes.items():
        if value is ...:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


def lines(*records: dict[str, Any]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records]


def full_file() -> list[dict[str, Any]]:
    return [*USERS, MEDIATOR, MEDIATOR2, ABDUCTION_CASE, CONTACT, MEDIATION, ACTIVITY, HISTORICAL]
