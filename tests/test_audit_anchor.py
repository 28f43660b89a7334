"""Audit anchors against someone who bypasses the application (issue #11, point 11).

The attacker here works like one would: raw SQL past the application (`raw`: on a
file the opened file with its key; on the office server the tables' owner, since
the logins may only append to the log there), the append-only guards switched
off, and every hash after the change recomputed with the public algorithm, the
head in `meta` too. The plain chain check then says "intact"; the anchor does not.

The service tests and the command line's rewrite test run on both backends
(`backend`). The code's format is a pure function (no database); the property test
and two command-line tests are file-only, each says why.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from ikodesk.errors import AccessDenied, InputError
from ikodesk.models import AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import access, audit, audit_anchor, audit_views
from ikodesk.services.access import Action
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support.backends import Backend, raw
from tests.support.office import ADMIN

ANCHORED = 8  # entries before the anchor; the anchor's own entry is number 9


def _last_id(backend: Backend) -> int:
    with backend.inspect() as s:
        return int(s.scalar(select(func.max(AuditEntry.id))) or 0)


def _entries_up_to(backend: Backend, n: int) -> None:
    """Audited work by the administrator until the log has `n` entries.

    The first is the first administrator's record on both backends (made with the
    file's key, or by `server init`)."""
    admin = backend.as_(ADMIN)
    with admin.transaction() as s:
        for _ in range(n - _last_id(backend)):
            access.require(s, admin.actor, Action.BACKUP, detail="info")
    assert _last_id(backend) == n


@pytest.fixture
def anchored(backend: Backend) -> audit_anchor.Anchor:
    """8 entries, an anchor on entry 8 (its own entry is 9), then 3 more: 12 in all."""
    _entries_up_to(backend, ANCHORED)
    admin = backend.as_(ADMIN)
    with admin.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin.actor)
    _entries_up_to(backend, ANCHORED + 4)
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


def _attack(backend: Backend, *statements: str) -> None:
    with raw(backend) as conn:
        _attack_on(conn, *statements)


def _attack_on(conn: Connection, *statements: str) -> None:
    if conn.dialect.name == "postgresql":
        # The owner, not a superuser: what the owner's credentials allow is enough.
        who = conn.execute(
            text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        ).one()
        assert tuple(who) == ("ikodesk_owner", False)
        # Off: the append-only guards and the server's own chain (it would renumber,
        # re-time and re-sign a forged entry); on again when done, as if untouched.
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    for sql in statements:
        conn.execute(text(sql))
    _rewrite(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


def _checks_in(s: Session, anchor: audit_anchor.Anchor) -> tuple[bool, bool]:
    return audit.verify_chain(s).ok, audit_anchor.verify_anchor(s, anchor).ok


def _checks(backend: Backend, anchor: audit_anchor.Anchor) -> tuple[bool, bool]:
    """The chain and the anchor, checked as the administrator checks them."""
    with backend.as_(ADMIN).session() as s:
        return _checks_in(s, anchor)


def _anchor_message(backend: Backend, anchor: audit_anchor.Anchor) -> str:
    with backend.as_(ADMIN).session() as s:
        return audit_anchor.verify_anchor(s, anchor).message


FORGED = (
    "INSERT INTO audit_log (id, at, user_id, username, workstation, action, object_type, "
    "object_ref, result, detail, hash) VALUES ({id}, '2026-12-01T10:00:00.000000Z', NULL, "
    "'(sleutelhouder)', 'elders/iemand', 'backup', 'database', NULL, 'allowed', 'info', '')"
)


def test_an_untouched_log_matches_its_anchor(
    backend: Backend, anchored: audit_anchor.Anchor
) -> None:
    assert _checks(backend, anchored) == (True, True)
    assert _anchor_message(backend, anchored).startswith("vermelding 1 t/m 8")


def test_truncating_and_recomputing_is_caught_by_the_anchor(
    backend: Backend, anchored: audit_anchor.Anchor
) -> None:
    _attack(backend, "DELETE FROM audit_log WHERE id >= 6")
    assert _checks(backend, anchored) == (True, False)
    assert "geen vermelding 6" in _anchor_message(backend, anchored)


def test_truncating_and_refilling_past_the_anchor_is_caught(
    backend: Backend, anchored: audit_anchor.Anchor
) -> None:
    _attack(
        backend,
        "DELETE FROM audit_log WHERE id >= 6",
        *(FORGED.format(id=i) for i in range(6, 14)),
    )
    assert _checks(backend, anchored) == (True, False)


def test_relabelling_one_entry_is_caught(backend: Backend, anchored: audit_anchor.Anchor) -> None:
    _attack(backend, "UPDATE audit_log SET username = 'iemand-anders', user_id = 77 WHERE id = 3")
    assert _checks(backend, anchored) == (True, False)


def test_changing_the_anchored_entry_itself_is_caught(
    backend: Backend, anchored: audit_anchor.Anchor
) -> None:
    _attack(backend, f"UPDATE audit_log SET detail = 'anders' WHERE id = {ANCHORED}")
    assert _checks(backend, anchored) == (True, False)


def test_a_forged_entry_after_the_anchor_still_verifies(
    backend: Backend, anchored: audit_anchor.Anchor
) -> None:
    """The documented limit: an anchor says nothing about what comes after it."""
    _attack(backend, FORGED.format(id=13), "DELETE FROM audit_log WHERE id = 11")
    # One row at a time: PostgreSQL checks the key on every row as it is moved.
    _attack(
        backend,
        "UPDATE audit_log SET id = 11 WHERE id = 12",
        "UPDATE audit_log SET id = 12 WHERE id = 13",
    )
    assert _checks(backend, anchored) == (True, True)


# The property over the hash algorithm, which is the same on both backends (the
# server's rewrite with owner rights is covered by the examples above); thirty
# rewrites, each rolled back on the one connection: file only.
@pytest.mark.parametrize("backend", ["file"], indirect=True)
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
    backend: Backend, anchored: audit_anchor.Anchor, position: int, column: str, value: str
) -> None:
    assert backend.db is not None
    conn = backend.db.engine.connect()
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
            with Session(bind=conn) as s:
                assert _checks_in(s, anchored) == (True, False)
            tx.rollback()
    finally:
        conn.close()


