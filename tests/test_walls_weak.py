"""Issue 11 point 3: a weak match walls both dossiers provisionally until the admin decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from ikodesk.errors import CaseWalled
from ikodesk.models import AuditEntry
from ikodesk.models.enums import Channel, Party
from ikodesk.reports import dossier
from ikodesk.services import case_queries as q
from ikodesk.services import cases, conflicts, exchange
from ikodesk.services.actors import Actor
from ikodesk.services.validation import parse_case
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R

# The mother, registered by name only (no birth dates): what only her dossier holds.
MOTHER_SECRETS = ("06-99887766", "Blijf-van-mijn-lijfhuis in Zwolle")
WEAK_MOTHER = R.case(
    handler="jdevries",
    requester={
        "kind": "parent",
        "relation": "mother",
        "side": "left_behind",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "phone": MOTHER_SECRETS[0],
    },
    other_parent=...,
    children=[{"first_name": "Ola", "last_name": "Kowalska", "age": 6}],
    summary=MOTHER_SECRETS[1],
)
WEAK_FATHER = F.father_case(
    requester={
        "kind": "parent",
        "relation": "father",
        "side": "taking",
        "first_name": "Piotr",
        "last_name": "Kowalski",
    },
    other_parent={"relation": "mother", "first_name": "Anna", "last_name": "Kowalska"},
    children=[{"first_name": "Ola", "last_name": "Kowalska", "age": 6}],
)


def _register(db: Database, actor: Actor, record: dict[str, Any]) -> int:
    data = parse_case(record)
    data.ref = None
    with db.transaction() as s:
        return cases.create_case(s, actor, data).id


@pytest.fixture
def family(db: Database) -> tuple[Database, int, int]:
    """Registered through the services by their own jurists: a weak match, under review."""
    F.load(db, *F.STAFF)
    mother = _register(db, F.actor(db, "jdevries"), WEAK_MOTHER)
    father = _register(db, F.actor(db, "kvisser"), WEAK_FATHER)
    admin = F.actor(db, "beheer")
    with db.session() as s:
        (pending,) = conflicts.review_list(s, admin)
        assert pending.reason.startswith("zwakke overeenkomst")
        assert conflicts.list_conflicts(s, admin) == []
    return db, mother, father


def _no_mother_data(text_: str) -> None:
    for secret in (*MOTHER_SECRETS, "Zwolle", "Anna", "Kowalska"):
        assert secret.lower() not in text_.lower(), secret


def _refused_everywhere(db: Database, user: Actor, other: int) -> None:
    """Detail, contacts, export, print: refused; search and list show no row content."""
    attempts = [
        lambda s: cases.get_case(s, user, other),
        lambda s: cases.get_case(s, user, other).contacts,
        lambda s: cases.add_contact(
            s, user, other, at=datetime(2024, 6, 1, 10), channel=Channel.PHONE, party=Party.PARENT
        ),
        lambda s: list(exchange.export_records(s, user, case_ids=[other])),
        lambda s: dossier.dossier_pdf(s, user, other),
    ]
    for attempt in attempts:
        with pytest.raises(CaseWalled) as refused, db.transaction() as s:
            attempt(s)
        _no_mother_data(refused.value.message)
    with db.session() as s:
        for typed in ("Kowalska", "Anna", "Zwolle", "06-99887766", "Ola"):
            result = q.search(s, user, typed)
            assert other not in {r.id for r in result.rows}
            _no_mother_data(repr([r for r in result.rows if r.id == other]))
        rows = q.fetch_rows(s, user, q.page_ids(s, user, q.CaseFilter()))
    assert rows[other].masked
    _no_mother_data(repr(rows[other]))


def _can_read(db: Database, user: Actor, case_id: int) -> None:
    with db.session() as s:
        assert cases.get_case(s, user, case_id).id == case_id


def test_the_fathers_jurist_cannot_read_the_mother_while_under_review(
    family: tuple[Database, int, int],
) -> None:
    db, mother, father = family
    kvisser, jdevries = F.actor(db, "kvisser"), F.actor(db, "jdevries")
    _can_read(db, kvisser, father)  # jurist A opens side A
    _refused_everywhere(db, kvisser, mother)
    # And the other way round: each handler keeps their own dossier only.
    _can_read(db, jdevries, mother)
    _refused_everywhere(db, jdevries, father)
    # A third jurist who opens one side is on that side.
    sbakker = F.actor(db, "sbakker")
    _can_read(db, sbakker, father)
    _refused_everywhere(db, sbakker, mother)


def test_who_opened_a_side_before_the_weak_match_is_walled_from_the_other(
    db: Database,
) -> None:
    F.load(db, *F.STAFF)
    mother = _register(db, F.actor(db, "jdevries"), WEAK_MOTHER)
    sbakker = F.actor(db, "sbakker")
    _can_read(db, sbakker, mother)
    father = _register(db, F.actor(db, "kvisser"), WEAK_FATHER)
    _refused_everywhere(db, sbakker, father)


def _last_review_entry(db: Database) -> AuditEntry:
    with db.session() as s:
        entry = s.scalar(
            select(AuditEntry)
            .where(
                AuditEntry.action == "conflicts.review",
                AuditEntry.detail != "beoordelingslijst",
            )
            .order_by(AuditEntry.id.desc())
        )
    assert entry is not None
    return entry


def test_after_confirmation_the_wall_stays(family: tuple[Database, int, int]) -> None:
    db, mother, father = family
    admin, kvisser = F.actor(db, "beheer"), F.actor(db, "kvisser")
    with db.transaction() as s:
        (pending,) = conflicts.review_list(s, admin)
        conflicts.confirm(s, admin, pending.id)
    _refused_everywhere(db, kvisser, mother)
    _can_read(db, kvisser, father)
    entry = _last_review_entry(db)
    assert (entry.username, entry.result) == ("beheer", "allowed")
    assert entry.detail is not None and entry.detail.startswith("bevestigd")
    with db.session() as s:
        assert [i.cases for i in conflicts.list_conflicts(s, admin)] == [pending.cases]


def test_after_dismissal_the_wall_is_gone(family: tuple[Database, int, int]) -> None:
    db, mother, father = family
    admin, kvisser = F.actor(db, "beheer"), F.actor(db, "kvisser")
    _can_read(db, kvisser, father)
    approver = F.second_admin(db)
    with db.transaction() as s:
        (pending,) = conflicts.review_list(s, admin)
        conflicts.dismiss(s, admin, pending.id, approver)
    _can_read(db, kvisser, mother)
    with db.session() as s:
        assert conflicts.conflict_case_ids(s, [mother, father]) == set()
        rows = q.fetch_rows(s, kvisser, [mother])
        assert not rows[mother].masked
    entry = _last_review_entry(db)
    assert entry.username == "beheer" and entry.detail is not None
    assert entry.detail.startswith("afgewezen") and "muur opgeheven" in entry.detail


def test_the_review_list_says_a_provisional_wall_is_up(
    family: tuple[Database, int, int],
) -> None:
    db, _, _ = family
    admin = F.actor(db, "beheer")
    with db.session() as s:
        (pending,) = conflicts.review_list(s, admin)
    assert pending.provisional_wall and pending.as_json()["provisional_wall"] is True
