"""Audit anchors against someone holding the key (issue #11, point 11).

The attacker here works like one would: raw SQL on the opened file, the
append-only triggers dropped, and every hash after the change recomputed with
the public algorithm, the head in `meta` too. The plain chain check then says
"intact"; the anchor does not.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text

from ikodesk.errors import AccessDenied, InputError
from ikodesk.models.enums import Role
from ikodesk.services import access, audit, audit_anchor, audit_views, users
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE

KH = Actor.key_holder()
ANCHORED = 8  # entries before the anchor; the anchor's own entry is number 9


def _entry(db: Database, n: int = 1) -> None:
    for _ in range(n):
        with db.transaction() as s:
            access.require(s, KH, Action.BACKUP, detail="info")


@pytest.fixture
def admin(db: Database) -> Actor:
    with db.transaction() as s:
        u = users.create_user(s, KH, "beheer", Role.ADMIN)
        return Actor(u.id, u.username, u.role)


@pytest.fixture
def anchored(db: Database, admin: Actor) -> audit_anchor.Anchor:
    """8 entries, an anchor on entry 8 (its own entry is 9), then 3 more: 12 in all."""
    _entry(db, ANCHORED - 1)  # plus the user.manage entry of the fixture `admin`
    with db.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin)
    _entry(db, 3)
    assert anchor.seq == ANCHORED
    return anchor


def _rows(conn: Connection) -> list[dict[str, object]]:
    return [dict(r._mapping) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY id"))]


def _rewrite(conn: Connection) -> None:
    """Recompute every hash from the first entry on, and the head: the chain checks out."""
    prev, seq = audit.GENESIS, 0
    for row in _rows(conn):
        seq = int(str(row["id"]))
        ev = audit.Event(**{k: row[k] for k in audit.Event.__dataclass_fields__})  # type: ignore[arg-type]
        prev = audit.chain_hash(prev, seq, ev)
        conn.execute(text("UPDATE audit_log SET hash = :h WHERE id = :id"), {"h": prev, "id": seq})
    conn.execute(
        text("UPDATE meta SET value = :v WHERE key = 'audit_head'"), {"v": f"{seq} {prev}"}
    )


def _attack(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        _attack_on(conn, *statements)


def _attack_on(conn: Connection, *statements: str) -> None:
    conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    for sql in statements:
        conn.execute(text(sql))
    _rewrite(conn)


def _checks(db: Database, anchor: audit_anchor.Anchor) -> tuple[bool, bool]:
    with db.session() as s:
        return audit.verify_chain(s).ok, audit_anchor.verify_anchor(s, anchor).ok


FORGED = (
    "INSERT INTO audit_log (id, at, user_id, username, workstation, action, object_type, "
    "object_ref, result, detail, hash) VALUES ({id}, '2026-12-01T10:00:00.000000Z', NULL, "
    "'(sleutelhouder)', 'elders/iemand', 'backup', 'database', NULL, 'allowed', 'info', '')"
)


def test_an_untouched_log_matches_its_anchor(db: Database, anchored: audit_anchor.Anchor) -> None:
    assert _checks(db, anchored) == (True, True)
    with db.session() as s:
        assert audit_anchor.verify_anchor(s, anchored).message.startswith("vermelding 1 t/m 8")


def test_truncating_and_recomputing_is_caught_by_the_anchor(
    db: Database, anchored: audit_anchor.Anchor
) -> None:
    _attack(db, "DELETE FROM audit_log WHERE id >= 6")
    assert _checks(db, anchored) == (True, False)
    with db.session() as s:
        assert "geen vermelding 6" in audit_anchor.verify_anchor(s, anchored).message


def test_truncating_and_refilling_past_the_anchor_is_caught(
    db: Database, anchored: audit_anchor.Anchor
) -> None:
    _attack(
        db,
        "DELETE FROM audit_log WHERE id >= 6",
        *(FORGED.format(id=i) for i in range(6, 14)),
    )
    assert _checks(db, anchored) == (True, False)


def test_relabelling_one_entry_is_caught(db: Database, anchored: audit_anchor.Anchor) -> None:
    _attack(db, "UPDATE audit_log SET username = 'iemand-anders', user_id = 77 WHERE id = 3")
    assert _checks(db, anchored) == (True, False)


def test_changing_the_anchored_entry_itself_is_caught(
    db: Database, anchored: audit_anchor.Anchor
) -> None:
    _attack(db, f"UPDATE audit_log SET detail = 'anders' WHERE id = {ANCHORED}")
    assert _checks(db, anchored) == (True, False)


def test_a_forged_entry_after_the_anchor_still_verifies(
    db: Database, anchored: audit_anchor.Anchor
) -> None:
    """The documented limit: an anchor says nothing about what comes after it."""
    _attack(db, FORGED.format(id=13), "DELETE FROM audit_log WHERE id = 11")
    _attack(db, "UPDATE audit_log SET id = id - 1 WHERE id > 11")
    assert _checks(db, anchored) == (True, True)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    position=st.integers(min_value=1, max_value=ANCHORED),
    column=st.sampled_from(["at", "username", "workstation", "action", "object_ref", "detail"]),
    value=st.text(alphabet="abcxyz0123456789-", min_size=1, max_size=12),
)
def test_any_change_before_the_anchor_is_caught(
    db: Database, anchored: audit_anchor.Anchor, position: int, column: str, value: str
) -> None:
    conn = db.engine.connect()
    try:
        with conn.begin() as tx:
            current = conn.execute(
                text(f"SELECT {column} FROM audit_log WHERE id = :id"),
                {"id": position},
            ).scalar()
            if current == value:
                return
            _attack_on(
                conn,
                f"UPDATE audit_log SET {column} = '{value}' WHERE id = {position}",
            )
            from sqlalchemy.orm import Session

            with Session(bind=conn) as s:
                assert audit.verify_chain(s).ok
                assert not audit_anchor.verify_anchor(s, anchored).ok
            tx.rollback()
    finally:
        conn.close()


# -- the code -------------------------------------------------------------------------


def test_the_code_reads_back_and_forgives_case_and_lookalikes() -> None:
    anchor = audit_anchor.Anchor.of(1234, "ab" * 32)
    code = anchor.code
    number, *groups, check = code.split("-")
    assert number == "1234" and [len(g) for g in groups] == [4, 4, 4, 4] and len(check) == 1
    assert audit_anchor.parse(code) == anchor
    assert audit_anchor.parse(" " + code.lower().replace("-", " - ") + " ") == anchor
    assert audit_anchor.parse(code.replace("0", "O").replace("1", "l")) == anchor


@pytest.mark.parametrize("bad", ["", "abc", "12-ABCD", "0-AAAA-AAAA-AAAA-AAAA-A", "x-1-2-3"])
def test_a_malformed_code_is_refused_in_dutch(bad: str) -> None:
    with pytest.raises(InputError, match="geen geldige ankercode"):
        audit_anchor.parse(bad)


def test_one_mistyped_character_is_caught_by_the_check_character() -> None:
    code = audit_anchor.Anchor.of(77, "cd" * 32).code
    caught = 0
    for i, c in enumerate(code):
        if c == "-" or i < 3:
            continue
        other = "Z" if c != "Z" else "Y"
        try:
            audit_anchor.parse(code[:i] + other + code[i + 1 :])
        except InputError:
            caught += 1
    assert caught >= 15  # of 17 positions; a random check character misses 1 in 32


# -- who may anchor, the record, the reminder -------------------------------------------


def test_only_an_admin_anchors_and_it_is_audited(db: Database, admin: Actor) -> None:
    with db.transaction() as s:
        jurist = users.create_user(s, admin, "jan", Role.JURIST)
        jan = Actor(jurist.id, jurist.username, jurist.role)
    with pytest.raises(AccessDenied), db.transaction() as s:
        audit_anchor.make_anchor(s, jan)
    with db.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin)
    with db.session() as s:
        last = audit.entries(s, limit=1)[0]
        refused = audit.entries(s, username="jan", limit=1)[0]
    assert last.action == "audit.anchor" and last.detail == f"anker {anchor.code}"
    assert last.object_ref == str(anchor.seq) and last.id == anchor.seq + 1
    assert refused.action == "audit.anchor" and refused.result == "refused"


def test_a_broken_chain_is_not_anchored(db: Database, admin: Actor) -> None:
    _entry(db, 3)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET detail = 'x' WHERE id = 2"))
    with pytest.raises(InputError, match="niet intact"), db.transaction() as s:
        audit_anchor.make_anchor(s, admin)


def test_the_reminder_is_due_without_an_anchor_and_after_31_days(
    db: Database, admin: Actor
) -> None:
    with db.session() as s:
        assert audit_anchor.status(s).due and audit_anchor.status(s).last_at is None
    with db.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin)
    with db.session() as s:
        now = audit_anchor.status(s)
        assert not now.due and now.seq == anchor.seq and now.code == anchor.code
        assert now.last_at is not None
        later = now.last_at + timedelta(days=32)
        assert audit_anchor.status(s, clock=lambda: later).due


def test_audit_views_verify_anchor_is_for_admins(db: Database, admin: Actor) -> None:
    _entry(db)
    with db.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin)
        jan_user = users.create_user(s, admin, "jan", Role.JURIST)
        jan = Actor(jan_user.id, "jan", Role.JURIST)
    with db.session() as s:
        chain, anchored = audit_views.verify_anchor(s, admin, anchor)
        assert chain.ok and anchored.ok
        with pytest.raises(AccessDenied):
            audit_views.verify_anchor(s, jan, anchor)


# -- the command line -------------------------------------------------------------------

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
ADMIN_ENV = {**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}


@pytest.fixture
def dbfile(cli: Callable[..., object], tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    res = cli(["--db", path, "init", "--admin", "beheer"], env=ADMIN_ENV)
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    return path


def _code(out: str) -> str:
    return next(ln.split(": ", 1)[1] for ln in out.splitlines() if ln.startswith("Ankercode"))


def test_cli_anchor_needs_a_user_and_writes_an_owner_only_file(cli, dbfile: Path) -> None:
    res = cli(["--db", dbfile, "audit", "anchor"], env=ENV)
    assert res.code == 3 and "--user" in res.err
    out_file = dbfile.with_name("anker.txt")
    res = cli(
        ["--db", dbfile, "--user", "beheer", "audit", "anchor", "-o", out_file], env=ADMIN_ENV
    )
    assert res.code == 0, res.err
    code = _code(res.out)
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert code in out_file.read_text(encoding="utf-8")
    # An existing file (or a planted link) is never written through.
    res = cli(
        ["--db", dbfile, "--user", "beheer", "audit", "anchor", "-o", out_file], env=ADMIN_ENV
    )
    assert res.code == 2 and "bestaat al" in res.err
    res = cli(["--db", dbfile, "audit", "verify", "--anchor", code], env=ENV)
    assert res.code == 0, res.err
    assert "klopt" in res.out and "zegt het anker niets" in res.out


def test_cli_verify_with_anchor_catches_a_rewrite_that_plain_verify_misses(
    cli, dbfile: Path
) -> None:
    for _ in range(3):
        assert cli(["--db", dbfile, "--user", "beheer", "user", "list"], env=ADMIN_ENV).code == 0
    res = cli(["--db", dbfile, "--user", "beheer", "audit", "anchor"], env=ADMIN_ENV)
    code = _code(res.out)
    db = Database.open(dbfile, passphrase=TEST_PASSPHRASE)
    try:
        _attack(db, "DELETE FROM audit_log WHERE id >= 2")
    finally:
        db.close()
    plain = cli(["--db", dbfile, "audit", "verify"], env=ENV)
    assert plain.code == 0 and "intact" in plain.out
    res = cli(["--db", dbfile, "audit", "verify", "--anchor", code], env=ENV)
    assert res.code == 2
    assert "GEWIJZIGD" in res.err and "opnieuw berekend" in res.err


def test_cli_a_mistyped_code_is_an_input_error(cli, dbfile: Path) -> None:
    res = cli(["--db", dbfile, "audit", "verify", "--anchor", "12-ABCD-EFGH-JKMN-PQRS-Z"], env=ENV)
    assert res.code == 2 and ("controleteken" in res.err or "geen geldige" in res.err)