# -- the code (no database) -------------------------------------------------------------


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


def test_only_an_admin_anchors_and_it_is_audited(backend: Backend) -> None:
    backend.add_users(("jan", Role.JURIST))
    jan, admin = backend.as_("jan"), backend.as_(ADMIN)
    with pytest.raises(AccessDenied), jan.transaction() as s:
        audit_anchor.make_anchor(s, jan.actor)
    with admin.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin.actor)
    with backend.inspect() as s:
        last = audit.entries(s, limit=1)[0]
        refused = audit.entries(s, username="jan", limit=1)[0]
    assert last.action == "audit.anchor" and last.detail == f"anker {anchor.code}"
    assert last.object_ref == str(anchor.seq) and last.id == anchor.seq + 1
    assert (last.username, last.user_id) == (ADMIN, admin.actor.user_id)
    assert refused.action == "audit.anchor" and refused.result == "refused"


def test_a_broken_chain_is_not_anchored(backend: Backend) -> None:
    _entries_up_to(backend, 4)
    with raw(backend) as conn:  # changed, hashes left as they were
        if backend.is_server:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET detail = 'x' WHERE id = 2"))
        if backend.is_server:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update"))
    admin = backend.as_(ADMIN)
    with pytest.raises(InputError, match="niet intact"), admin.transaction() as s:
        audit_anchor.make_anchor(s, admin.actor)
    with backend.inspect() as s:  # the refusal is recorded, and no anchor is kept
        last = audit.entries(s, limit=1)[0]
        assert (last.action, last.detail) == ("audit.anchor", "keten niet intact")
        assert audit_anchor.status(s).code is None


def test_the_reminder_is_due_without_an_anchor_and_after_31_days(backend: Backend) -> None:
    admin = backend.as_(ADMIN)
    with admin.session() as s:
        assert audit_anchor.status(s).due and audit_anchor.status(s).last_at is None
    with admin.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin.actor)
    with admin.session() as s:
        now = audit_anchor.status(s)
        assert not now.due and now.seq == anchor.seq and now.code == anchor.code
        assert now.last_at is not None
        later = now.last_at + timedelta(days=32)
        assert audit_anchor.status(s, clock=lambda: later).due


def test_audit_views_verify_anchor_is_for_admins(backend: Backend) -> None:
    backend.add_users(("jan", Role.JURIST))
    admin, jan = backend.as_(ADMIN), backend.as_("jan")
    with admin.transaction() as s:
        anchor = audit_anchor.make_anchor(s, admin.actor)
    with admin.session() as s:
        chain, anchored = audit_views.verify_anchor(s, admin.actor, anchor)
        assert chain.ok and anchored.ok
    with jan.session() as s, pytest.raises(AccessDenied):
        audit_views.verify_anchor(s, jan.actor, anchor)


# -- the command line -------------------------------------------------------------------

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
ADMIN_ENV = {**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}


def _code(out: str) -> str:
    return next(ln.split(": ", 1)[1] for ln in out.splitlines() if ln.startswith("Ankercode"))


def test_cli_verify_with_anchor_catches_a_rewrite_that_plain_verify_misses(
    cli, backend: Backend
) -> None:
    if backend.office is not None:
        where, env = backend.office.url, {"IKODESK_PASSWORD": ADMIN_PASSWORD}
    else:
        assert backend.db is not None
        where, env = str(backend.db.path), ADMIN_ENV
    admin = ["--db", where, "--user", ADMIN]
    for _ in range(3):
        assert cli([*admin, "user", "list"], env=env).code == 0
    res = cli([*admin, "audit", "anchor"], env=env)
    assert res.code == 0, res.err
    code = _code(res.out)
    name = backend.office.database if backend.office is not None else Path(where).name
    assert any(ln.startswith("Database: ") and name in ln for ln in res.out.splitlines())
    _attack(backend, "DELETE FROM audit_log WHERE id >= 2")
    plain = cli([*admin, "audit", "verify"], env=env)
    assert plain.code == 0 and "intact" in plain.out, plain.err
    res = cli([*admin, "audit", "verify", "--anchor", code], env=env)
    assert res.code == 2
    assert "GEWIJZIGD" in res.err and "opnieuw berekend" in res.err


# File-only below: a new file made by `ikodesk init`, and the key holder's commands
# without --user (the server has no key holder: every command there logs in).


@pytest.fixture
def dbfile(cli: Callable[..., object], tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    res = cli(["--db", path, "init", "--admin", "beheer"], env=ADMIN_ENV)
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    return path


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


def test_cli_a_mistyped_code_is_an_input_error(cli, dbfile: Path) -> None:
    res = cli(["--db", dbfile, "audit", "verify", "--anchor", "12-ABCD-EFGH-JKMN-PQRS-Z"], env=ENV)
    assert res.code == 2 and ("controleteken" in res.err or "geen geldige" in res.err)
