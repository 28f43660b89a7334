"""`ikodesk import` on the office server: an administrator adds new dossiers it cannot read."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from ikodesk.errors import CaseWalled, ValidationError
from ikodesk.models.enums import Channel, Role
from ikodesk.services import cases, exchange, registrations
from ikodesk.services.validation import PersonData
from ikodesk.services.validation.parsing import parse_case
from tests.pg.test_server_walls import _everything_visible
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office

FILE = [
    *R.USERS,  # jdevries, kvisser (jurists), tmeijer (student): new on the server
    R.MEDIATOR,
    R.MEDIATOR2,
    R.ABDUCTION_CASE,  # the mother's case, jdevries
    R.CONTACT,
    R.MEDIATION,
    R.ACTIVITY,
    R.HISTORICAL,
    F.FATHER_CASE,  # the father's case, kvisser: a conflict with the mother's
    F.FATHER_CONTACT,
    F.UNRELATED_CASE,
]
TABLES = (
    "users",
    "mediators",
    "cases",
    "case_notes",
    "persons",
    "children",
    "contacts",
    "mediations",
    "mediation_children",
    "mediation_mediators",
    "child_interviews",
    "activities",
    "historical_figures",
    "conflict_pairs",
    "wall_claims",
    "case_openings",
    "match_profiles",
    "audit_log",
)


def _counts(office: Office) -> dict[str, int]:
    with psycopg.connect(office.superuser_url) as conn:
        return {
            t: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]
            for t in TABLES
        }


def _write(tmp_path: Path, name: str, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(R.lines(*records)) + "\n", encoding="utf-8")
    return path


def _import(office: Office, records: list[dict[str, Any]], **kw: Any) -> exchange.ImportResult:
    admin = office.admin()
    with admin.db.transaction() as s:
        return exchange.import_lines(s, office.actor(admin), R.lines(*records), **kw)


def test_an_administrator_imports_a_file_onto_the_server(
    office: Office, tmp_path: Path, cli: Any
) -> None:
    before = _counts(office)
    env = {"IKODESK_PASSWORD": ADMIN_PASSWORD}
    done = cli(
        ["--db", office.url, "--user", ADMIN, "import", _write(tmp_path, "a.jsonl", FILE)], env
    )
    assert done.code == 0, done.err
    assert "3 zaken nieuw" in done.out
    after = _counts(office)
    added = {t: after[t] - before[t] for t in TABLES}
    assert added == {
        "users": 3,
        "mediators": 2,
        "cases": 3,
        "case_notes": 3,
        "persons": 6,
        "children": 5,
        "contacts": 2,
        "mediations": 1,
        "mediation_children": 1,
        "mediation_mediators": 2,
        "child_interviews": 1,
        "activities": 1,
        "historical_figures": 1,
        "conflict_pairs": 1,
        "wall_claims": 2,  # the two handlers, each on their own case's side
        "case_openings": 0,  # the administrator has seen none of them
        "match_profiles": 3,
        # The import's summary; the server's own records of the three new logins and of
        # the conflict the detection found.
        "audit_log": 5,
    }
    with psycopg.connect(office.superuser_url) as conn:
        claims = conn.execute(
            "SELECT u.username, c.ref, w.both_sides FROM wall_claims w "
            "JOIN users u ON u.id = w.user_id JOIN cases c ON c.id = w.case_id ORDER BY 1"
        ).fetchall()
        entry = conn.execute(
            "SELECT username, action, detail FROM audit_log WHERE workstation <> 'server' "
            "AND user_id IS NOT NULL"  # not server init's record of the first administrator
        ).fetchone()
        by_server = conn.execute(
            "SELECT action, count(*) FROM audit_log WHERE workstation = 'server' "
            "GROUP BY action ORDER BY 1"
        ).fetchall()
        logins = conn.execute(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(%s) ORDER BY 1",
            (["jdevries", "kvisser", "tmeijer"],),
        ).fetchall()
        stored = conn.execute(
            "SELECT c.ref, n.summary, p.first_name, p.birth_date::text FROM cases c "
            "JOIN case_notes n ON n.case_id = c.id "
            "JOIN persons p ON p.case_id = c.id AND p.role = 'requester' ORDER BY 1"
        ).fetchall()
    assert claims == [("jdevries", F.MOTHER_REF, False), ("kvisser", F.FATHER_REF, False)]
    assert entry == (
        ADMIN,
        "import",
        "13 records, 3 zaken nieuw, 0 bijgewerkt; 1 conflict, 0 ter beoordeling",
    )
    assert by_server == [("conflicts.scan", 1), ("user.manage", 3)]
    # Imported users are logins without a password: they cannot log in yet.
    assert logins == [("jdevries", False), ("kvisser", False), ("tmeijer", False)]
    assert stored == [
        (F.MOTHER_REF, R.ABDUCTION_CASE["summary"], "Anna", "1988-02-11"),
        (F.FATHER_REF, F.FATHER_SECRETS[2], "Piotr", "1985-07-30"),
        (F.UNRELATED_CASE["ref"], R.ABDUCTION_CASE["summary"], "Mehmet", "1980-01-01"),
    ]

    # The administrator still reads no dossier, with psql as with ikodesk.
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        everything = _everything_visible(conn)
    for secret in (*F.FATHER_SECRETS, "Kowalska", "Öztürk", R.CONTACT["summary"]):
        assert secret not in everything

    # The jurists read their imported cases, and the wall holds.
    office.add_password("jdevries")
    office.add_password("kvisser")
    mother, father = office.app("jdevries"), office.app("kvisser")
    with mother.db.transaction() as s:
        case = cases.get_case_by_ref(s, office.actor(mother), F.MOTHER_REF)
        assert case.summary == R.ABDUCTION_CASE["summary"]
        with pytest.raises(CaseWalled):
            cases.get_case_by_ref(s, office.actor(mother), F.FATHER_REF)
    with father.db.transaction() as s:
        assert (
            cases.get_case_by_ref(s, office.actor(father), F.FATHER_REF).summary
            == (F.FATHER_SECRETS[2])
        )
    with office.psql("jdevries") as conn:
        everything = _everything_visible(conn)
    assert "Kowalska" in everything
    for secret in F.FATHER_SECRETS:
        assert secret not in everything


def test_a_stored_reference_is_refused_and_nothing_is_written(office: Office) -> None:
    office.add_user("jdevries", Role.JURIST)
    office.add_user("kvisser", Role.JURIST)
    _import(office, [R.ABDUCTION_CASE, R.CONTACT, R.MEDIATOR, R.MEDIATOR2, R.MEDIATION])
    before = _counts(office)
    again = [R.USERS[2], F.FATHER_CASE, R.ABDUCTION_CASE]  # a new user and case first
    for update in (False, True):
        with pytest.raises(ValidationError) as refused:
            _import(office, again, update=update)
        assert refused.value.line == 3
        message = refused.value.message
        assert f'zaak "{F.MOTHER_REF}" staat al op de kantoorserver' in message
        assert "zonder haar te lezen" in message
    # A contact moment of a stored case: the server cannot tell whether it is there.
    with pytest.raises(ValidationError) as refused:
        _import(office, [F.FATHER_CASE, R.CONTACT])
    assert "zonder het dossier te lezen" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        _import(office, [R.MEDIATOR, R.MEDIATOR2, R.MEDIATION])
    assert 'mediation "M2024-007" staat al op de kantoorserver' in refused.value.message
    assert _counts(office) == before


def _sqlstate(conn: psycopg.Connection[Any], statement: str, *params: Any) -> str | None:
    try:
        with conn.transaction():
            conn.execute(statement, params)
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


def test_the_load_function_writes_only_new_dossiers_for_an_administrator(
    office: Office,
) -> None:
    office.add_user("jdevries", Role.JURIST)
    jurist = office.app("jdevries")
    with jurist.db.transaction() as s:
        stored = cases.create_case(s, office.actor(jurist), parse_case(R.ABDUCTION_CASE)).id
    new_case = json.dumps(
        [
            {
                "ref": "2024-L2-00900",
                "line": 2,
                "code": "international_abduction",
                "opened": "2024-03-05",
                "handler_id": _user_id(office, "jdevries"),
            }
        ]
    )
    load = "SELECT ikodesk_import_load(%s, %s::jsonb)"
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        # The server's own tables are not imported.
        for table in (
            "audit_log",
            "wall_claims",
            "case_openings",
            "conflict_pairs",
            "match_keys",
            "match_profiles",
            "users",
            "meta",
        ):
            assert _sqlstate(conn, load, table, "[{}]") == "IK003", table
        # No ids of one's own; nothing added to a stored dossier.
        assert _sqlstate(conn, load, "cases", '[{"id": 999, "ref": "x"}]') == "IK003"
        planted = {
            "contacts": {
                "case_id": stored,
                "at": "2024-03-06T10:00:00",
                "channel": "phone",
                "party": "parent",
                "handler_id": _user_id(office, "jdevries"),
                "summary": "Ingeschoven",
            },
            "children": {"case_id": stored, "position": 7, "first_name": "Ingeschoven"},
        }
        for table, row in planted.items():
            assert _sqlstate(conn, load, table, json.dumps([row])) == "IK003", table
        assert _sqlstate(conn, load, "cases", '[{"no_such_column": 1}]') == "IK003"
        # Detection only for a case of its own transaction: never to blank a stored
        # case's profile (which would take it out of the matching).
        detect = "SELECT ikodesk_detect(%s, NULL, '[]')"
        assert _sqlstate(conn, detect, stored) == "IK003"
        # A new case of its own transaction, with its people: allowed.
        with conn.transaction():
            assert conn.execute(load, ("cases", new_case)).fetchone() == (1,)
            (cid,) = conn.execute("SELECT id FROM cases WHERE ref = '2024-L2-00900'").fetchone()
            mine = json.dumps([{"case_id": cid, "role": "requester", "kind": "parent"}])
            assert conn.execute(load, ("persons", mine)).fetchone() == (1,)
            conn.execute(detect, (cid,))
        # Still no personal row to read, nor to write directly.
        assert conn.execute("SELECT count(*) FROM persons").fetchone() == (3,)
        assert _sqlstate(conn, "SELECT first_name FROM persons") == "42501"
        assert (
            _sqlstate(
                conn,
                "INSERT INTO persons (case_id, role, kind) VALUES (%s, 'requester', 'parent')",
                stored,
            )
            == "42501"
        )
    # Only administrators load; and no function of ikodesk is everyone's to call.
    with office.psql("jdevries") as conn:
        assert _sqlstate(conn, load, "cases", new_case) == "42501"
    with psycopg.connect(office.superuser_url) as conn:
        public = conn.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'ikodesk%%' "
            "AND has_function_privilege('public', p.oid, 'EXECUTE')"
        ).fetchall()
    assert public == []


def _user_id(office: Office, username: str) -> int:
    with psycopg.connect(office.superuser_url) as conn:
        row = conn.execute("SELECT id FROM users WHERE username = %s", (username,)).fetchone()
    assert row is not None
    return int(row[0])


class Beside:
    """Work in another thread (its own connection) while this thread holds a transaction open."""

    def __init__(self, office: Office, work: Callable[[], Any]) -> None:
        self.office = office
        self.result: list[Any] = []
        self.errors: list[BaseException] = []

        def run() -> None:
            try:
                self.result.append(work())
            except BaseException as exc:  # reported by the test
                self.errors.append(exc)

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def waits_or_ends(self) -> None:
        """Until the work waits for a lock (as it must) or, wrongly, ends without waiting."""
        deadline = time.monotonic() + 60
        while self.thread.is_alive() and not _waiting_for_a_lock(self.office):
            assert time.monotonic() < deadline
            time.sleep(0.05)

    def outcome(self) -> Any:
        self.thread.join(timeout=120)
        assert not self.errors, self.errors
        return self.result[0]


def test_an_import_meets_a_family_side_being_edited_at_the_same_moment(office: Office) -> None:
    """Detection runs one at a time: the import's waits for the edit's, then sees it."""
    office.add_user("jdevries", Role.JURIST)
    office.add_user("kvisser", Role.JURIST)
    mother, admin = office.app("jdevries"), office.admin()
    # The mother's case as first registered: nothing to match on yet.
    first = R.case(other_parent=..., children=...)
    first["requester"] = {k: v for k, v in first["requester"].items() if k != "birth_date"}
    with mother.db.transaction() as s:
        case = cases.create_case(s, office.actor(mother), parse_case(first))
        case_id, version = case.id, case.version

    def import_father() -> exchange.ImportResult:
        with admin.db.transaction() as s:
            return exchange.import_lines(s, office.actor(admin), R.lines(F.FATHER_CASE))

    with mother.db.transaction() as s:  # the jurist completes the case (not saved yet)
        full = parse_case(R.ABDUCTION_CASE)
        cases.update_case(s, office.actor(mother), case_id, full, expected_version=version)
        father = Beside(office, import_father)
        father.waits_or_ends()
    assert father.outcome().conflicts == 1
    with psycopg.connect(office.superuser_url) as conn:
        pairs = conn.execute(
            "SELECT a.ref, b.ref, p.status FROM conflict_pairs p "
            "JOIN cases a ON a.id = p.case_a_id JOIN cases b ON b.id = p.case_b_id"
        ).fetchall()
    assert pairs == [(F.MOTHER_REF, F.FATHER_REF, "conflict")]


def test_a_desk_registering_during_an_import_numbers_after_it(office: Office) -> None:
    office.add_user("tmeijer", Role.STUDENT)
    desk, admin = office.app("tmeijer"), office.admin()
    imported = {
        "type": "case",
        "ref": "2024-L1-00001",
        "line": 1,
        "code": "travel_consent",
        "opened": "2024-03-04",
        "handler": "tmeijer",
        "requester": {"kind": "parent", "relation": "mother", "last_name": "Eerder"},
    }

    def register() -> str:
        with desk.db.transaction() as s:
            return registrations.register_line1(
                s,
                office.actor(desk),
                caller=PersonData(kind="parent", relation="father", last_name="Later"),
                channel=Channel.PHONE,
                at=datetime(2024, 3, 5, 10, 0),
                country="ES",
            ).ref

    with admin.db.transaction() as s:
        exchange.import_lines(s, office.actor(admin), R.lines(imported))
        call = Beside(office, register)
        call.waits_or_ends()
    assert call.outcome() == "2024-L1-00002"


def _waiting_for_a_lock(office: Office) -> bool:
    with psycopg.connect(office.superuser_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


def test_conflict_and_wall_records_are_refused_with_the_way_that_carries_them(
    office: Office,
) -> None:
    """The server decides walls itself; a file cannot hand it a side or a decision (#13.7)."""
    office.add_user("jdevries", Role.JURIST)
    office.add_user("kvisser", Role.JURIST)
    before = _counts(office)
    pair = {
        "type": "conflict",
        "cases": [F.MOTHER_REF, F.FATHER_REF],
        "status": "dismissed",
        "score": 40,
        "reason": "x",
        "detected": "2024-05-01T10:00",
        "decided": "2024-05-02T10:00",
        "decided_by": "jdevries",
    }
    wall = {
        "type": "wall",
        "cases": [F.MOTHER_REF, F.FATHER_REF],
        "user": "kvisser",
        "side": F.MOTHER_REF,
        "basis": "handler",
        "at": "2024-05-01T10:00",
    }
    opening = {
        "type": "case_opening",
        "user": "kvisser",
        "case": F.MOTHER_REF,
        "first_at": "2024-05-01T10:00",
    }
    for record in (pair, wall, opening):
        with pytest.raises(ValidationError) as refused:
            _import(office, [R.ABDUCTION_CASE, F.FATHER_CASE, record])
        assert refused.value.line == 3
        assert "server migrate" in refused.value.message
    assert _counts(office) == before


def _unanalysed(office: Office) -> list[str]:
    """The dossier tables ANALYZE never ran on by hand (autovacuum's own runs aside)."""
    with psycopg.connect(office.superuser_url) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL "
            "AND relname IN ('cases', 'persons', 'children', 'contacts') ORDER BY 1"
        ).fetchall()
    return [r for (r,) in rows]


def test_a_large_import_leaves_the_planner_its_statistics(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a large import the server's planner knows the tables at once, not when
    autovacuum comes by; a small one leaves that to autovacuum. ANALYZE is the owner's:
    the logins reach it only through ikodesk_analyze, administrators only."""
    from ikodesk.services.exchange import server_writing

    assert len(FILE) < server_writing.ANALYZE_AFTER
    _import(office, [*R.USERS, R.ABDUCTION_CASE])
    assert _unanalysed(office) == ["cases", "children", "contacts", "persons"]
    monkeypatch.setattr(server_writing, "ANALYZE_AFTER", 3)  # "large": this test's size
    _import(office, [F.FATHER_CASE, F.FATHER_CONTACT, F.UNRELATED_CASE])
    assert _unanalysed(office) == []

    office.add_user("statjurist", Role.JURIST)
    with office.psql("statjurist") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT ikodesk_analyze()")
