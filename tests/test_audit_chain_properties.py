"""The audit hash chain against any tampering that does not recompute the hashes.

Hypothesis plays the tamperer with raw SQL on the opened file (the append-only
triggers dropped): it changes any column of any entry, removes entries, swaps
two entries or gives one another number, one to three steps at a time. Whatever
it did, `audit.verify_chain` says the log is not intact and names the first
entry that differs from the original. (A tamperer who also recomputes every
hash is the anchor's job: tests/test_audit_anchor.py.)

File-only: hypothesis plays the key holder rewriting the file itself; on the server no
application login can change the log at all (insert-only grants,
tests/pg/test_server_walls.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from ikodesk.services import access, audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.storage import Database

ENTRIES = 6
KH = Actor.key_holder()
COLUMNS = (
    "at",
    "user_id",
    "username",
    "workstation",
    "action",
    "object_type",
    "object_ref",
    "result",
    "detail",
    "hash",
)
positions = st.integers(min_value=1, max_value=ENTRIES)
texts = st.text(alphabet="abcxyz0123456789-: ", max_size=12)
NULLABLE = {"user_id", "object_ref", "detail"}
values = st.one_of(st.integers(min_value=0, max_value=99), texts)
change = st.sampled_from(COLUMNS).flatmap(
    lambda column: st.tuples(
        st.just("change"),
        positions,
        st.just(column),
        st.none() | values if column in NULLABLE else values,
    )
)
remove = st.tuples(st.just("remove"), positions)
swap = st.tuples(st.just("swap"), positions, positions)
renumber = st.tuples(st.just("renumber"), positions, st.integers(ENTRIES + 1, ENTRIES + 3))
steps = st.lists(st.one_of(change, remove, swap, renumber), min_size=1, max_size=3)


@pytest.fixture
def logged(db: Database) -> Iterator[Database]:
    for _ in range(ENTRIES):
        with db.transaction() as s:
            access.require(s, KH, Action.BACKUP, detail="info")
    with db.session() as s:
        check = audit.verify_chain(s)
    assert check.ok and check.entries == ENTRIES
    yield db


def _rows(conn: Connection) -> dict[int, tuple[Any, ...]]:
    rows = conn.execute(text(f"SELECT id, {', '.join(COLUMNS)} FROM audit_log ORDER BY id"))
    return {int(r[0]): tuple(r[1:]) for r in rows}


def _apply(conn: Connection, step: tuple[Any, ...]) -> None:
    rows = _rows(conn)
    kind, pos = step[0], step[1]
    if pos not in rows:
        return  # removed or moved by an earlier step
    if kind == "change":
        _, _, column, value = step
        conn.execute(
            text(f"UPDATE audit_log SET {column} = :v WHERE id = :id"), {"v": value, "id": pos}
        )
    elif kind == "remove":
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": pos})
    elif kind == "swap":
        other = step[2]
        if other not in rows:
            return
        assignments = ", ".join(f"{c} = :{c}" for c in COLUMNS)
        for target, source in ((pos, other), (other, pos)):
            params = dict(zip(COLUMNS, rows[source], strict=True))
            conn.execute(
                text(f"UPDATE audit_log SET {assignments} WHERE id = :id"), {**params, "id": target}
            )
    else:  # renumber: the entry moves to another place in the order
        new_id = step[2]
        if new_id in rows:
            return
        conn.execute(
            text("UPDATE audit_log SET id = :new WHERE id = :id"), {"new": new_id, "id": pos}
        )


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(tampering=steps)
def test_any_change_removal_or_reordering_is_detected(
    logged: Database, tampering: list[tuple[Any, ...]]
) -> None:
    conn = logged.engine.connect()
    try:
        with conn.begin() as tx:
            before = _rows(conn)
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            for step in tampering:
                _apply(conn, step)
            after = _rows(conn)
            changed = [i for i in before if after.get(i) != before[i]]
            changed += [i for i in after if i not in before]
            if not changed:
                tx.rollback()
                assume(False)  # the steps undid each other: nothing to detect
            with Session(bind=conn) as s:
                check = audit.verify_chain(s)
            tx.rollback()
    finally:
        conn.close()
    assert not check.ok
    assert check.first_bad == min(changed)
    assert check.problem and str(check.first_bad) in check.problem


def test_the_untouched_log_checks_out_after_the_rollbacks(logged: Database) -> None:
    """The property test rolls every attack back: the fixture's log is whole again."""
    with logged.session() as s:
        assert audit.verify_chain(s).ok
