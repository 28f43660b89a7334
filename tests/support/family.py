"""A family on both sides of a conflict: the mother's case and the father's case."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from ikodesk.models import Case, User
from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database
from tests.support import records as R

STAFF = [
    *R.USERS,  # jdevries, kvisser (jurists), tmeijer (student)
    {"type": "user", "username": "sbakker", "name": "S. Bakker", "role": "jurist"},
    {"type": "user", "username": "mjanssen", "name": "M. Janssen", "role": "jurist"},
    {"type": "user", "username": "beheer", "name": "F. Beheerder", "role": "admin"},
    {"type": "user", "username": "directie", "name": "M. van Leeuwen", "role": "manager"},
    {"type": "user", "username": "mediation", "name": "W. Hendriks", "role": "mediation"},
]
PASSWORD = "Rode-Kikker-Springt-5093"

MOTHER_REF = "2024-L2-00017"  # R.ABDUCTION_CASE: Anna Kowalska, left behind, jdevries
FATHER_REF = "2024-L2-00030"

# What only the father's dossier holds: none of it may reach the mother's handler.
FATHER_SECRETS = (
    "06-55501234",
    "piotr.k@example.org",
    "Vader wil de kinderen in Polen houden",
    "Vader belt over de school in Krakau",
)

FATHER_CASE: dict[str, Any] = {
    "type": "case",
    "ref": FATHER_REF,
    "line": 2,
    "code": "international_abduction",
    "opened": "2024-04-02",
    "handler": "kvisser",
    "requester": {
        "kind": "parent",
        "relation": "father",
        "side": "taking",
        "first_name": "Piotr",
        "last_name": "Kowalski",
        "birth_date": "1985-07-30",
        "phone": FATHER_SECRETS[0],
        "email": FATHER_SECRETS[1],
    },
    "other_parent": {
        "relation": "mother",
        "first_name": "anna",  # registered by someone else, a little differently
        "last_name": "KOWALSKA",
        "birth_date": "1988-02-11",
    },
    "children": [
        {"first_name": "ola", "last_name": "Kowalska", "birth_date": "2017-09-01"},
        {"age": 4},
    ],
    "country": "PL",
    "direction": "outgoing",
    "taker": "father",
    "summary": FATHER_SECRETS[2],
}
FATHER_CONTACT: dict[str, Any] = {
    "type": "contact",
    "case": FATHER_REF,
    "at": "2024-04-02T11:00",
    "channel": "phone",
    "party": "parent",
    "handler": "kvisser",
    "minutes": 20,
    "summary": FATHER_SECRETS[3],
}

UNRELATED_CASE: dict[str, Any] = R.case(
    ref="2024-L2-00040",
    opened="2024-05-01",
    closed=...,
    close_reason=...,
    requester={
        "kind": "parent",
        "relation": "father",
        "side": "taking",
        "first_name": "Mehmet",
        "last_name": "Öztürk",
        "birth_date": "1980-01-01",
    },
    other_parent={"relation": "mother", "first_name": "Elif", "last_name": "Öztürk"},
    children=[{"first_name": "Çağan", "last_name": "Öztürk", "birth_date": "2015-01-01"}],
    country="TR",
    handler="jdevries",
)


def father_case(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(FATHER_CASE)
    for key, value in changes.items():
        if value is ...:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


KH = Actor.key_holder()


def load(db: Database, *records: dict[str, Any]) -> exchange.ImportResult:
    with db.transaction() as s:
        return exchange.import_lines(s, KH, R.lines(*records))


def with_passwords(db: Database) -> None:
    with db.transaction() as s:
        for u in STAFF:
            users.set_password(s, KH, u["username"], PASSWORD)


def actor(db: Database, username: str) -> Actor:
    with db.session() as s:
        u = s.scalar(select(User).where(User.username == username))
        assert u is not None
        return Actor(u.id, u.username, u.role)


def case_id(db: Database, ref: str) -> int:
    with db.session() as s:
        cid = s.scalar(select(Case.id).where(Case.ref == ref))
        assert cid is not None
        return cid


SECOND_ADMIN = "tweede"


def second_admin(db: Database) -> ApproverCredentials:
    """A second administrator (made once) who approves a four-eyes action."""
    with db.transaction() as s:
        if s.scalar(select(User.id).where(User.username == SECOND_ADMIN)) is None:
            users.create_user(s, KH, SECOND_ADMIN, Role.ADMIN, password=PASSWORD)
    return ApproverCredentials(SECOND_ADMIN, PASSWORD)
