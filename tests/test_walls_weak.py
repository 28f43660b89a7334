"""Issue 11 point 3: a weak match walls both dossiers provisionally until the admin decides.

Every test runs on both backends (`backend`), each user as their own login.
"""

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
from ikodesk.services.validation import parse_case
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import As, Backend

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


def _register(user: As, record: dict[str, Any]) -> int:
    data = parse_case(record)
    data.ref = None
    with user.transaction() as s:
        return cases.create_case(s, user.actor, data).id


@pytest.fixture
def family(backend: Backend) -> tuple[Backend, int, int]:
    """Registered through the services by their own jurists: a weak match, under review."""
    backend.load(*F.STAFF)
    mother = _register(backend.as_("jdevries"), WEAK_MOTHER)
    father = _register(backend.as_("kvisser"), WEAK_FATHER)
    admin = backend.as_("beheer")
    with admin.session() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
        assert pending.reason.startswith("zwakke overeenkomst")
        assert conflicts.list_conflicts(s, admin.actor) == []
    return backend, mother, father


def _no_mother_data(text_: str) -> None:
    for secret in (*MOTHER_SECRETS, "Zwolle", "Anna", "Kowalska"):
        assert secret.lower() not in text_.lower(), secret


def _refused_everywhere(me: As, other: int) -> None:
    """Detail, contacts, export, print: refused; search and list show no row content."""
    user = me.actor
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
        with pytest.raises(CaseWalled) as refused, me.transaction() as s:
            attempt(s)
        _no_mother_data(refused.value.message)
    with me.session() as s:
        for typed in ("Kowalska", "Anna", "Zwolle", "06-99887766", "Ola"):
            result = q.search(s, user, typed)
            assert other not in {r.id for r in result.rows}
            _no_mother_data(repr([r for r in result.rows if r.id == other]))
        rows = q.fetch_rows(s, user, q.page_ids(s, user, q.CaseFilter()))
    assert rows[other].masked
    _no_mother_data(repr(rows[other]))


def _can_read(me: As, case_id: int) -> None:
    with me.session() as s:
        assert cases.get_case(s, me.actor, case_id).id == case_id


def test_the_fathers_jurist_cannot_read_the_mother_while_under_review(
    family: tuple[Backend, int, int],
) -> None:
    b, mother, father = family
    kvisser, jdevries = b.as_("kvisser"), b.as_("jdevries")
    _can_read(kvisser, father)  # jurist A opens side A
    _refused_everywhere(kvisser, mother)
    # And the other way round: each handler keeps their own dossier only.
    _can_read(jdevries, mother)
    _refused_everywhere(jdevries, father)
    # A third jurist who opens one side is on that side.
    sbakker = b.as_("sbakker")
    _can_read(sbakker, father)
    _refused_everywhere(sbakker, mother)


def test_who_opened_a_side_before_the_weak_match_is_walled_from_the_other(
    backend: Backend,
) -> None:
    backend.load(*F.STAFF)
    mother = _register(backend.as_("jdevries"), WEAK_MOTHER)
    sbakker = backend.as_("sbakker")
    _can_read(sbakker, mother)
    father = _register(backend.as_("kvisser"), WEAK_FATHER)
    _refused_everywhere(sbakker, father)


def _last_review_entry(b: Backend) -> AuditEntry:
    with b.inspect() as s:
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


def test_after_confirmation_the_wall_stays(family: tuple[Backend, int, int]) -> None:
    b, mother, father = family
    admin, kvisser = b.as_("beheer"), b.as_("kvisser")
    with admin.transaction() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
        conflicts.confirm(s, admin.actor, pending.id)
    _refused_everywhere(kvisser, mother)
    _can_read(kvisser, father)
    entry = _last_review_entry(b)
    assert (entry.username, entry.result) == ("beheer", "allowed")
    assert entry.detail is not None and entry.detail.startswith("bevestigd")
    with admin.session() as s:
        assert [i.cases for i in conflicts.list_conflicts(s, admin.actor)] == [pending.cases]


def test_after_dismissal_the_wall_is_gone(family: tuple[Backend, int, int]) -> None:
    b, mother, father = family
    admin, kvisser = b.as_("beheer"), b.as_("kvisser")
    _can_read(kvisser, father)
    approver = b.second_admin()
    with admin.transaction() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
        conflicts.dismiss(s, admin.actor, pending.id, approver)
    _can_read(kvisser, mother)
    with kvisser.session() as s:
        assert conflicts.conflict_case_ids(s, [mother, father]) == set()
        rows = q.fetch_rows(s, kvisser.actor, [mother])
        assert not rows[mother].masked
    entry = _last_review_entry(b)
    assert entry.username == "beheer" and entry.detail is not None
    assert entry.detail.startswith("afgewezen") and "muur opgeheven" in entry.detail


def test_the_review_list_says_a_provisional_wall_is_up(
    family: tuple[Backend, int, int],
) -> None:
    b, _, _ = family
    admin = b.as_("beheer")
    with admin.session() as s:
        (pending,) = conflicts.review_list(s, admin.actor)
    assert pending.provisional_wall and pending.as_json()["provisional_wall"] is True
