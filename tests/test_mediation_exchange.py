"""Mediations in the exchange format: parents in `x.parents`, and the rules added for the
workflow (which the import applies too)."""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ikodesk.errors import ValidationError
from ikodesk.models import MediationParent
from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import records as R
from tests.support.backends import Backend, export_all

KEY_HOLDER = Actor.key_holder()
PARENTS = [
    {
        "relation": "mother",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "birth_date": "1988-02-11",
        "country": "NL",
    },
    {"relation": "father", "last_name": "Kowalski", "country": "PL"},
]
BASE = [*R.USERS, R.MEDIATOR, R.MEDIATOR2, R.ABDUCTION_CASE]


def _med(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(R.MEDIATION)
    rec.update(changes)
    return {k: v for k, v in rec.items() if v is not None and v != []}


def _import(db: Database, recs: list[dict[str, Any]], update: bool = False) -> None:
    with db.transaction() as s:
        exchange.import_lines(s, KEY_HOLDER, R.lines(*recs), update=update)


def _exported_mediations(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [r for r in exchange.export_records(s, KEY_HOLDER) if r["type"] == "mediation"]


def _mediations(backend: Backend) -> list[dict[str, Any]]:
    """The mediation records of the backend's export (an administrator's, approved)."""
    return [r for r in export_all(backend) if r["type"] == "mediation"]


_PARENT_COLUMNS = select(
    MediationParent.position,
    MediationParent.relation,
    MediationParent.first_name,
    MediationParent.last_name,
    MediationParent.birth_date,
    MediationParent.country,
).order_by(MediationParent.position)


def _parent_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [tuple(r) for r in s.execute(_PARENT_COLUMNS)]


def _stored_parents(backend: Backend) -> list[tuple[Any, ...]]:
    """The parent rows as stored (the test's own look behind the scenes)."""
    with backend.inspect() as s:
        return [tuple(r) for r in s.execute(_PARENT_COLUMNS)]


def test_parents_in_x_become_parents_and_are_exported_back(backend: Backend) -> None:
    rec = _med(x={"parents": PARENTS, "legacy_id": 7})
    backend.load(*BASE, rec)
    assert _stored_parents(backend) == [
        (0, "mother", "Anna", "Kowalska", date(1988, 2, 11), "NL"),
        (1, "father", None, "Kowalski", None, "PL"),
    ]
    (exported,) = _mediations(backend)
    assert exported["x"] == {"legacy_id": 7, "parents": PARENTS}
    assert exported == rec


def test_an_export_with_parents_round_trips_into_an_empty_database(
    backend: Backend, tmp_path: Path
) -> None:
    backend.load(*BASE, _med(x={"parents": PARENTS}))
    path = tmp_path / "out.jsonl"
    path.write_text("".join(exchange.json_line(r) + "\n" for r in export_all(backend)))
    other = Database.create(tmp_path / "b.db", passphrase=TEST_PASSPHRASE)[0]
    try:
        with other.transaction() as s:
            exchange.import_file(s, KEY_HOLDER, path)
        assert _exported_mediations(other) == _mediations(backend)
        assert _parent_rows(other) == _stored_parents(backend)
    finally:
        other.close()


@pytest.mark.parametrize(
    "bad",
    [
        [{"relation": "aunt", "last_name": "X"}],
        [{"relation": "mother", "shoe_size": 38}],
        [{"relation": "mother", "country": "XX"}],
        [{"relation": "mother", "birth_date": "2030-01-01"}],
        [{"relation": "mother"}, {"relation": "father"}, {"relation": "father"}],
        "Anna en Piotr",
    ],
    ids=["relation", "unknown field", "unknown country", "born after request", "three", "text"],
)
def test_an_invalid_x_parents_stays_free_data_as_it_is(backend: Backend, bad: Any) -> None:
    rec = _med(x={"parents": bad, "note": "oud systeem"})
    backend.load(*BASE, rec)
    assert _stored_parents(backend) == []
    (exported,) = _mediations(backend)
    assert exported["x"] == {"parents": bad, "note": "oud systeem"}


def test_update_replaces_the_parents(backend: Backend) -> None:
    backend.load(*BASE, _med(x={"parents": PARENTS}))
    stored = _stored_parents(backend)
    father_only = _med(x={"parents": [{"relation": "father", "first_name": "Jan"}]})
    if backend.is_server:
        # By design the server's import adds new mediations only, --update or not: its
        # administrator reads no dossier to replace. Refused with its message, unchanged.
        for rec in (father_only, _med()):
            with pytest.raises(ValidationError, match="staat al op de kantoorserver"):
                backend.load(rec, update=True)
        assert _stored_parents(backend) == stored
        return
    backend.load(father_only, update=True)
    assert _stored_parents(backend) == [(0, "father", "Jan", None, None, None)]
    backend.load(_med(), update=True)
    assert _stored_parents(backend) == []
    assert "x" not in _mediations(backend)[0]


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        (
            _med(
                children=[{"birth_date": "2022-01-01"}],
                child_interviews=[{"date": "2024-03-01", "children": 1}],
            ),
            "child_interviews[0].children",
            "1 kind gehoord, maar op 2024-03-01 is in deze mediation geen kind 3 jaar of ouder",
        ),
        (
            _med(
                children=[{"birth_date": "2015-01-01"}, {"age": 1}],
                child_interviews=[{"date": "2024-03-01", "children": 2}],
            ),
            "child_interviews[0].children",
            "2 kinderen gehoord, maar op 2024-03-01 is in deze mediation 1 kind 3 jaar of ouder",
        ),
        (
            _med(status="running", outcome=None, ended=None, intake="not_suitable"),
            "intake",
            "niet geschikt is, loopt niet door",
        ),
    ],
    ids=["child under three heard", "more heard than old enough", "not suitable but running"],
)
def test_rules_the_workflow_added_also_hold_on_import(
    backend: Backend, record: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        backend.load(*BASE, record)
    assert info.value.field == field
    assert message in info.value.field_message
    assert info.value.line == len(BASE) + 1


def test_a_child_known_by_age_may_have_turned_three_since_the_request(
    backend: Backend,
) -> None:
    """Age 2 at the request (2024-02-01): three possibly on 2024-03-01, so not refused."""
    rec = _med(children=[{"age": 2}], child_interviews=[{"date": "2024-03-01", "children": 1}])
    backend.load(*BASE, rec)
    assert _mediations(backend)[0]["child_interviews"] == rec["child_interviews"]


# --- property: any valid parents survive export -> import -> export -------------------

_names = st.sampled_from(["Anna", "Łucja", "Çağan", "Öztürk", "van den Berg", "O'Neil"])


@st.composite
def _parent(draw: st.DrawFn) -> dict[str, Any]:
    p: dict[str, Any] = {"relation": draw(st.sampled_from(["mother", "father"]))}
    for key in ("first_name", "last_name"):
        if draw(st.booleans()):
            p[key] = draw(_names)
    if draw(st.booleans()):
        p["birth_date"] = (
            date(1970, 1, 1) + timedelta(days=draw(st.integers(0, 12000)))
        ).isoformat()
    if draw(st.booleans()):
        p["country"] = draw(st.sampled_from(["NL", "PL", "TR", "MA", "US"]))
    return p


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parents=st.lists(_parent(), max_size=2),
    extra=st.none() | st.just({"legacy_id": 12}),
)
def test_parents_round_trip(
    tmp_path: Path, parents: list[dict[str, Any]], extra: dict[str, Any] | None
) -> None:
    x = {**(extra or {}), **({"parents": parents} if parents else {})} or None
    rec = _med(x=x)
    a = Database.create(tmp_path / f"{uuid.uuid4().hex}.db", passphrase=TEST_PASSPHRASE)[0]
    b = Database.create(tmp_path / f"{uuid.uuid4().hex}.db", passphrase=TEST_PASSPHRASE)[0]
    try:
        _import(a, [*BASE, rec])
        (exported,) = _exported_mediations(a)
        assert exported == rec
        _import(b, [*BASE, exported])
        assert _exported_mediations(b) == [exported]
    finally:
        a.close()
        b.close()
